#!/usr/bin/env bash
# Tests of the workflow scripts (scripts/ci/*.sh) with stand-ins for tofu, aws
# and helm that record their arguments and answer as the real tools would.
# Run by `make lint-workflows`.
set -euo pipefail
# shellcheck source=scripts/ci/testlib.sh
. "$(dirname "$0")/testlib.sh"

# --- tofu.sh ------------------------------------------------------------------
root=$work/root
mkdir -p "$root"
echo 'terraform {}' >"$root/main.tf"
cat >"$work/bin/tofu" <<'EOF'
#!/usr/bin/env bash
echo "tofu $*" >>"$CALLS"
for a in "$@"; do
	case $a in
	init) exit 0 ;;
	plan)
		for b in "$@"; do [[ $b == -out=* ]] && echo plan >"${b#-out=}"; done
		echo "Plan: 1 to add, 0 to change, 0 to destroy."
		exit "${STUB_PLAN_EXIT:-0}"
		;;
	show) echo "  + resource \"aws_vpc\" \"app\"" && exit 0 ;;
	apply) exit 0 ;;
	output) cat "$STUB_OUTPUTS" && exit 0 ;;
	esac
done
EOF
chmod +x "$work/bin/tofu"

export GITHUB_OUTPUT=$work/github_output
: >"$GITHUB_OUTPUT"
STUB_PLAN_EXIT=2 expect "plan with changes" 0 scripts/ci/tofu.sh plan "$root" "$work/plan1" &&
	contains "plan with changes" "$GITHUB_OUTPUT" "has_changes=true" &&
	contains "plan never locks" "$CALLS" "-lock=false"
ok
[[ -f $work/plan1/tfplan && -s $work/plan1/plan.txt ]] || fail "plan: no saved plan or plan.txt"
: >"$GITHUB_OUTPUT"
STUB_PLAN_EXIT=0 expect "plan without changes" 0 scripts/ci/tofu.sh plan "$root" "$work/plan2" &&
	contains "plan without changes" "$GITHUB_OUTPUT" "has_changes=false"
STUB_PLAN_EXIT=1 expect "plan error" 1 scripts/ci/tofu.sh plan "$root" "$work/plan3"
STUB_PLAN_EXIT=2 expect "drift found" 2 scripts/ci/tofu.sh drift "$root"
STUB_PLAN_EXIT=0 expect "no drift" 0 scripts/ci/tofu.sh drift "$root"
expect "apply without a plan" 2 scripts/ci/tofu.sh apply "$root" "$work/none"
expect "apply the saved plan" 0 scripts/ci/tofu.sh apply "$root" "$work/plan1/tfplan" &&
	contains "apply the saved plan" "$CALLS" "apply -input=false -no-color -lock-timeout=10m $work/plan1/tfplan"
expect "not a root" 2 scripts/ci/tofu.sh plan "$work" "$work/x"
expect "tofu usage" 2 scripts/ci/tofu.sh plan "$root"

cat >"$work/outputs.json" <<'EOF'
{
  "region": {"value": "us-west-2"},
  "cluster_name": {"value": "org-app-prod-usw2"},
  "app_secret_arn": {"value": "arn:aws:secretsmanager:us-west-2:123456789012:secret:org-app-prod-usw2-app-AbCdEf"},
  "ecr_repository_url": {"value": "123456789012.dkr.ecr.us-west-2.amazonaws.com/org-app"},
  "name": {"value": "org-app-prod-usw2"},
  "azs": {"value": ["us-west-2a", "us-west-2b", "us-west-2c"]},
  "app_internet_egress": {"value": false},
  "regional_fqdn": {"value": "us-west-2.api.example.com"}
}
EOF
: >"$GITHUB_OUTPUT"
STUB_OUTPUTS=$work/outputs.json expect "outputs" 0 scripts/ci/tofu.sh outputs "$root" "$work/outputs-copy.json" &&
	contains "outputs" "$GITHUB_OUTPUT" "azs=us-west-2a,us-west-2b,us-west-2c" &&
	contains "outputs" "$GITHUB_OUTPUT" "cluster_name=org-app-prod-usw2" &&
	contains "outputs" "$GITHUB_OUTPUT" "app_internet_egress=false" &&
	contains "outputs give the region's own endpoint" "$GITHUB_OUTPUT" "regional_endpoint=https://us-west-2.api.example.com/"
ok
jq -e '.regional_fqdn.value == "us-west-2.api.example.com"' "$work/outputs-copy.json" >/dev/null 2>&1 || fail "outputs FILE: not the root's tofu output -json"
jq 'del(.regional_fqdn)' "$work/outputs.json" >"$work/outputs-no-fqdn.json"
STUB_OUTPUTS=$work/outputs-no-fqdn.json expect "outputs missing regional_fqdn" 1 scripts/ci/tofu.sh outputs "$root" &&
	contains "outputs missing regional_fqdn" "$work/out" 'has no output "regional_fqdn"'
jq '.regional_fqdn.value = "https://api.example.com/"' "$work/outputs.json" >"$work/outputs-bad-fqdn.json"
STUB_OUTPUTS=$work/outputs-bad-fqdn.json expect "outputs with a URL as regional_fqdn" 1 scripts/ci/tofu.sh outputs "$root" &&
	contains "outputs with a URL as regional_fqdn" "$work/out" "not a DNS name"
jq '{stack: {value: map_values(.value)}}' "$work/outputs.json" >"$work/outputs-wrapped.json"
: >"$GITHUB_OUTPUT"
STUB_OUTPUTS=$work/outputs-wrapped.json expect "outputs in one stack object" 0 scripts/ci/tofu.sh outputs "$root" &&
	contains "outputs in one stack object" "$GITHUB_OUTPUT" "azs=us-west-2a,us-west-2b,us-west-2c" &&
	contains "outputs in one stack object" "$GITHUB_OUTPUT" "ecr_repository_url=123456789012.dkr.ecr.us-west-2.amazonaws.com/org-app"
jq 'del(.azs)' "$work/outputs.json" >"$work/outputs-no-azs.json"
STUB_OUTPUTS=$work/outputs-no-azs.json expect "outputs missing azs" 1 scripts/ci/tofu.sh outputs "$root" &&
	contains "outputs missing azs" "$work/out" 'has no output "azs"'
unset GITHUB_OUTPUT

# --- node-roll.sh -----------------------------------------------------------------
# Two node groups: "a" on the newest release, "b" one behind.
cat >"$work/bin/aws" <<'EOF'
#!/usr/bin/env bash
echo "aws $*" >>"$CALLS"
case "$*" in
*"eks describe-cluster"*) echo 1.35 ;;
*"eks list-nodegroups"*) printf 'ng-a\tng-b\n' ;;
*"eks describe-nodegroup"*"ng-a"*) printf 'AL2023_ARM_64_STANDARD\t1.35.2-20261120\n' ;;
*"eks describe-nodegroup"*"ng-b"*) printf '%s\t1.35.2-20261101\n' "${STUB_AMI_TYPE:-AL2023_ARM_64_STANDARD}" ;;
*"ssm get-parameter"*"/arm64/standard/recommended/release_version"*) echo 1.35.2-20261120 ;;
*"eks update-nodegroup-version"*) echo 0f1e2d3c-0000-4000-8000-000000000001 ;;
*"eks describe-update"*"--query update.errors"*) echo '[{"errorCode": "PodEvictionFailure"}]' ;;
*"eks describe-update"*) echo "${STUB_UPDATE_STATUS:-Successful}" ;;
*) echo "unexpected aws call: $*" >&2; exit 3 ;;
esac
EOF
chmod +x "$work/bin/aws"
expect "node roll" 0 scripts/ci/node-roll.sh org-app-prod-usw2 us-west-2 &&
	contains "node roll" "$CALLS" "eks update-nodegroup-version --cluster-name org-app-prod-usw2 --nodegroup-name ng-b --release-version 1.35.2-20261120" &&
	lacks "node roll leaves the current group" "$CALLS" "--nodegroup-name ng-a --release-version" &&
	contains "node roll" "$work/out" "1 node groups rolled"
expect "node roll dry run" 0 scripts/ci/node-roll.sh org-app-prod-usw2 us-west-2 --dry-run &&
	lacks "dry run" "$CALLS" "update-nodegroup-version"
NODE_ROLL_POLL_SECONDS=0 STUB_UPDATE_STATUS=Failed expect "failed update" 1 scripts/ci/node-roll.sh org-app-prod-usw2 us-west-2 &&
	contains "failed update" "$work/out" "PodEvictionFailure"
NODE_ROLL_POLL_SECONDS=0 NODE_ROLL_MAX_POLLS=2 STUB_UPDATE_STATUS=InProgress expect "stuck update" 1 scripts/ci/node-roll.sh org-app-prod-usw2 us-west-2
STUB_AMI_TYPE=BOTTLEROCKET_ARM_64 expect "unknown AMI type" 1 scripts/ci/node-roll.sh org-app-prod-usw2 us-west-2
expect "bad region" 2 scripts/ci/node-roll.sh org-app-prod-usw2 'us-west-2;x'

# --- release.sh -------------------------------------------------------------------
cat >"$work/bin/helm" <<'EOF'
#!/usr/bin/env bash
echo "helm $*" >>"$CALLS"
[[ $1 == test && -n ${STUB_HELM_TEST_FAIL:-} ]] && exit 1
exit 0
EOF
chmod +x "$work/bin/helm"
export PLATFORMDEPLOY="echo platformdeploy"
digest=sha256:$(printf 'a%.0s' {1..64})
repo_url=123456789012.dkr.ecr.us-west-2.amazonaws.com/org-app
expect "install" 0 scripts/ci/release.sh install prod us-west-2 "$repo_url" "$digest" &&
	contains "install" "$CALLS" "helm upgrade --install org-app deploy/charts/org-app --namespace org-app --create-namespace" &&
	contains "install pins the digest" "$CALLS" "--set-string image.digest=$digest" &&
	contains "install rolls back a failed upgrade" "$CALLS" "--rollback-on-failure --wait"
contains "install uses the AWS values" "$CALLS" "-f deploy/values/prod.yaml"
contains "install uses the region's values" "$CALLS" "/region.yaml --set-string image.repository=$repo_url"
export PLATFORMDEPLOY="$work/bin/platformdeploy-stub"
cat >"$PLATFORMDEPLOY" <<'EOF'
#!/usr/bin/env bash
echo "platformdeploy $*" >>"$CALLS"
EOF
chmod +x "$PLATFORMDEPLOY"
STACK_OUTPUTS=$work/outputs.json expect "install from an outputs file" 0 scripts/ci/release.sh install prod us-west-2 "$repo_url" "$digest" &&
	contains "install from an outputs file" "$CALLS" "platformdeploy app-values -env prod -region us-west-2 -outputs $work/outputs.json"
STACK_OUTPUTS=$work/none.json expect "install with a missing outputs file" 1 scripts/ci/release.sh install prod us-west-2 "$repo_url" "$digest" &&
	lacks "install with a missing outputs file" "$CALLS" "helm upgrade"
export PLATFORMDEPLOY="echo platformdeploy"
expect "install bad digest" 2 scripts/ci/release.sh install prod us-west-2 "$repo_url" sha256:abc
expect "install bad env" 2 scripts/ci/release.sh install qa us-west-2 "$repo_url" "$digest"
expect "install bad repository" 2 scripts/ci/release.sh install prod us-west-2 docker.io/library/org-app "$digest"
STUB_HELM_TEST_FAIL=1 expect "helm test fails" 1 scripts/ci/release.sh test
cat >"$work/bin/kubectl" <<'EOF'
#!/usr/bin/env bash
echo "kubectl $*" >>"$CALLS"
case "$*" in
*"get deployment"*)
	if [[ -n ${STUB_NO_CANARY:-} ]]; then echo '{"items": []}'; exit 0; fi
	cat <<'JSON'
{"items": [{"metadata": {"name": "org-app-canary"}, "spec": {"template": {"spec": {"containers": [
  {"name": "canary", "args": ["serve", "--target", "http://org-app.org-app.svc:8080", "--user-groups", "cp_users", "--analyst-groups", "cp_analysts", "--groups-claim", "cognito:groups"]}]}}}}]}
JSON
	;;
*"exec deployment/org-app-canary -c canary -- /usr/local/bin/org-app token"*)
	[[ -n ${STUB_BAD_TOKEN:-} ]] && { echo "not-a-token"; exit 0; }
	echo "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl"
	;;
*) echo "unexpected kubectl call: $*" >&2; exit 3 ;;
esac
EOF
chmod +x "$work/bin/kubectl"
expect "tokens" 0 scripts/ci/release.sh tokens "$work/tokens" &&
	contains "tokens use the canary's user group" "$CALLS" "token --sub canary-gate-user --groups cp_users --ttl 15m --groups-claim cognito:groups" &&
	contains "tokens use the canary's analyst group" "$CALLS" "token --sub canary-gate-analyst --groups cp_analysts --ttl 15m"
ok
[[ -s $work/tokens/analyst.jwt && -z $(find "$work/tokens" -name "*.jwt" -perm /077) ]] || fail "tokens: files missing or readable by others"
lacks "tokens are never printed" "$work/out" "eyJ"
STUB_NO_CANARY=1 expect "tokens without a canary" 1 scripts/ci/release.sh tokens "$work/tokens2"
STUB_BAD_TOKEN=1 expect "tokens that are not JWTs" 1 scripts/ci/release.sh tokens "$work/tokens3"
expect "rollback" 0 scripts/ci/release.sh rollback &&
	contains "rollback" "$CALLS" "helm rollback org-app 0 --namespace org-app --wait"

# --- promote.sh -------------------------------------------------------------------
# Stand-ins: oras resolves the source tag to $digest (or nothing with
# STUB_NO_SOURCE), the destination tag to STUB_DEST_DIGEST (absent when
# empty); cosign verifies unless STUB_UNSIGNED names the repository.
cat >"$work/bin/oras" <<'EOF2'
#!/usr/bin/env bash
echo "oras $*" >>"$CALLS"
case "$1" in
login) cat >/dev/null; exit 0 ;;
resolve)
	case "$2" in
	*staging*:sha-*) [[ -z ${STUB_NO_SOURCE:-} ]] && echo "$STUB_DIGEST" && exit 0; echo "Error: not found" >&2; exit 1 ;;
	*:sha-*) [[ -n ${STUB_DEST_DIGEST:-} ]] && echo "$STUB_DEST_DIGEST" && exit 0; echo "Error: not found" >&2; exit 1 ;;
	esac
	exit 1
	;;
cp | tag) exit 0 ;;
esac
echo "unexpected oras call: $*" >&2
exit 3
EOF2
cat >"$work/bin/cosign" <<'EOF2'
#!/usr/bin/env bash
echo "cosign $*" >>"$CALLS"
case "$1" in
login) cat >/dev/null; exit 0 ;;
verify | verify-attestation)
	[[ -n ${STUB_UNSIGNED:-} && "${*: -1}" == "$STUB_UNSIGNED"@* ]] && exit 1
	exit 0
	;;
esac
echo "unexpected cosign call: $*" >&2
exit 3
EOF2
cat >"$work/bin/aws" <<'EOF2'
#!/usr/bin/env bash
echo "aws $*" >>"$CALLS"
case "$*" in
"ecr get-login-password --region "*) echo "stub-ecr-password" ;;
*) echo "unexpected aws call: $*" >&2; exit 3 ;;
esac
EOF2
chmod +x "$work/bin/oras" "$work/bin/cosign" "$work/bin/aws"
export STUB_DIGEST=$digest
src=444455556666.dkr.ecr.us-east-1.amazonaws.com/org-app
dst=123456789012.dkr.ecr.us-west-2.amazonaws.com/org-app
tag=sha-$(printf 'b%.0s' {1..40})
identity=https://github.com/example-org/k8s-cluster-infra/.github/workflows/ci.yml@refs/heads/main
# The source repository is staging's (the stand-in recognises it by name).
src=${src/org-app/staging/org-app}
export GITHUB_OUTPUT=$work/github_output
: >"$GITHUB_OUTPUT"
expect "promote" 0 scripts/ci/promote.sh "$src" "$dst" "$tag" "$identity" &&
	contains "promote logs in to the source region" "$CALLS" "aws ecr get-login-password --region us-east-1" &&
	contains "promote logs in to the destination region" "$CALLS" "aws ecr get-login-password --region us-west-2" &&
	contains "promote verifies the source signature" "$CALLS" "cosign verify --certificate-identity $identity --certificate-oidc-issuer https://token.actions.githubusercontent.com $src@$digest" &&
	contains "promote verifies the source attestation" "$CALLS" "cosign verify-attestation --type cyclonedx --certificate-identity $identity --certificate-oidc-issuer https://token.actions.githubusercontent.com $src@$digest" &&
	contains "promote copies the digest with its referrers" "$CALLS" "oras cp -r --concurrency 4 $src@$digest $dst@$digest" &&
	contains "promote tags the release" "$CALLS" "oras tag $dst@$digest $tag" &&
	contains "promote verifies the destination signature" "$CALLS" "cosign verify --certificate-identity $identity --certificate-oidc-issuer https://token.actions.githubusercontent.com $dst@$digest" &&
	contains "promote verifies the destination attestation" "$CALLS" "cosign verify-attestation --type cyclonedx --certificate-identity $identity --certificate-oidc-issuer https://token.actions.githubusercontent.com $dst@$digest" &&
	contains "promote outputs the digest" "$GITHUB_OUTPUT" "digest=$digest"
lacks "promote never prints the ECR password" "$work/out" "stub-ecr-password"
ok
# The copy comes after the source verification, the destination check after the copy.
[[ $(grep -n "oras cp" "$CALLS" | cut -d: -f1) -gt $(grep -n "cosign verify-attestation.*$src@" "$CALLS" | cut -d: -f1) &&
	$(grep -n "cosign verify .*$dst@" "$CALLS" | cut -d: -f1) -gt $(grep -n "oras tag" "$CALLS" | cut -d: -f1) ]] ||
	fail "promote: verify source, copy, tag, verify destination must run in that order"
STUB_DEST_DIGEST=$digest expect "promote again (already there)" 0 scripts/ci/promote.sh "$src" "$dst" "$tag" "$identity" &&
	contains "promote again copies the missing referrers" "$CALLS" "oras cp -r --concurrency 4 $src@$digest $dst@$digest" &&
	lacks "promote again does not re-tag" "$CALLS" "oras tag"
STUB_DEST_DIGEST=sha256:$(printf 'c%.0s' {1..64}) expect "promote onto another digest" 1 scripts/ci/promote.sh "$src" "$dst" "$tag" "$identity" &&
	contains "promote onto another digest" "$work/out" "tags are immutable" &&
	lacks "promote onto another digest copies nothing" "$CALLS" "oras cp"
STUB_UNSIGNED=$src expect "promote an unsigned image" 1 scripts/ci/promote.sh "$src" "$dst" "$tag" "$identity" &&
	lacks "an unsigned image is never copied" "$CALLS" "oras cp"
STUB_UNSIGNED=$dst expect "promote loses the signature on the way" 1 scripts/ci/promote.sh "$src" "$dst" "$tag" "$identity" &&
	contains "promote loses the signature on the way" "$work/out" "is not signed by"
STUB_NO_SOURCE=1 expect "promote a commit never published" 1 scripts/ci/promote.sh "$src" "$dst" "$tag" "$identity" &&
	contains "promote a commit never published" "$work/out" "no image $src:$tag"
: >"$GITHUB_OUTPUT"
STUB_NO_SOURCE=1 STUB_DEST_DIGEST=$digest expect "promote a rollback the source no longer keeps" 0 scripts/ci/promote.sh "$src" "$dst" "$tag" "$identity" &&
	contains "a rollback verifies in the destination" "$CALLS" "cosign verify --certificate-identity $identity --certificate-oidc-issuer https://token.actions.githubusercontent.com $dst@$digest" &&
	lacks "a rollback copies nothing" "$CALLS" "oras cp" &&
	contains "a rollback outputs the digest" "$GITHUB_OUTPUT" "digest=$digest"
STUB_NO_SOURCE=1 STUB_DEST_DIGEST=$digest STUB_UNSIGNED=$dst expect "promote an unsigned rollback" 1 scripts/ci/promote.sh "$src" "$dst" "$tag" "$identity"
: >"$GITHUB_OUTPUT"
expect "promote within one repository only verifies" 0 scripts/ci/promote.sh "$src" "$src" "$tag" "$identity" &&
	lacks "same repository copies nothing" "$CALLS" "oras cp" &&
	contains "same repository still outputs the digest" "$GITHUB_OUTPUT" "digest=$digest"
expect "promote from a non-ECR registry" 2 scripts/ci/promote.sh docker.io/library/org-app "$dst" "$tag" "$identity"
expect "promote a mutable tag" 2 scripts/ci/promote.sh "$src" "$dst" latest "$identity"
expect "promote with a foreign identity form" 2 scripts/ci/promote.sh "$src" "$dst" "$tag" "someone@example.com"
unset GITHUB_OUTPUT STUB_DIGEST

cd "$repo"
# The deploy executor's scripts (ADR 0407) have their own file.
ok
scripts/ci/executor_test.sh || fail "scripts/ci/executor_test.sh"

if ((failures)); then
	echo "scripts/ci tests: $failures of $tests checks FAILED" >&2
	exit 1
fi
echo "scripts/ci tests: ok ($tests checks)"
