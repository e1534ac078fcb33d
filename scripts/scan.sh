#!/usr/bin/env bash
# Security scanning with trivy (version pinned in scripts/tools.sh, built from
# the Go module proxy on first use; ADR 0401).
#
#   scripts/scan.sh config            misconfiguration scan of infra/ and deploy/
#                                     (Terraform, Helm charts, Kubernetes YAML, the
#                                     Dockerfile), offline; fails on HIGH/CRITICAL
#   scripts/scan.sh image [IMAGE]     the image's SBOMs (CycloneDX, offline) beside it,
#                                     then its vulnerability scan (HIGH/CRITICAL fail)
#                                     when the vulnerability DB can be had
#
# IMAGE is an OCI image layout directory (default dist/image/org-app.oci, written
# by `make image`), a Docker tarball, or a registry reference (CI scans the
# pushed digest).
# Every ignore lives in .trivyignore.yaml with its justification.
#
# Environment:
#   SCAN_REQUIRE_VULN_DB=1  fail instead of skipping when the vulnerability DB is
#                           unreachable (CI sets it: there the scan must run)
#   SBOM_OUT=FILE           where the first platform's SBOM goes (default: beside
#                           the image, <name>-<os>-<arch>.cdx.json)
#   SCAN_PLATFORMS          platforms of a multi-platform image (default
#                           "linux/amd64 linux/arm64")
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools.sh

TRIVY=$(tool_path trivy)
IGNOREFILE=.trivyignore.yaml
SEVERITY=HIGH,CRITICAL
# Caches (checks bundle, vulnerability DB) stay under $HOME, never in the repository.
export TRIVY_CACHE_DIR=${TRIVY_CACHE_DIR:-$TOOLS_CACHE/trivy}

scan_config() {
	local dir failed=0
	for dir in infra deploy; do
		[[ -d $dir ]] || continue
		echo "scan: trivy config $dir (HIGH, CRITICAL)"
		# --skip-check-update: use the checks compiled into this trivy version
		# (offline, reproducible); --exit-code 1 on any finding not ignored.
		if ! "$TRIVY" config --quiet --table-mode detailed --skip-check-update --severity "$SEVERITY" \
			--ignorefile "$IGNOREFILE" --exit-code 1 "$dir"; then
			echo "scan: FAIL $dir: fix the findings above or justify an ignore in $IGNOREFILE" >&2
			failed=1
		fi
	done
	((failed == 0)) && echo "scan config: ok (no HIGH/CRITICAL misconfiguration in infra/, deploy/)"
	return $failed
}

# has_vuln_db: the DB is cached, or can be downloaded now.
has_vuln_db() {
	[[ -s $TRIVY_CACHE_DIR/db/trivy.db ]] && return 0
	"$TRIVY" image --download-db-only --quiet >/dev/null 2>&1
}

# scan_image IMAGE: an OCI layout directory (what `make image` and buildx's
# oci exporter with tar=false write), a Docker image tarball, or a registry
# reference. Multi-platform images are read once per platform in
# SCAN_PLATFORMS; a single-platform tarball once.
scan_image() {
	local image=${1:-dist/image/org-app.oci} outdir base platform sbom
	local -a src platforms
	read -r -a platforms <<<"${SCAN_PLATFORMS:-linux/amd64 linux/arm64}"
	if [[ -d $image ]]; then
		[[ -f $image/index.json ]] || {
			echo "scan: $image is not an OCI image layout (no index.json)" >&2
			return 1
		}
		src=(--input "$image")
		outdir=$(dirname "$image")
	elif [[ -f $image ]]; then
		src=(--input "$image")
		outdir=$(dirname "$image")
		platforms=("")
	elif [[ $image == */* && $image != /* && $image != ./* ]]; then
		src=("$image")
		outdir=dist/image
	else
		echo "scan: no image at $image: run 'make image' first (or pass an OCI layout, a Docker tarball or a registry reference)" >&2
		return 1
	fi
	base=$(basename "${image%%@*}")
	base=${base%%.*}
	base=${base%%:*}
	mkdir -p "$outdir"

	# SBOMs need no vulnerability DB: trivy lists the Go modules (and any OS
	# packages) it finds in the layers. One per platform, beside the image.
	for platform in "${platforms[@]}"; do
		local -a pf=()
		sbom=$outdir/$base.cdx.json
		if [[ -n $platform ]]; then
			pf=(--platform "$platform")
			sbom=$outdir/$base-${platform//\//-}.cdx.json
		fi
		if [[ -n ${SBOM_OUT:-} && $platform == "${platforms[0]}" ]]; then
			sbom=$SBOM_OUT
		fi
		"$TRIVY" image --quiet --format cyclonedx --output "$sbom" "${pf[@]}" "${src[@]}"
		echo "scan image: SBOM (CycloneDX) ${platform:-of the image} written to $sbom"
	done

	if ! has_vuln_db; then
		if [[ ${SCAN_REQUIRE_VULN_DB:-0} == 1 ]]; then
			echo "scan: the vulnerability DB is unreachable and SCAN_REQUIRE_VULN_DB=1" >&2
			return 1
		fi
		echo "scan image: vulnerability scan SKIPPED: the trivy DB is not reachable from here (it runs in CI: .github/workflows/ci.yml)"
		return 0
	fi
	for platform in "${platforms[@]}"; do
		local -a pf=()
		[[ -n $platform ]] && pf=(--platform "$platform")
		"$TRIVY" image --quiet --scanners vuln --severity "$SEVERITY" --ignorefile "$IGNOREFILE" \
			--exit-code 1 "${pf[@]}" "${src[@]}"
	done
	echo "scan image: ok (no HIGH/CRITICAL vulnerability)"
}

case "${1:-}" in
config) scan_config ;;
image) scan_image "${2:-}" ;;
*)
	echo "usage: scripts/scan.sh config | image [TARBALL|REFERENCE]" >&2
	exit 2
	;;
esac
