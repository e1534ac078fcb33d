#!/usr/bin/env bash
# OpenTofu steps of the delivery workflows (ADR 0402), one root at a time:
#
#   scripts/ci/tofu.sh plan    ROOT OUTDIR   init, plan -out OUTDIR/tfplan, OUTDIR/plan.txt;
#                                            has_changes=true|false to $GITHUB_OUTPUT
#   scripts/ci/tofu.sh apply   ROOT PLAN     init, apply exactly the saved plan
#   scripts/ci/tofu.sh drift   ROOT          plan -detailed-exitcode: exit 0 in sync,
#                                            2 drift (the plan is printed), 1 error
#   scripts/ci/tofu.sh outputs ROOT [FILE]   the stack outputs the deploy needs, as
#                                            KEY=value lines (to $GITHUB_OUTPUT in CI);
#                                            FILE: also the whole `tofu output -json`
#                                            (platformdeploy -outputs, in the release job)
#
# ROOT is a live root such as infra/live/prod/us-east-1. The S3 backend's shared
# settings come from infra/live/backend.hcl (written from the bootstrap root's
# backend_hcl output) when it exists. Plans never take the state lock: the plan
# role is read-only (it cannot write the lock file) and apply re-checks that the
# saved plan is not stale.
set -euo pipefail
cd "$(dirname "$0")/../.."

TOFU=${TOFU:-tofu}
export TF_IN_AUTOMATION=1 TF_INPUT=0

usage() {
	echo "usage: scripts/ci/tofu.sh plan ROOT OUTDIR | apply ROOT PLAN | drift ROOT | outputs ROOT [FILE]" >&2
	exit 2
}

root_ok() {
	[[ -d $1 && -n $(find "$1" -maxdepth 1 -name '*.tf' -print -quit) ]] || {
		echo "tofu: $1 is not a root module (no *.tf)" >&2
		exit 2
	}
}

init() { # root
	local args=(-input=false -no-color)
	if [[ -f infra/live/backend.hcl ]]; then
		args+=("-backend-config=$PWD/infra/live/backend.hcl")
	fi
	"$TOFU" -chdir="$1" init "${args[@]}" >/dev/null
}

out() { # key value: to $GITHUB_OUTPUT when set, else stdout
	if [[ -n ${GITHUB_OUTPUT:-} ]]; then
		printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
	fi
	printf '%s=%s\n' "$1" "$2"
}

cmd_plan() { # root outdir
	local root=$1 outdir=$2 rc=0
	mkdir -p "$outdir"
	outdir=$(cd "$outdir" && pwd) # tofu -chdir needs absolute paths
	init "$root"
	"$TOFU" -chdir="$root" plan -input=false -no-color -lock=false -detailed-exitcode \
		-out="$outdir/tfplan" >"$outdir/plan.log" || rc=$?
	case $rc in
	0) out has_changes false ;;
	2) out has_changes true ;;
	*)
		cat "$outdir/plan.log" >&2
		echo "tofu: plan failed in $root" >&2
		return 1
		;;
	esac
	"$TOFU" -chdir="$root" show -no-color "$outdir/tfplan" >"$outdir/plan.txt"
	grep -E '^(Plan:|No changes\.)' "$outdir/plan.log" || true
}

cmd_apply() { # root planfile
	local root=$1 plan=$2
	[[ -f $plan ]] || {
		echo "tofu: no saved plan at $plan" >&2
		return 2
	}
	init "$root"
	# A plan made before someone else changed the state is refused as stale:
	# re-run the workflow to plan again.
	"$TOFU" -chdir="$root" apply -input=false -no-color -lock-timeout=10m "$(realpath "$plan")"
}

cmd_drift() { # root
	local root=$1 rc=0
	init "$root"
	"$TOFU" -chdir="$root" plan -input=false -no-color -lock=false -detailed-exitcode || rc=$?
	case $rc in
	0) echo "drift: $root matches its code" ;;
	2) echo "drift: $root differs from its code (plan above)" >&2 ;;
	*) echo "drift: plan failed in $root" >&2 ;;
	esac
	return $rc
}

# cmd_outputs prints what the deploy jobs read from a regional root: the
# stack outputs of CONTRACTS.md plus name, azs and app_internet_egress for
# platform-verify and regional_fqdn (the region's own name, ADR 0405: the
# canary gate and platform-verify target this region through it), either as
# top-level outputs or inside one object output "stack". A missing output
# stops the deploy with its name.
cmd_outputs() { # root [file]
	local root=$1 file=${2:-} json key fqdn
	init "$root"
	json=$("$TOFU" -chdir="$root" output -json)
	if [[ -n $file ]]; then
		printf '%s\n' "$json" >"$file"
	fi
	# A root may pass the stack's outputs through as one object output "stack".
	if jq -e 'has("stack") and (has("cluster_name") | not)' <<<"$json" >/dev/null; then
		json=$(jq '.stack.value | map_values({value: .})' <<<"$json")
	fi
	for key in region cluster_name ecr_repository_url name azs app_internet_egress regional_fqdn; do
		if ! jq -e --arg k "$key" 'has($k)' <<<"$json" >/dev/null; then
			echo "tofu: $root has no output \"$key\" (the deploy needs it; see docs/runbook.md)" >&2
			return 1
		fi
	done
	out region "$(jq -r '.region.value' <<<"$json")"
	out cluster_name "$(jq -r '.cluster_name.value' <<<"$json")"
	out ecr_repository_url "$(jq -r '.ecr_repository_url.value' <<<"$json")"
	out name "$(jq -r '.name.value' <<<"$json")"
	out azs "$(jq -r '.azs.value | join(",")' <<<"$json")"
	out app_internet_egress "$(jq -r '.app_internet_egress.value' <<<"$json")"
	fqdn=$(jq -r '.regional_fqdn.value' <<<"$json")
	[[ $fqdn =~ ^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$ ]] || {
		echo "tofu: output regional_fqdn of $root is '$fqdn', not a DNS name" >&2
		return 1
	}
	out regional_endpoint "https://$fqdn/"
}

case "${1:-}" in
plan) (($# == 3)) || usage; root_ok "$2"; cmd_plan "$2" "$3" ;;
apply) (($# == 3)) || usage; root_ok "$2"; cmd_apply "$2" "$3" ;;
drift) (($# == 2)) || usage; root_ok "$2"; cmd_drift "$2" ;;
outputs) (($# == 2 || $# == 3)) || usage; root_ok "$2"; cmd_outputs "$2" "${3:-}" ;;
*) usage ;;
esac
