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
test: go-test tf-test ## Every test: Go (race, fuzz seeds, chart) and OpenTofu (fmt, validate, tftest)

.PHONY: go-test
go-test: ## Go vet, gofmt check and all Go tests with the race detector
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [[ -n "$$unformatted" ]]; then echo "gofmt needed: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

FUZZTIME ?= 10s

.PHONY: fuzz
fuzz: ## Run every Go fuzz target for FUZZTIME (10s) each, one after another
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

.PHONY: lint
lint: ## golangci-lint (pinned) over the Go code
	. scripts/tools.sh && "$$(tool_path golangci-lint)" run ./...

.PHONY: bench
bench: build ## Go benchmarks of the handler chain, then RSS, start-to-ready and binary size
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./internal/httpapi/ ./internal/auth/
	$(GO) run ./bench/footprint -bin $(BIN)/org-app

.PHONY: bench-load
bench-load: ## Load comparison on loopback: org-app vs podinfo vs net/http hello-world (wrk)
	bench/load.sh

.PHONY: clean
clean: ## Remove ./bin
	rm -rf $(BIN)
