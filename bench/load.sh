#!/usr/bin/env bash
# `make bench-load`: org-app against podinfo (the reference Go service) and a
# bare net/http hello-world (the ceiling) under wrk, on loopback, one server
# at a time, the server pinned to one core and wrk to another; interleaved
# rounds, medians and quiet-window rates. Prints a table; writes JSON. See
# docs/performance.md.
#
# Linux only (taskset, /proc). Knobs (environment):
#   BENCH_DURATION=10s  BENCH_WARMUP=2s  BENCH_ROUNDS=3  BENCH_CONCURRENCY=16,64  BENCH_WINDOW=500ms
#   BENCH_SERVER_CPU=0  BENCH_LOAD_CPU=1  BENCH_JSON=path (default under $TMPDIR)
# A quick look: BENCH_DURATION=2s BENCH_WARMUP=1s BENCH_ROUNDS=1 make bench-load
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "bench-load: $*" >&2; }

if [[ $(uname -s) != Linux ]]; then
	log "needs Linux (taskset and /proc)"
	exit 2
fi
if ! command -v wrk >/dev/null 2>&1; then
	log "installing wrk (Debian's package)"
	sudo_cmd=""
	[[ $(id -u) -eq 0 ]] || sudo_cmd=sudo
	$sudo_cmd apt-get install -y -qq wrk >/dev/null 2>&1 ||
		{ $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq wrk >/dev/null; }
fi
command -v taskset >/dev/null 2>&1 || {
	log "taskset (util-linux) is required"
	exit 2
}
if (($(nproc) < 2)); then
	log "warning: $(nproc) CPU: server and wrk will share it; results are not comparable with a 2-core run"
	: "${BENCH_LOAD_CPU:=0}"
fi

# Everything built lands in a temporary directory, removed on exit: nothing
# in the repository, podinfo in the tools cache (built from the module proxy
# at the version pinned in scripts/tools.sh, never vendored).
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-load.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "building org-app, the hello-world ceiling and the harness"
CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$work/" ./cmd/org-app ./bench/hello ./bench/loadcompare
# shellcheck source=scripts/tools.sh
. scripts/tools.sh
podinfo=$(tool_path podinfo)

json=${BENCH_JSON:-${TMPDIR:-/tmp}/bench-load-$(date -u +%Y%m%dT%H%M%SZ).json}
"$work/loadcompare" \
	-org-app "$work/org-app" -podinfo "$podinfo" -hello "$work/hello" \
	-duration "${BENCH_DURATION:-10s}" -warmup "${BENCH_WARMUP:-2s}" -rounds "${BENCH_ROUNDS:-3}" \
	-concurrency "${BENCH_CONCURRENCY:-16,64}" -window "${BENCH_WINDOW:-500ms}" \
	-server-cpu "${BENCH_SERVER_CPU:-0}" -load-cpu "${BENCH_LOAD_CPU:-1}" \
	-json "$json"
