#!/usr/bin/env bash
# The deploy executor's build (ADR 0407): deploy/buildspec.yml runs this in
# the CodeBuild project of modules/deploy-executor, inside the app VPC, with no
# internet, from the bundle scripts/ci/executor.sh made (the chart, values,
# platform manifests, scripts, tools/, vendor/, stack-outputs.json). The
# GitHub-hosted deploy job sets, per build:
#
#   ACTION       install | rollback
#   ENVIRONMENT  dev | staging | prod
#   REGION       the stack's region
#   REPOSITORY   this region's org-app repository URL   (install)
#   DIGEST       the promoted image digest sha256:...  (install)
#   RESULTS_KEY  results/<run>/ under the bundle bucket  (install)
#
# install: platformdeploy deploy -vendor (charts and CRDs from vendor/), release.sh
# install (helm upgrade --install --rollback-on-failure --wait), release.sh
# test (on failure: release.sh rollback, and the build fails), release.sh
# tokens, and the two 15-minute tokens to s3://<bucket>/<RESULTS_KEY>
# (KMS-encrypted by the bucket's default; the job reads and deletes them).
# rollback: release.sh rollback. The kubeconfig is written from the stack
# outputs (endpoint, CA) with `aws eks get-token` as its credential plugin:
# no EKS API call, no eks endpoint needed.
set -euo pipefail
cd "$(dirname "$0")/../.."
bundle=$PWD

die() {
	echo "executor-build: $*" >&2
	exit 1
}

: "${ACTION:?executor-build: ACTION (install or rollback) is not set}"
: "${ENVIRONMENT:?executor-build: ENVIRONMENT is not set}"
: "${REGION:?executor-build: REGION is not set}"
[[ $ACTION == install || $ACTION == rollback ]] || die "ACTION must be install or rollback, got '$ACTION'"
[[ $ENVIRONMENT =~ ^(dev|staging|prod)$ ]] || die "ENVIRONMENT must be dev, staging or prod, got '$ENVIRONMENT'"
[[ $REGION =~ ^[a-z]{2}(-gov)?-[a-z]+-[0-9]$ ]] || die "REGION must be an AWS region, got '$REGION'"

export STACK_OUTPUTS=$bundle/stack-outputs.json
[[ -s $STACK_OUTPUTS ]] || die "the bundle has no stack-outputs.json"
for t in helm platformdeploy; do
	[[ -f $bundle/tools/$t ]] || die "the bundle has no tools/$t"
	chmod 0755 "$bundle/tools/$t"
done
chmod 0755 scripts/ci/*.sh
KUBECTL_BIN=${KUBECTL_BIN:-$(command -v kubectl)} || die "no kubectl in the build image"
AWS_BIN=${AWS_BIN:-aws}

# The stack's outputs, top-level or inside one "stack" object (a live root).
output() {
	jq -er --arg k "$1" 'if has("stack") and (has($k) | not) then .stack.value[$k] else .[$k].value end' "$STACK_OUTPUTS"
}
region=$(output region) || die "stack-outputs.json has no region"
[[ $region == "$REGION" ]] || die "the bundle's outputs are for $region, not $REGION"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KUBECONFIG=$work/kubeconfig

cluster=$(output cluster_name) || die "stack-outputs.json has no cluster_name"
endpoint=$(output cluster_endpoint) || die "stack-outputs.json has no cluster_endpoint"
output cluster_certificate_authority_data | base64 -d >"$work/ca.crt" || die "stack-outputs.json has no usable cluster_certificate_authority_data"
"$KUBECTL_BIN" config set-cluster "$cluster" --server "$endpoint" --certificate-authority "$work/ca.crt" --embed-certs >/dev/null
"$KUBECTL_BIN" config set-credentials deploy-executor --exec-api-version client.authentication.k8s.io/v1beta1 \
	--exec-command "$AWS_BIN" --exec-arg eks --exec-arg get-token --exec-arg --cluster-name --exec-arg "$cluster" \
	--exec-arg --region --exec-arg "$REGION" >/dev/null
"$KUBECTL_BIN" config set-context deploy-executor --cluster "$cluster" --user deploy-executor >/dev/null
"$KUBECTL_BIN" config use-context deploy-executor >/dev/null

export HELM=$bundle/tools/helm KUBECTL=$KUBECTL_BIN PLATFORMDEPLOY=$bundle/tools/platformdeploy

if [[ $ACTION == rollback ]]; then
	echo "executor-build: $ENVIRONMENT/$REGION: rolling org-app back to its previous revision"
	scripts/ci/release.sh rollback
	exit 0
fi

: "${REPOSITORY:?executor-build: REPOSITORY is not set}"
: "${DIGEST:?executor-build: DIGEST is not set}"
: "${RESULTS_KEY:?executor-build: RESULTS_KEY is not set}"
[[ $RESULTS_KEY =~ ^results/[A-Za-z0-9._-]+/$ ]] || die "RESULTS_KEY must be results/<name>/, got '$RESULTS_KEY'"
bucket=$(jq -er 'if has("stack") and (has("deploy_executor") | not) then .stack.value.deploy_executor.bucket_name else .deploy_executor.value.bucket_name end' "$STACK_OUTPUTS") ||
	die "stack-outputs.json has no deploy_executor.bucket_name"

# Platform add-ons from the charts and CRDs the hosted job vendored:
# platformdeploy checks vendor/vendor.json against releases.yaml (versions,
# sha256) before it touches the cluster.
[[ -s $bundle/vendor/vendor.json ]] || die "the bundle has no vendor/vendor.json (platformdeploy vendor)"
"$PLATFORMDEPLOY" deploy -env "$ENVIRONMENT" -region "$REGION" -outputs "$STACK_OUTPUTS" -vendor "$bundle/vendor"

# org-app: helm rolls a failed upgrade back by itself (--rollback-on-failure).
scripts/ci/release.sh install "$ENVIRONMENT" "$REGION" "$REPOSITORY" "$DIGEST"
if ! scripts/ci/release.sh test; then
	echo "executor-build: helm test failed after the install: rolling back" >&2
	scripts/ci/release.sh rollback
	die "$ENVIRONMENT/$REGION: the new release failed helm test and was rolled back"
fi

# Two 15-minute tokens for the public canary gate, minted in the cluster
# (release.sh tokens); they leave the build only as KMS-encrypted objects.
(
	umask 077
	scripts/ci/release.sh tokens "$work/tokens"
)
for f in user.jwt analyst.jwt; do
	"$AWS_BIN" s3 cp --only-show-errors "$work/tokens/$f" "s3://$bucket/$RESULTS_KEY$f"
done
rm -rf "$work/tokens"
echo "executor-build: $ENVIRONMENT/$REGION: installed $REPOSITORY@$DIGEST; canary tokens in s3://$bucket/$RESULTS_KEY"
