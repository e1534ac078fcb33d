#!/usr/bin/env bash
# `make run`: start org-app on its embedded defaults for local development.
# Creates a random signing secret (once, outside the repository), mints a user
# and an analyst token with it, prints curl examples, then runs the server in
# the foreground (Ctrl-C stops it).
set -euo pipefail
bin=${1:-bin/org-app}

if [[ -z ${DEVOPS_SECRET:-} && -z ${DEVOPS_SECRET_FILE:-} ]]; then
	state=${XDG_STATE_HOME:-$HOME/.local/state}/org-app
	mkdir -p "$state"
	chmod 700 "$state"
	if [[ ! -s $state/dev-secret ]]; then
		(umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n' >"$state/dev-secret")
	fi
	export DEVOPS_SECRET_FILE=$state/dev-secret
fi
# Locally there is no load balancer to drain from: stop at once on Ctrl-C.
export ORG_APP_SERVER_DRAIN_DELAY=${ORG_APP_SERVER_DRAIN_DELAY:-0s}

user_token=$("$bin" token --sub dev-user --groups cp_users --ttl 12h)
analyst_token=$("$bin" token --sub dev-analyst --groups cp_analysts --ttl 12h)
port=${ORG_APP_PORT:-8080}
health=${ORG_APP_HEALTHCHECK_PORT:-8081}
metrics=${ORG_APP_METRICS_PORT:-8000}

cat <<EOF_BANNER
org-app: starting on embedded defaults (API :$port, health :$health, metrics :$metrics)
signing secret: ${DEVOPS_SECRET_FILE:-DEVOPS_SECRET from your environment}

  export USER_TOKEN='$user_token'
  export ANALYST_TOKEN='$analyst_token'

  curl -s localhost:$port/
  curl -s -H "Authorization: Bearer \$USER_TOKEN" localhost:$port/api/v1/me
  curl -s -H "Authorization: Bearer \$USER_TOKEN" -H 'Content-Type: application/json' -d '{"hello":"world"}' localhost:$port/api/v1/echo
  curl -s -H "Authorization: Bearer \$ANALYST_TOKEN" localhost:$port/api/v1/reports/traffic
  curl -s localhost:$health/readyz
  curl -s localhost:$metrics/metrics | grep ^http_

More tokens: $bin token --sub NAME --groups cp_users,cp_analysts --ttl 1h
(with DEVOPS_SECRET_FILE=${DEVOPS_SECRET_FILE:-...} in the environment). Ctrl-C stops the server.

EOF_BANNER
exec "$bin"
