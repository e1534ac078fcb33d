#!/usr/bin/env bash
# `make demo`: start org-app on its embedded defaults with a throwaway secret,
# run the canary against it for about 10 s, print the verdict table, stop
# org-app and exit with the canary's status (0 SLOs hold, 1 breached).
#
#   scripts/demo.sh [BIN_DIR]     (BIN_DIR defaults to bin; make demo builds it)
#
# DEMO_DURATION (10s), DEMO_RATE (50 checks/s) and DEMO_ARGS (extra canary
# flags, e.g. "--report json") tune the run.
set -euo pipefail
bin=${1:-bin}
for b in org-app canary; do
	[[ -x $bin/$b ]] || {
		echo "demo: $bin/$b not found; run make build first" >&2
		exit 2
	}
done

# A port on loopback nobody answers on: the usual one when free, else a random one.
free_port() {
	local p=$1
	for _ in $(seq 1 50); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
		p=$((20000 + RANDOM % 40000))
	done
	echo "demo: no free port found" >&2
	return 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/org-app-demo.XXXXXX")
app_pid=""
# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
	if [[ -n $app_pid ]] && kill -0 "$app_pid" 2>/dev/null; then
		kill -TERM "$app_pid" 2>/dev/null || true
		wait "$app_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A random signing secret for this demo only, shared by org-app and the
# canary (which mints its tokens with it, as `org-app token` does).
(umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n' >"$tmp/secret")
export DEVOPS_SECRET_FILE=$tmp/secret
unset DEVOPS_SECRET

api=$(free_port 8080)
health=$(free_port 8081)
metrics=$(free_port 8000)
while [[ $health == "$api" ]]; do health=$(free_port $((20000 + RANDOM % 40000))); done
while [[ $metrics == "$api" || $metrics == "$health" ]]; do metrics=$(free_port $((20000 + RANDOM % 40000))); done

echo "demo: starting org-app (API :$api, health :$health, metrics :$metrics; logs in $tmp/org-app.log)"
ORG_APP_PORT=$api ORG_APP_HEALTHCHECK_PORT=$health ORG_APP_METRICS_PORT=$metrics \
	ORG_APP_SERVER_DRAIN_DELAY=0s ORG_APP_LOG_LEVEL=${ORG_APP_LOG_LEVEL:-WARN} \
	"$bin/org-app" >"$tmp/org-app.log" 2>&1 &
app_pid=$!

ready=""
for _ in $(seq 1 100); do
	if "$bin/org-app" probe --url "http://127.0.0.1:$health/readyz" --timeout 1s 2>/dev/null; then
		ready=yes
		break
	fi
	kill -0 "$app_pid" 2>/dev/null || break
	sleep 0.1
done
if [[ -z $ready ]]; then
	echo "demo: org-app did not become ready; its output:" >&2
	cat "$tmp/org-app.log" >&2
	exit 1
fi

duration=${DEMO_DURATION:-10s}
rate=${DEMO_RATE:-50}
echo "demo: org-app is ready; running the canary for $duration at $rate checks/s"
echo
code=0
# shellcheck disable=SC2086 # DEMO_ARGS is a list of flags
"$bin/canary" run --target "http://127.0.0.1:$api" --health "http://127.0.0.1:$health" \
	--duration "$duration" --rate "$rate" ${DEMO_ARGS:-} || code=$?
echo
if [[ -s $tmp/org-app.log ]]; then
	echo "demo: org-app logged:"
	sed 's/^/  /' "$tmp/org-app.log"
fi
echo "demo: stopping org-app; canary exit status $code"
exit "$code"
