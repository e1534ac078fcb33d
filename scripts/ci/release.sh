#!/usr/bin/env bash
# The org-app release steps of deploy.yml (ADR 0402), against the cluster in
# $KUBECONFIG:
#
#   scripts/ci/release.sh install  ENV REGION REPOSITORY DIGEST
#       helm upgrade --install --rollback-on-failure --wait with the chart, the
#       AWS values (deploy/values/prod.yaml, shared by every environment; then
#       deploy/values/ENV.yaml if it exists), the region's values from the stack
#       outputs (platformdeploy app-values; from the file $STACK_OUTPUTS, the
#       root's `tofu output -json`, when set, else from tofu) and the image
#       pinned by digest. app-values -resolve-digests also pins the enabled
#       third-party sidecar images (Fluent Bit, ADOT): their tags resolved to
#       digests in the region's ECR pull-through cache with the job's AWS
#       credentials (docs/adr/0206); the chart refuses them by tag. The images
#       installed are printed, by digest, before helm runs.
#   scripts/ci/release.sh test
#       helm test: the chart's in-cluster canary against the Service.
#   scripts/ci/release.sh tokens OUTDIR
#       mints a user and an analyst token (15 min) for the public canary gate
#       inside the cluster: `org-app token` runs in the release's canary pod,
#       with the secret mounted there and the canary's own groups. The signing
#       secret never leaves the cluster (the deploy role may not read it);
#       only the two short-lived tokens reach OUTDIR (user.jwt, analyst.jwt).
#   scripts/ci/release.sh rollback
#       helm rollback to the previous revision, waiting for it to be ready.
#
# Helm 4 spells Helm 3's --atomic as --rollback-on-failure: a failed upgrade
# (pods not ready within the timeout) is rolled back by helm itself; rollback
# here is for a release that installed but then failed a gate (helm test, the
# public canary).
set -euo pipefail
cd "$(dirname "$0")/../.."

HELM=${HELM:-helm}
KUBECTL=${KUBECTL:-kubectl}
# PLATFORMDEPLOY (default: go run ./cmd/platformdeploy) prints the region's chart values.
RELEASE=${RELEASE:-org-app}
NAMESPACE=${NAMESPACE:-org-app}
CHART=deploy/charts/org-app
TIMEOUT=${HELM_TIMEOUT:-10m}

usage() {
	echo "usage: scripts/ci/release.sh install ENV REGION REPOSITORY DIGEST | test | tokens OUTDIR | rollback" >&2
	exit 2
}

cmd_install() {
	local env=$1 region=$2 repo=$3 digest=$4 tmp values=()
	[[ $env =~ ^(dev|staging|prod)$ ]] || { echo "release: ENV must be dev, staging or prod" >&2; exit 2; }
	[[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "release: DIGEST must be sha256:<64 hex>" >&2; exit 2; }
	[[ $repo =~ ^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+$ ]] || {
		echo "release: REPOSITORY must be an ECR repository URL, got '$repo'" >&2
		exit 2
	}
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	# The AWS values every environment shares, then the environment's own
	# overrides when it has any, then the region's values from its outputs.
	local files=(deploy/values/prod.yaml) f
	if [[ $env != prod && -f deploy/values/$env.yaml ]]; then
		files+=("deploy/values/$env.yaml")
	fi
	# The same files, in the same order, tell app-values which sidecars run
	# and with which tags (-resolve-digests).
	local pin=(-resolve-digests)
	for f in "${files[@]}"; do
		values+=(-f "$f")
		pin+=(-values "$f")
	done
	local from=()
	if [[ -n ${STACK_OUTPUTS:-} ]]; then
		[[ -s $STACK_OUTPUTS ]] || { echo "release: STACK_OUTPUTS=$STACK_OUTPUTS is missing or empty" >&2; return 1; }
		from=(-outputs "$STACK_OUTPUTS")
	fi
	# shellcheck disable=SC2086 # PLATFORMDEPLOY is a command line
	${PLATFORMDEPLOY:-go run ./cmd/platformdeploy} app-values -env "$env" -region "$region" "${from[@]}" "${pin[@]}" >"$tmp/region.yaml"
	values+=(-f "$tmp/region.yaml")

	# The record of what this run deploys: every image by digest (no secrets).
	echo "release: $RELEASE images for $env/$region:"
	echo "  image: $repo@$digest"
	sed -n 's/^# pinned \(.*\)$/  \1/p' "$tmp/region.yaml"

	"$HELM" upgrade --install "$RELEASE" "$CHART" --namespace "$NAMESPACE" --create-namespace \
		"${values[@]}" --set-string "image.repository=$repo" --set-string "image.digest=$digest" \
		--rollback-on-failure --wait --timeout "$TIMEOUT"
}

cmd_test() {
	"$HELM" test "$RELEASE" --namespace "$NAMESPACE" --timeout 5m --logs
}

cmd_tokens() {
	local outdir=$1 deploy args user_groups analyst_groups claim
	deploy=$("$KUBECTL" -n "$NAMESPACE" get deployment \
		-l "app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=canary" -o json)
	args=$(jq -c '[.items[0].spec.template.spec.containers[]? | select(.name == "canary") | .args[]?]' <<<"$deploy")
	[[ $args != "[]" ]] || {
		echo "release: no canary Deployment in $NAMESPACE for release $RELEASE (chart value canary.enabled)" >&2
		return 1
	}
	flag() { jq -r --arg f "$1" 'index($f) as $i | if $i == null then "" else .[$i + 1] end' <<<"$args"; }
	user_groups=$(flag --user-groups)
	analyst_groups=$(flag --analyst-groups)
	claim=$(flag --groups-claim)
	[[ -n $user_groups && -n $analyst_groups ]] || {
		echo "release: the canary's --user-groups/--analyst-groups are not in its args" >&2
		return 1
	}
	local name
	name=$(jq -r '.items[0].metadata.name' <<<"$deploy")
	mkdir -p "$outdir"
	(
		umask 077
		mint() { # sub groups
			"$KUBECTL" -n "$NAMESPACE" exec "deployment/$name" -c canary -- \
				/usr/local/bin/org-app token --sub "$1" --groups "$2" --ttl 15m ${claim:+--groups-claim "$claim"}
		}
		mint canary-gate-user "$user_groups" >"$outdir/user.jwt"
		mint canary-gate-analyst "$analyst_groups" >"$outdir/analyst.jwt"
	)
	for f in user.jwt analyst.jwt; do
		[[ $(tr -cd . <"$outdir/$f" | wc -c) -eq 2 ]] || {
			echo "release: $f is not a JWT" >&2
			return 1
		}
	done
	echo "release: minted 15-minute canary tokens in the cluster ($user_groups, $analyst_groups)"
}

cmd_rollback() {
	# Revision 0 = the previous one. helm waits for it to be ready.
	"$HELM" rollback "$RELEASE" 0 --namespace "$NAMESPACE" --wait --timeout "$TIMEOUT"
	"$HELM" history "$RELEASE" --namespace "$NAMESPACE" --max 3
}

case "${1:-}" in
install) (($# == 5)) || usage; cmd_install "$2" "$3" "$4" "$5" ;;
test) (($# == 1)) || usage; cmd_test ;;
tokens) (($# == 2)) || usage; cmd_tokens "$2" ;;
rollback) (($# == 1)) || usage; cmd_rollback ;;
*) usage ;;
esac
