#!/usr/bin/env bash
# Promotes one released image into this environment's registry (ADR 0404):
#
#   scripts/ci/promote.sh SOURCE DEST TAG IDENTITY
#
#   SOURCE    the repository the previous stage verified the image in: for dev
#             the one ci.yml published to, else the previous environment's
#             primary org-app repository (another account),
#             e.g. 111122223333.dkr.ecr.us-east-1.amazonaws.com/org-app
#   DEST      this region's org-app repository (stack output ecr_repository_url)
#   TAG       the release tag, sha-<40 hex> (ci.yml tags each commit's image so)
#   IDENTITY  the only signer accepted: the certificate identity of ci.yml on
#             main (https://github.com/<repo>/.github/workflows/ci.yml@refs/heads/main)
#
# It resolves TAG in SOURCE to its digest, verifies there that ci.yml signed
# that digest and attested its SBOM (an unsigned or foreign image is never
# copied), copies the digest with everything it references (the image index,
# its platform and provenance manifests, layers) and its OCI 1.1 referrers
# (the cosign signature and SBOM attestation bundles) into DEST with
# `oras cp -r`, tags it TAG there, then verifies the signature and the
# attestation again in DEST, where the cluster pulls from. The digest goes to
# $GITHUB_OUTPUT (digest=sha256:...) and stdout.
#
# Idempotent: a re-run, or an image that ECR replication brought into DEST
# first, copies only what is missing (the referrers); a TAG that already names
# another digest in DEST stops the promotion (tags are immutable). SOURCE ==
# DEST (dev's primary region) only verifies. A rollback to a release SOURCE no
# longer keeps but DEST does (promoted earlier) verifies it in DEST and uses it.
#
# Credentials: the job's AWS session (ecr:GetAuthorizationToken, pull on
# SOURCE, push on DEST); one ECR login per registry host, written to the
# Docker config that oras and cosign both read.
set -euo pipefail
cd "$(dirname "$0")/../.."

ORAS=${ORAS:-oras}
COSIGN=${COSIGN:-cosign}
AWS=${AWS:-aws}
ISSUER=https://token.actions.githubusercontent.com

usage() {
	echo "usage: scripts/ci/promote.sh SOURCE_REPOSITORY DEST_REPOSITORY sha-<commit> IDENTITY" >&2
	exit 2
}

repo_re='^([0-9]{12})\.dkr\.ecr\.([a-z]{2}(-gov)?-[a-z]+-[0-9])\.amazonaws\.com(\.cn)?/[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$'

check_repo() { # what url
	[[ $2 =~ $repo_re ]] || {
		echo "promote: $1 must be an ECR repository URL (<account>.dkr.ecr.<region>.amazonaws.com/<name>), got '$2'" >&2
		exit 2
	}
}

login() { # repository URL
	local host=${1%%/*} region password
	[[ $1 =~ $repo_re ]]
	region=${BASH_REMATCH[2]}
	password=$("$AWS" ecr get-login-password --region "$region")
	printf '%s' "$password" | "$ORAS" login "$host" --username AWS --password-stdin >/dev/null
	printf '%s' "$password" | "$COSIGN" login "$host" --username AWS --password-stdin >/dev/null
}

verify() { # repository digest
	"$COSIGN" verify --certificate-identity "$IDENTITY" --certificate-oidc-issuer "$ISSUER" "$1@$2" >/dev/null || {
		echo "promote: $1@$2 is not signed by $IDENTITY" >&2
		return 1
	}
	"$COSIGN" verify-attestation --type cyclonedx --certificate-identity "$IDENTITY" \
		--certificate-oidc-issuer "$ISSUER" "$1@$2" >/dev/null || {
		echo "promote: $1@$2 has no CycloneDX SBOM attestation by $IDENTITY" >&2
		return 1
	}
}

(($# == 4)) || usage
SOURCE=$1 DEST=$2 TAG=$3 IDENTITY=$4
check_repo SOURCE "$SOURCE"
check_repo DEST "$DEST"
[[ $TAG =~ ^sha-[0-9a-f]{40}$ ]] || {
	echo "promote: TAG must be sha-<40 hex> (ci.yml's release tag), got '$TAG'" >&2
	exit 2
}
[[ $IDENTITY =~ ^https://github\.com/[^[:space:]]+/\.github/workflows/[^[:space:]]+@refs/[^[:space:]]+$ ]] || {
	echo "promote: IDENTITY must be a GitHub workflow identity (https://github.com/<repo>/.github/workflows/<file>@refs/...), got '$IDENTITY'" >&2
	exit 2
}

login "$SOURCE"
[[ ${SOURCE%%/*} == "${DEST%%/*}" ]] || login "$DEST"

out_digest() {
	if [[ -n ${GITHUB_OUTPUT:-} ]]; then
		echo "digest=$1" >>"$GITHUB_OUTPUT"
	fi
	echo "digest=$1"
}

if ! digest=$("$ORAS" resolve "$SOURCE:$TAG"); then
	# A rollback to a release this environment already ran, after the previous
	# environment's lifecycle expired it: it is still here, signed; verify it
	# here and install it.
	digest=$("$ORAS" resolve "$DEST:$TAG" 2>/dev/null) || {
		echo "promote: no image $SOURCE:$TAG (did ci.yml publish this commit, or did the previous environment promote it?)" >&2
		exit 1
	}
	[[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || {
		echo "promote: $DEST:$TAG resolved to '$digest', not a sha256 digest" >&2
		exit 1
	}
	verify "$DEST" "$digest"
	echo "promote: $SOURCE has no $TAG any more; $DEST:$TAG = $digest (promoted before) is signed and SBOM-attested by ci.yml on main"
	out_digest "$digest"
	exit 0
fi
[[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || {
	echo "promote: $SOURCE:$TAG resolved to '$digest', not a sha256 digest" >&2
	exit 1
}
verify "$SOURCE" "$digest"
echo "promote: $SOURCE:$TAG = $digest, signed and SBOM-attested by ci.yml on main"

if [[ $SOURCE != "$DEST" ]]; then
	existing=$("$ORAS" resolve "$DEST:$TAG" 2>/dev/null || true)
	if [[ -n $existing && $existing != "$digest" ]]; then
		echo "promote: $DEST:$TAG already names $existing, not $digest; tags are immutable, so nothing is overwritten" >&2
		exit 1
	fi
	# By digest: the graph (index, manifests, layers) and the referrers of the
	# index and of its manifests; what DEST already has is skipped.
	"$ORAS" cp -r --concurrency 4 "$SOURCE@$digest" "$DEST@$digest"
	if [[ -z $existing ]]; then
		"$ORAS" tag "$DEST@$digest" "$TAG"
	fi
	verify "$DEST" "$digest"
	echo "promote: copied to $DEST:$TAG with its signature and SBOM attestation; verified there"
fi

out_digest "$digest"
