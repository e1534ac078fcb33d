#!/usr/bin/env bash
# Pinned developer tools, built from the Go module proxy into a cache under
# $HOME (never into the repository). Source this file, then call
# `tool_path NAME` to get the path of a tool, building it on first use.
#
#   . scripts/tools.sh && "$(tool_path actionlint)" .github/workflows/*.yml
#
# Versions live here and nowhere else.
set -euo pipefail

TOOLS_CACHE=${K8S_CLUSTER_INFRA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/k8s-cluster-infra}
TOOLS_BIN=$TOOLS_CACHE/bin

OPENTOFU_VERSION=1.12.6
declare -A TOOL_MODULES=(
	[golangci-lint]=github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
	[actionlint]=github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
	[helm]=helm.sh/helm/v4/cmd/helm@v4.3.2
	[podinfo]=github.com/stefanprodan/podinfo/cmd/podinfo@v1.8.1-0.20250910200901-e86405a8674e
	[benchstat]=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
	[trivy]=github.com/aquasecurity/trivy/cmd/trivy@v0.74.0
	[govulncheck]=golang.org/x/vuln/cmd/govulncheck@v1.9.0
	[oras]=oras.land/oras/cmd/oras@v1.3.6
)
# Extra build environment per tool (trivy v0.74 needs the encoding/json/v2 experiment).
declare -A TOOL_BUILD_ENV=(
	[trivy]=GOEXPERIMENT=jsonv2
)

# Extra -ldflags for tools that stamp their version at link time.
declare -A TOOL_LDFLAGS=(
	[helm]="-X helm.sh/helm/v4/internal/version.version=v4.3.2"
)

tools_log() { echo "tools: $*" >&2; }

# tool_path NAME: prints the path of NAME, building the pinned version if needed.
tool_path() {
	local name=$1
	case "$name" in
	tofu)
		ensure_tofu
		return
		;;
	esac
	local mod=${TOOL_MODULES[$name]:-}
	[[ -n $mod ]] || {
		tools_log "unknown tool $name"
		return 2
	}
	local version=${mod##*@}
	local dir=$TOOLS_BIN/$name-$version
	if [[ ! -x $dir/$name ]]; then
		tools_log "building $mod (first use only)..."
		mkdir -p "$dir"
		# shellcheck disable=SC2086 # the build environment is a list of NAME=value words
		env ${TOOL_BUILD_ENV[$name]:-} GOBIN="$dir" CGO_ENABLED=0 go install -trimpath -ldflags "${TOOL_LDFLAGS[$name]:-}" "$mod" >&2
	fi
	echo "$dir/$name"
}

# ensure_tofu: prints the path of an OpenTofu >= 1.10 binary. Uses `tofu` from
# PATH when present (CI and most workstations); otherwise builds the pinned
# release from its Go module, inside the module so its replace directives hold.
ensure_tofu() {
	if command -v tofu >/dev/null 2>&1; then
		local v
		v=$(tofu version 2>/dev/null | sed -n 's/^OpenTofu v\([0-9]*\)\.\([0-9]*\).*/\1 \2/p' | head -n1)
		if [[ -n $v ]] && read -r major minor <<<"$v" && ((major > 1 || minor >= 10)); then
			command -v tofu
			return
		fi
	fi
	local dir=$TOOLS_BIN/tofu-$OPENTOFU_VERSION
	if [[ ! -x $dir/tofu ]]; then
		tools_log "building OpenTofu v$OPENTOFU_VERSION from the Go module proxy (first use only, several minutes)..."
		local moddir
		moddir=$(GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@v$OPENTOFU_VERSION" |
			sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p' | head -n1)
		[[ -d $moddir ]] || {
			tools_log "cannot download github.com/opentofu/opentofu@v$OPENTOFU_VERSION"
			return 1
		}
		mkdir -p "$dir"
		(cd "$moddir" && GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath \
			-ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$dir/tofu" ./cmd/tofu) >&2
	fi
	echo "$dir/tofu"
}
