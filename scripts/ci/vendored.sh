#!/usr/bin/env bash
# helm and kubectl for the deploy executor (ADR 0407), which has no internet:
# `platformdeploy deploy` installs third-party charts with
# `helm upgrade --install NAME CHART --repo URL --version V` (or an oci://
# CHART) and applies the Gateway API CRDs with `kubectl apply -f URL`. The
# GitHub-hosted job fetched exactly those (scripts/ci/executor.sh bundle) into
# the bundle's vendor/ directory and listed them in vendor/index.tsv:
#
#   chart<TAB>CHART<TAB>REPO<TAB>VERSION<TAB>FILE   (REPO empty for oci://)
#   url<TAB>URL<TAB><TAB><TAB>FILE
#
# Called through a symlink named helm or kubectl ($HELM, $KUBECTL for
# platformdeploy), this replaces a listed remote reference by its vendored
# file and runs the real tool ($REAL_HELM, $REAL_KUBECTL) with everything else
# unchanged. A remote reference that is not listed stops with its name rather
# than time out on a network the executor does not have.
set -euo pipefail

die() {
	echo "vendored: $*" >&2
	exit 1
}

tool=$(basename "$0")
index=${VENDOR_INDEX:?vendored: set VENDOR_INDEX to vendor/index.tsv of the bundle}
[[ -s $index ]] || die "$index is missing or empty"
vendor_dir=$(cd "$(dirname "$index")" && pwd)

case $tool in
helm) real=${REAL_HELM:?vendored: set REAL_HELM} ;;
kubectl) real=${REAL_KUBECTL:?vendored: set REAL_KUBECTL} ;;
*)
	echo "vendored: call this through a symlink named helm or kubectl, not $tool" >&2
	exit 2
	;;
esac

lookup() { # kind ref repo version -> file (absolute) or nothing
	awk -F'\t' -v k="$1" -v r="$2" -v p="$3" -v v="$4" \
		'$1 == k && $2 == r && $3 == p && $4 == v { print $5; exit }' "$index"
}

args=("$@")
out=()
if [[ $tool == helm && ${args[0]:-} == upgrade && ${args[1]:-} == --install && $# -ge 4 ]]; then
	chart=${args[3]} repo="" version=""
	for ((i = 4; i < $#; i++)); do
		case ${args[i]} in
		--repo) repo=${args[i + 1]:-} ;;
		--version) version=${args[i + 1]:-} ;;
		esac
	done
	if [[ -n $repo || $chart == oci://* ]]; then
		file=$(lookup chart "$chart" "$repo" "$version")
		[[ -n $file ]] || die "chart $chart $version${repo:+ from $repo} is not vendored in the bundle (the executor has no internet)"
		[[ -s $vendor_dir/$file ]] || die "vendored chart $vendor_dir/$file is missing"
		out=("${args[@]:0:3}" "$vendor_dir/$file")
		for ((i = 4; i < $#; i++)); do
			case ${args[i]} in
			--repo | --version) i=$((i + 1)) ;;
			*) out+=("${args[i]}") ;;
			esac
		done
	else
		out=("${args[@]}")
	fi
elif [[ $tool == kubectl ]]; then
	for ((i = 0; i < $#; i++)); do
		a=${args[i]}
		out+=("$a")
		if [[ $a == -f || $a == --filename ]] && [[ ${args[i + 1]:-} == http://* || ${args[i + 1]:-} == https://* ]]; then
			url=${args[i + 1]}
			file=$(lookup url "$url" "" "")
			[[ -n $file ]] || die "$url is not vendored in the bundle (the executor has no internet)"
			[[ -s $vendor_dir/$file ]] || die "vendored file $vendor_dir/$file is missing"
			out+=("$vendor_dir/$file")
			i=$((i + 1))
		fi
	done
else
	out=("${args[@]}")
fi

exec "$real" "${out[@]}"
