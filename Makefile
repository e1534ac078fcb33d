# k8s-cluster-infra — every developer entry point. `make help` lists them.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
BUILD_TIME ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
BUILDINFO := github.com/k8s-cluster-infra/k8s-cluster-infra/internal/buildinfo
LDFLAGS   := -s -w -X $(BUILDINFO).Version=$(VERSION) -X $(BUILDINFO).Commit=$(COMMIT) -X $(BUILDINFO).BuildTime=$(BUILD_TIME)
BIN       := bin

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build org-app and canary into ./bin (static, stripped)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/...

.PHONY: run
run: build ## Start org-app on embedded defaults with a local secret; prints tokens and curl examples
	scripts/run-local.sh $(BIN)/org-app

.PHONY: demo
demo: build ## Start org-app, run the canary against it for ~10 s, print the verdict, stop
	scripts/demo.sh $(BIN)

.PHONY: test
test: go-test tf-test lint-workflows scan-config scan-image e2e ## Every test: Go (race, fuzz seeds, chart), OpenTofu (fmt, validate, tftest), workflows, scans (config, image SBOM), e2e when KUBECONFIG is set

# Image, chart and cluster add-ons (deploy/). The image is reproducible: stamped
# with the commit's time, not the build's.
IMAGE_DIR       ?= dist/image
IMAGE_REPO      ?= ko.local/org-app
IMAGE_CREATED   ?= $(shell git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
IMAGE_PLATFORMS ?= linux/amd64,linux/arm64

.PHONY: image
image: ## Build the org-app image (org-app + canary, no Docker) into dist/image: OCI layout + tarballs, amd64 + arm64
	$(GO) run ./cmd/imagebuild -out $(IMAGE_DIR) -repo $(IMAGE_REPO) -version $(VERSION) -revision $(COMMIT) \
	  -created $(IMAGE_CREATED) -platforms $(IMAGE_PLATFORMS)

.PHONY: chart-test
chart-test: ## Chart, platform and image tests only: render, strict decode, Pod Security restricted, invariants, helm lint
	$(GO) test -race -count=1 ./deploy/... ./internal/chartrender/... ./internal/imagebuild/... ./cmd/imagebuild/... ./cmd/platformdeploy/...

.PHONY: e2e
e2e: ## Install the chart on the cluster in KUBECONFIG (E2E_IMAGE_LOAD loads the image), helm test, rolling restart under load, uninstall
	@if [[ -z "$${KUBECONFIG:-}" ]]; then \
	  echo "e2e: KUBECONFIG is not set: skipping the end-to-end test (README.md, Deploy: local cluster)"; exit 0; fi; \
	$(MAKE) --no-print-directory image IMAGE_PLATFORMS=linux/$$($(GO) env GOARCH) && \
	E2E_IMAGE_DIR=$(CURDIR)/$(IMAGE_DIR) $(GO) test -tags e2e -count=1 -v -timeout 20m ./deploy/e2e/

.PHONY: platform-deploy
platform-deploy: ## Install the cluster add-ons from infra/live/ENV/REGION's outputs: make platform-deploy ENV=prod REGION=us-east-1
	@[[ -n "$(ENV)" && -n "$(REGION)" ]] || { echo "usage: make platform-deploy ENV=dev|staging|prod REGION=us-east-1" >&2; exit 2; }
	. scripts/tools.sh && HELM="$$(tool_path helm)" TOFU="$$(tool_path tofu)" \
	  $(GO) run ./cmd/platformdeploy deploy -env $(ENV) -region $(REGION)

.PHONY: go-test
go-test: ## Go vet, gofmt check and all Go tests with the race detector
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [[ -n "$$unformatted" ]]; then echo "gofmt needed: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

# A count, not a duration: with a duration, go1.26's fuzz coordinator can fail a
# clean run with "context deadline exceeded" when the deadline races a busy
# worker (golang/go#75804, fixed in go1.27). 60000 inputs take 1-15 s per
# target on a 2-core machine; FUZZTIME=60s works too, with that risk.
FUZZTIME ?= 60000x

.PHONY: fuzz
fuzz: ## Run every Go fuzz target for FUZZTIME (60000 inputs) each, one after another
	@n=0; \
	while IFS=: read -r file fn; do \
	  name=$${fn#func }; name=$${name%(}; dir=$$(dirname "$$file"); n=$$((n + 1)); \
	  echo "fuzz: $$name in $$dir for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) "$$dir" </dev/null; \
	done < <(grep -rEo --include='*_test.go' --exclude-dir=.git --exclude-dir=.terraform --exclude-dir=node_modules \
	  '^func Fuzz[A-Za-z0-9_]*\(' . | sort); \
	if [[ $$n -eq 0 ]]; then echo "fuzz: no fuzz targets found" >&2; exit 1; fi; \
	echo "fuzz: $$n targets passed"

.PHONY: tf-fmt
tf-fmt: ## tofu fmt -check over infra/
	scripts/tf.sh fmt

.PHONY: tf-fmt-fix
tf-fmt-fix: ## tofu fmt (rewrite) over infra/
	scripts/tf.sh fmt-fix

.PHONY: tf-validate
tf-validate: ## tofu init -backend=false && tofu validate in every module, stack and live root
	scripts/tf.sh validate

.PHONY: tf-test
tf-test: ## tofu fmt -check, validate and tofu test (mock_provider) for every module
	scripts/tf.sh all

.PHONY: reachability
reachability: ## Build bin/reachability and run its tests (with tofu + the offline stand-in in the environment, also the offline applies of the fixture roots)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/reachability ./cmd/reachability
	$(GO) test -race -count=1 ./internal/reachability/... ./cmd/reachability/...

.PHONY: tf-init
tf-init: ## tofu init a live root with the shared backend configuration: make tf-init ROOT=prod/us-east-1
	@[[ -n "$(ROOT)" && -d infra/live/$(ROOT) ]] || { echo "usage: make tf-init ROOT=<env>/<region>|global (a directory under infra/live)" >&2; exit 2; }
	@[[ -f infra/live/backend.hcl ]] || { echo "infra/live/backend.hcl is missing: apply infra/live/bootstrap and write its backend_hcl output there (infra/live/README.md)" >&2; exit 2; }
	"$$(. scripts/tools.sh && ensure_tofu)" -chdir=infra/live/$(ROOT) init -backend-config=$(CURDIR)/infra/live/backend.hcl

.PHONY: lint
lint: ## golangci-lint (pinned) over the Go code
	. scripts/tools.sh && "$$(tool_path golangci-lint)" run ./...

.PHONY: lint-workflows
lint-workflows: ## actionlint (+ shellcheck) on .github/workflows, action pinning, tests of scripts/ci
	scripts/lint-workflows.sh

.PHONY: scan-config
scan-config: ## trivy config on infra/ and deploy/ (Dockerfile, chart, manifests): HIGH/CRITICAL fail
	scripts/scan.sh config

.PHONY: scan-image
scan-image: image ## SBOMs of the image `make image` builds, beside it; vulnerability scan when the DB is reachable
	scripts/scan.sh image $(IMAGE_DIR)/org-app.oci

.PHONY: scan
scan: scan-config scan-image ## Every scan: misconfigurations, then the image's SBOM and vulnerabilities

.PHONY: vulncheck
vulncheck: ## govulncheck (pinned) over the Go code; needs the Go vulnerability database (CI)
	. scripts/tools.sh && "$$(tool_path govulncheck)" ./...

.PHONY: docs
docs: ## Render docs/architecture/platform.dot to platform.svg (Graphviz: apt-get install graphviz)
	@command -v dot >/dev/null || { echo "docs: Graphviz 'dot' not found (apt-get install graphviz)" >&2; exit 1; }
	dot -Tsvg docs/architecture/platform.dot -o docs/architecture/platform.svg

.PHONY: bench
bench: build ## Go benchmarks of the handler chain and the server's CPU per GET / on loopback, then RSS, start-to-ready and binary size
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./internal/httpapi/ ./internal/auth/
	$(GO) test -run '^$$' -bench LoopbackRoot -count 5 ./internal/app/
	$(GO) run ./bench/footprint -bin $(BIN)/org-app

.PHONY: bench-load
bench-load: ## Load comparison on loopback: org-app vs podinfo vs net/http hello-world (wrk)
	bench/load.sh

.PHONY: clean
clean: ## Remove ./bin
	rm -rf $(BIN)
