#!/usr/bin/env bash
# Tests of the deploy executor's scripts (ADR 0407): executor.sh (the
# GitHub-hosted side) and executor-build.sh (the build in the app VPC), with
# stand-ins for aws, helm, kubectl, curl, platformdeploy and release.sh that
# record their arguments. Run by scripts/ci/test.sh (make lint-workflows).
set -euo pipefail
# shellcheck source=scripts/ci/testlib.sh
. "$(dirname "$0")/testlib.sh"

jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl
digest=sha256:$(printf '%064d' 7)

# A recording stand-in: "<name> <args>" to $CALLS.
recorder() { # name
	# shellcheck disable=SC2016 # $* and $CALLS expand in the stand-in
	printf '#!/usr/bin/env bash\necho "%s $*" >>"$CALLS"\n' "$1" >"$work/bin/$1"
	chmod +x "$work/bin/$1"
}

# --- executor.sh ----------------------------------------------------------------
cat >"$work/outputs.json" <<'EOF'
{
  "stack": {
    "value": {
      "region": "us-east-1",
      "cluster_name": "org-app-dev-use1",
      "cluster_endpoint": "https://0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com",
      "cluster_certificate_authority_data": "Y2EtZGF0YQo=",
      "deploy_executor": {
        "project_name": "org-app-dev-use1-deploy",
        "bucket_name": "org-app-dev-use1-deploy-123456789012",
        "bundle_prefix": "bundles/",
        "results_prefix": "results/",
        "log_group_name": "/aws/codebuild/org-app-dev-use1-deploy"
      }
    }
  }
}
EOF
echo '{"stack": {"value": {"region": "us-east-1", "deploy_executor": null}}}' >"$work/outputs-off.json"
export STACK_OUTPUTS=$work/outputs.json ENVIRONMENT=dev REGION=us-east-1

# aws: records, answers start-build, batch-get-builds ($STUB_STATUSES, one per
# call, the last repeating), logs and s3 cp/rm.
cat >"$work/bin/aws" <<'EOF'
#!/usr/bin/env bash
echo "aws $*" >>"$CALLS"
case "$1 $2" in
"codebuild start-build") echo '{"build": {"id": "org-app-dev-use1-deploy:b1"}}' ;;
"codebuild batch-get-builds")
	n=$(cat "$STUB_COUNTER" 2>/dev/null || echo 0)
	read -r -a st <<<"$STUB_STATUSES"
	s=${st[n]:-${st[${#st[@]} - 1]}}
	echo $((n + 1)) >"$STUB_COUNTER"
	printf '{"builds": [{"buildStatus": "%s", "currentPhase": "BUILD", "logs": {"groupName": "/aws/codebuild/org-app-dev-use1-deploy", "streamName": "b1"}, "phases": [{"phaseType": "BUILD", "phaseStatus": "%s", "contexts": [{"message": "exit status 1"}]}]}]}\n' "$s" "$s"
	;;
"codebuild stop-build") echo '{}' ;;
"logs get-log-events")
	if [[ $* == *--next-token* ]]; then echo '{"events": [], "nextForwardToken": "f/2"}'
	else echo '{"events": [{"message": "platform-deploy: done\n"}], "nextForwardToken": "f/2"}'; fi
	;;
"s3 cp")
	[[ -z ${STUB_S3_FAIL:-} ]] || exit 1
	dst=${*: -1}
	[[ $dst == s3://* ]] || echo "$STUB_JWT" >"$dst"
	;;
"s3 rm") ;;
*) exit 3 ;;
esac
EOF
chmod +x "$work/bin/aws"
export STUB_COUNTER=$work/counter STUB_JWT=$jwt POLL_SECONDS=0
export GITHUB_OUTPUT=$work/github_output

: >"$GITHUB_OUTPUT"
echo bundle >"$work/bundle.zip"
expect "upload" 0 scripts/ci/executor.sh upload "$work/bundle.zip" 42-1-us-east-1 &&
	contains "upload to the bundle prefix" "$CALLS" "aws s3 cp --only-show-errors $work/bundle.zip s3://org-app-dev-use1-deploy-123456789012/bundles/42-1-us-east-1.zip" &&
	contains "upload names the key" "$GITHUB_OUTPUT" "bundle_key=bundles/42-1-us-east-1.zip"
expect "upload with a path as key name" 1 scripts/ci/executor.sh upload "$work/bundle.zip" ../x

: >"$GITHUB_OUTPUT"
rm -f "$STUB_COUNTER"
STUB_STATUSES="IN_PROGRESS IN_PROGRESS SUCCEEDED" REPOSITORY=123456789012.dkr.ecr.us-east-1.amazonaws.com/org-app DIGEST=$digest \
	expect "run install" 0 scripts/ci/executor.sh run install bundles/42-1-us-east-1.zip results/42-1-us-east-1/ &&
	contains "run starts the project's build of the bundle" "$CALLS" "aws codebuild start-build --project-name org-app-dev-use1-deploy --source-type-override S3 --source-location-override org-app-dev-use1-deploy-123456789012/bundles/42-1-us-east-1.zip" &&
	contains "run passes the action" "$CALLS" "name=ACTION,value=install,type=PLAINTEXT" &&
	contains "run passes the digest" "$CALLS" "name=DIGEST,value=$digest,type=PLAINTEXT" &&
	contains "run passes the results key" "$CALLS" "name=RESULTS_KEY,value=results/42-1-us-east-1/,type=PLAINTEXT" &&
	contains "run prints the build log" "$work/out" "platform-deploy: done" &&
	contains "run outputs the status" "$GITHUB_OUTPUT" "build_status=SUCCEEDED"
ok
[[ $(grep -c "batch-get-builds" "$CALLS") == 3 ]] || fail "run polls until the build ends (3 polls), got $(grep -c "batch-get-builds" "$CALLS")"

rm -f "$STUB_COUNTER"
STUB_STATUSES="IN_PROGRESS FAILED" REPOSITORY=123456789012.dkr.ecr.us-east-1.amazonaws.com/org-app DIGEST=$digest \
	expect "run a failing build" 1 scripts/ci/executor.sh run install bundles/42-1-us-east-1.zip results/42-1-us-east-1/ &&
	contains "a failed build says so" "$work/out" "ended FAILED" &&
	contains "a failed build names its phase" "$work/out" "phase BUILD: FAILED exit status 1" &&
	contains "a failed build still prints its log" "$work/out" "platform-deploy: done"

rm -f "$STUB_COUNTER"
STUB_STATUSES="IN_PROGRESS" MAX_WAIT_SECONDS=0 expect "run past the wait bound" 1 scripts/ci/executor.sh run rollback bundles/42-1-us-east-1.zip results/42-1-us-east-1/ &&
	contains "a build past the bound is stopped" "$CALLS" "aws codebuild stop-build --id org-app-dev-use1-deploy:b1" &&
	contains "a stopped build fails the step" "$work/out" "ended TIMED_OUT" &&
	lacks "rollback needs no digest" "$CALLS" "name=DIGEST"

REPOSITORY=r DIGEST=latest expect "run with a tag instead of a digest" 1 scripts/ci/executor.sh run install bundles/x.zip results/x/ &&
	lacks "nothing started for a bad digest" "$CALLS" "start-build"
expect "run an unknown action" 1 scripts/ci/executor.sh run deploy bundles/x.zip results/x/
expect "run a bundle outside the prefix" 1 scripts/ci/executor.sh run rollback other/x.zip results/x/
expect "run with results outside results/" 1 scripts/ci/executor.sh run rollback bundles/x.zip tokens/x/
STACK_OUTPUTS=$work/outputs-off.json expect "run without an executor in the outputs" 1 scripts/ci/executor.sh run rollback bundles/x.zip results/x/ &&
	contains "no executor: says so" "$work/out" "no deploy_executor.project_name"
expect "executor usage" 2 scripts/ci/executor.sh run install

expect "tokens" 0 scripts/ci/executor.sh tokens results/42-1-us-east-1/ "$work/tokens" &&
	contains "tokens downloaded" "$CALLS" "aws s3 cp --only-show-errors s3://org-app-dev-use1-deploy-123456789012/results/42-1-us-east-1/user.jwt $work/tokens/user.jwt" &&
	contains "user token deleted" "$CALLS" "aws s3 rm --only-show-errors s3://org-app-dev-use1-deploy-123456789012/results/42-1-us-east-1/user.jwt" &&
	contains "analyst token deleted" "$CALLS" "aws s3 rm --only-show-errors s3://org-app-dev-use1-deploy-123456789012/results/42-1-us-east-1/analyst.jwt"
ok
[[ $(stat -c %a "$work/tokens/user.jwt") == 600 ]] || fail "tokens must be mode 0600"
STUB_S3_FAIL=1 expect "tokens that cannot be read" 1 scripts/ci/executor.sh tokens results/42-1-us-east-1/ "$work/tokens2" &&
	contains "tokens are deleted even then" "$CALLS" "aws s3 rm --only-show-errors s3://org-app-dev-use1-deploy-123456789012/results/42-1-us-east-1/analyst.jwt"
STUB_JWT=not-a-token expect "tokens that are not JWTs" 1 scripts/ci/executor.sh tokens results/42-1-us-east-1/ "$work/tokens3"

# bundle: platformdeploy vendor fetches into vendor/ (here: writes a
# manifest and two files), then deploy -vendor -dry-run checks the bundle.
tools=$work/tools
mkdir -p "$tools"
cat >"$tools/platformdeploy" <<'EOF'
#!/usr/bin/env bash
echo "platformdeploy $* HELM=$HELM" >>"$CALLS"
case $1 in
vendor)
	if [[ -n ${STUB_VENDOR_FAIL:-} ]]; then
		echo 'platform: vendor: release "cluster-autoscaler": exit status 1' >&2
		exit 1
	fi
	[[ $2 == -dir ]] || exit 2
	mkdir -p "$3/charts" "$3/files"
	echo archive >"$3/charts/aws-load-balancer-controller-3.5.0.tgz"
	echo crds >"$3/files/gateway-api-crds-v1.5.1.yaml"
	echo '{"charts": {}, "files": {}}' >"$3/vendor.json"
	;;
deploy) exit "${STUB_DRY_RUN_EXIT:-0}" ;;
*) exit 2 ;;
esac
EOF
chmod +x "$tools/platformdeploy"
recorder helm
mv "$work/bin/helm" "$tools/helm"
recorder curl
TOOLS_DIR=$tools expect "bundle" 0 scripts/ci/executor.sh bundle "$work/b.zip" &&
	contains "bundle vendors with platformdeploy" "$CALLS" "platformdeploy vendor -dir /" &&
	contains "bundle vendors into vendor/ from releases.yaml with the bundled helm" "$CALLS" "/vendor -platform deploy/platform HELM=$tools/helm" &&
	contains "bundle checks itself with a vendored deploy" "$CALLS" "platformdeploy deploy -env dev -region us-east-1 -outputs $work/outputs.json -vendor /" &&
	contains "bundle's check is a dry run" "$CALLS" "/vendor -dry-run" &&
	lacks "bundle downloads nothing itself" "$CALLS" "curl " &&
	lacks "bundle pulls no chart itself" "$CALLS" "helm pull"
mkdir -p "$work/unzipped"
(cd "$work/unzipped" && unzip -q "$work/b.zip")
for f in deploy/buildspec.yml deploy/charts/org-app/Chart.yaml deploy/platform/releases.yaml scripts/ci/release.sh scripts/ci/executor-build.sh \
	tools/helm tools/platformdeploy stack-outputs.json vendor/vendor.json vendor/charts/aws-load-balancer-controller-3.5.0.tgz \
	vendor/files/gateway-api-crds-v1.5.1.yaml; do
	ok
	[[ -e $work/unzipped/$f ]] || fail "bundle lacks $f"
done
for f in scripts/ci/vendored.sh vendor/index.tsv; do
	ok
	[[ ! -e $work/unzipped/$f ]] || fail "bundle still has $f"
done
TOOLS_DIR=$tools STUB_VENDOR_FAIL=1 expect "bundle when vendoring fails" 1 scripts/ci/executor.sh bundle "$work/d.zip" &&
	contains "bundle: the vendoring error" "$work/out" 'release "cluster-autoscaler"' &&
	contains "bundle: says vendoring failed" "$work/out" "platformdeploy vendor failed" &&
	lacks "bundle: no check after a failed vendor" "$CALLS" "platformdeploy deploy"
ok
[[ ! -e $work/d.zip ]] || fail "bundle wrote a zip although vendoring failed"
TOOLS_DIR=$tools STUB_DRY_RUN_EXIT=1 expect "bundle the vendored dry run refuses" 1 scripts/ci/executor.sh bundle "$work/e.zip" &&
	contains "bundle: says the check failed" "$work/out" "refuses the bundle"
ok
[[ ! -e $work/e.zip ]] || fail "bundle wrote a zip although its check failed"
TOOLS_DIR=$work/none expect "bundle without the tools" 1 scripts/ci/executor.sh bundle "$work/c.zip"

# --- executor-build.sh ----------------------------------------------------------
b=$work/unzipped
cat >"$b/scripts/ci/release.sh" <<'EOF'
#!/usr/bin/env bash
echo "release.sh $* HELM=$HELM PLATFORMDEPLOY=$PLATFORMDEPLOY" >>"$CALLS"
case $1 in
test) exit "${STUB_TEST_EXIT:-0}" ;;
tokens) mkdir -p "$2" && echo "$STUB_JWT" >"$2/user.jwt" && echo "$STUB_JWT" >"$2/analyst.jwt" ;;
esac
EOF
cat >"$b/tools/platformdeploy" <<'EOF'
#!/usr/bin/env bash
echo "platformdeploy $* HELM=$HELM KUBECTL=$KUBECTL" >>"$CALLS"
EOF
chmod +x "$b/scripts/ci/release.sh" "$b/tools/platformdeploy"
recorder kubectl-stub
export KUBECTL_BIN=$work/bin/kubectl-stub RESULTS_KEY=results/42-1-us-east-1/
export REPOSITORY=123456789012.dkr.ecr.us-east-1.amazonaws.com/org-app DIGEST=$digest

ACTION=install expect "build install" 0 bash "$b/scripts/ci/executor-build.sh" &&
	contains "build: kubeconfig from the outputs" "$CALLS" "kubectl-stub config set-cluster org-app-dev-use1 --server https://0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com" &&
	contains "build: token from aws eks get-token" "$CALLS" "--exec-arg get-token --exec-arg --cluster-name --exec-arg org-app-dev-use1 --exec-arg --region --exec-arg us-east-1" &&
	contains "build: platform add-ons from the bundle's vendor/" "$CALLS" "platformdeploy deploy -env dev -region us-east-1 -outputs $b/stack-outputs.json -vendor $b/vendor HELM=$b/tools/helm KUBECTL=$KUBECTL_BIN" &&
	contains "build: install" "$CALLS" "release.sh install dev us-east-1 $REPOSITORY $digest HELM=$b/tools/helm PLATFORMDEPLOY=$b/tools/platformdeploy" &&
	contains "build: helm test" "$CALLS" "release.sh test" &&
	contains "build: tokens to the results key" "$CALLS" "s3://org-app-dev-use1-deploy-123456789012/results/42-1-us-east-1/user.jwt" &&
	lacks "build: no rollback" "$CALLS" "release.sh rollback" &&
	lacks "build: no token in the log" "$work/out" "$jwt"
STUB_TEST_EXIT=1 ACTION=install expect "build with a failing helm test" 1 bash "$b/scripts/ci/executor-build.sh" &&
	contains "build: rollback after a failed test" "$CALLS" "release.sh rollback" &&
	lacks "build: no tokens after a failed test" "$CALLS" "release.sh tokens"
ACTION=rollback expect "build rollback" 0 bash "$b/scripts/ci/executor-build.sh" &&
	contains "build: rollback" "$CALLS" "release.sh rollback" &&
	lacks "build: rollback installs nothing" "$CALLS" "release.sh install"
ACTION=install REGION=us-west-2 expect "build with another region's outputs" 1 bash "$b/scripts/ci/executor-build.sh" &&
	contains "build: region mismatch" "$work/out" "are for us-east-1, not us-west-2"
ACTION=deploy expect "build with an unknown action" 1 bash "$b/scripts/ci/executor-build.sh"
mv "$b/vendor/vendor.json" "$work/vendor.json"
ACTION=install expect "build without vendor/vendor.json" 1 bash "$b/scripts/ci/executor-build.sh" &&
	contains "build: says the vendor manifest is missing" "$work/out" "no vendor/vendor.json" &&
	lacks "build: no platform deploy without it" "$CALLS" "platformdeploy deploy" &&
	lacks "build: nothing installed without it" "$CALLS" "release.sh install"
mv "$work/vendor.json" "$b/vendor/vendor.json"
ACTION=install RESULTS_KEY=../x expect "build with results outside results/" 1 bash "$b/scripts/ci/executor-build.sh" &&
	lacks "build: nothing installed for a bad results key" "$CALLS" "release.sh install"

cd "$repo"
if ((failures)); then
	echo "scripts/ci executor tests: $failures of $tests checks FAILED" >&2
	exit 1
fi
echo "scripts/ci executor tests: ok ($tests checks)"
