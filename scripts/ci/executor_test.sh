#!/usr/bin/env bash
# Tests of the deploy executor's scripts (ADR 0407): executor.sh (the
# GitHub-hosted side), executor-build.sh (the build in the app VPC) and
# vendored.sh (helm and kubectl without internet), with stand-ins for aws,
# helm, kubectl, curl, platformdeploy and release.sh that record their
# arguments. Run by scripts/ci/test.sh (make lint-workflows).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
export PATH="$work/bin:$PATH" CALLS="$work/calls"
failures=0 tests=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
ok() { tests=$((tests + 1)); }
expect() { # name want_status cmd...
	local name=$1 want=$2 got=0
	shift 2
	: >"$CALLS"
	"$@" >"$work/out" 2>&1 || got=$?
	ok
	if [[ $got != "$want" ]]; then
		fail "$name: exit $got, want $want"
		sed 's/^/    /' "$work/out" >&2
		return 1
	fi
}
contains() { # name file text
	ok
	grep -qF -- "$3" "$2" || {
		fail "$1: $2 lacks '$3'"
		sed 's/^/    /' "$2" >&2
	}
}
lacks() { # name file text
	ok
	if grep -qF -- "$3" "$2"; then
		fail "$1: $2 has '$3'"
	fi
}

jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl
digest=sha256:$(printf '%064d' 7)

# A recording stand-in: "<name> <args>" to $CALLS.
recorder() { # name
	# shellcheck disable=SC2016 # $* and $CALLS expand in the stand-in
	printf '#!/usr/bin/env bash\necho "%s $*" >>"$CALLS"\n' "$1" >"$work/bin/$1"
	chmod +x "$work/bin/$1"
}

# --- vendored.sh ----------------------------------------------------------------
vendor=$work/vendor
mkdir -p "$vendor/charts" "$vendor/files"
echo chart >"$vendor/charts/0-aws-load-balancer-controller-3.5.0.tgz"
echo chart >"$vendor/charts/1-nginx-gateway-fabric-2.6.7.tgz"
echo crds >"$vendor/files/2.yaml"
printf 'chart\t%s\t%s\t%s\t%s\n' aws-load-balancer-controller https://aws.github.io/eks-charts 3.5.0 charts/0-aws-load-balancer-controller-3.5.0.tgz >"$vendor/index.tsv"
printf 'chart\t%s\t\t%s\t%s\n' oci://ghcr.io/nginx/charts/nginx-gateway-fabric 2.6.7 charts/1-nginx-gateway-fabric-2.6.7.tgz >>"$vendor/index.tsv"
printf 'url\t%s\t\t\t%s\n' https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml files/2.yaml >>"$vendor/index.tsv"
recorder real-helm
recorder real-kubectl
ln -s "$repo/scripts/ci/vendored.sh" "$work/bin/helm"
ln -s "$repo/scripts/ci/vendored.sh" "$work/bin/kubectl"
export VENDOR_INDEX=$vendor/index.tsv REAL_HELM=$work/bin/real-helm REAL_KUBECTL=$work/bin/real-kubectl

expect "vendored: a repository chart" 0 helm upgrade --install aws-load-balancer-controller aws-load-balancer-controller \
	--repo https://aws.github.io/eks-charts --version 3.5.0 --namespace kube-system -f v.yaml --wait &&
	contains "vendored: the archive replaces the chart" "$CALLS" "real-helm upgrade --install aws-load-balancer-controller $vendor/charts/0-aws-load-balancer-controller-3.5.0.tgz --namespace kube-system -f v.yaml --wait" &&
	lacks "vendored: no repository left" "$CALLS" "--repo"
expect "vendored: an OCI chart" 0 helm upgrade --install nginx-gateway-fabric oci://ghcr.io/nginx/charts/nginx-gateway-fabric --version 2.6.7 --namespace nginx-gateway &&
	contains "vendored: the OCI archive" "$CALLS" "real-helm upgrade --install nginx-gateway-fabric $vendor/charts/1-nginx-gateway-fabric-2.6.7.tgz --namespace nginx-gateway"
expect "vendored: another version is not vendored" 1 helm upgrade --install aws-load-balancer-controller aws-load-balancer-controller \
	--repo https://aws.github.io/eks-charts --version 9.9.9 &&
	contains "vendored: says what is missing" "$work/out" "is not vendored in the bundle" &&
	lacks "vendored: never runs helm for it" "$CALLS" "real-helm"
expect "vendored: a local chart passes" 0 helm upgrade --install platform-gateway deploy/platform/charts/platform-gateway --namespace nginx-gateway &&
	contains "vendored: local chart unchanged" "$CALLS" "real-helm upgrade --install platform-gateway deploy/platform/charts/platform-gateway --namespace nginx-gateway"
expect "vendored: other helm commands pass" 0 helm rollback org-app 0 --wait &&
	contains "vendored: rollback unchanged" "$CALLS" "real-helm rollback org-app 0 --wait"
expect "vendored: the CRDs URL" 0 kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml &&
	contains "vendored: the CRDs file" "$CALLS" "real-kubectl apply --server-side -f $vendor/files/2.yaml"
expect "vendored: an unknown URL" 1 kubectl apply -f https://example.com/other.yaml &&
	lacks "vendored: never fetched" "$CALLS" "real-kubectl"
expect "vendored: a local manifest passes" 0 kubectl apply -f deploy/platform/namespaces.yaml &&
	contains "vendored: local manifest unchanged" "$CALLS" "real-kubectl apply -f deploy/platform/namespaces.yaml"
rm "$work/bin/helm" "$work/bin/kubectl"
unset VENDOR_INDEX REAL_HELM REAL_KUBECTL

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

# bundle: platformdeploy's dry run names the remote charts and the CRDs URL.
tools=$work/tools
mkdir -p "$tools"
cat >"$tools/platformdeploy" <<'EOF'
#!/usr/bin/env bash
echo "platformdeploy $*" >>"$CALLS"
cat <<'OUT'
# namespaces
kubectl apply --server-side --field-manager=platform-deploy -f deploy/platform/namespaces.yaml
# Gateway API CRDs v1.5.1
kubectl apply --server-side --field-manager=platform-deploy -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml
# aws-load-balancer-controller 3.5.0 (kube-system)
helm upgrade --install aws-load-balancer-controller aws-load-balancer-controller --repo https://aws.github.io/eks-charts --version 3.5.0 --namespace kube-system -f deploy/platform/values/aws-load-balancer-controller.yaml -f /tmp/x/aws-load-balancer-controller.yaml --wait --timeout 10m0s --rollback-on-failure
#   aws-load-balancer-controller.yaml (from the outputs):
#     clusterName: org-app-dev-use1
# nginx-gateway-fabric 2.6.7 (nginx-gateway)
helm upgrade --install nginx-gateway-fabric oci://ghcr.io/nginx/charts/nginx-gateway-fabric --version 2.6.7 --namespace nginx-gateway -f v.yaml --wait
# platform-gateway 0.1.0 (nginx-gateway)
helm upgrade --install platform-gateway deploy/platform/charts/platform-gateway --namespace nginx-gateway -f g.yaml --wait
OUT
EOF
cat >"$tools/helm" <<'EOF'
#!/usr/bin/env bash
echo "helm $*" >>"$CALLS"
[[ $1 == pull ]] || exit 3
chart=$(basename "$2")
while (($#)); do
	case $1 in
	--destination) dest=$2 ;;
	--version) version=$2 ;;
	esac
	shift
done
echo archive >"$dest/$chart-$version.tgz"
EOF
cat >"$work/bin/curl" <<'EOF'
#!/usr/bin/env bash
echo "curl $*" >>"$CALLS"
while (($#)); do [[ $1 == -o ]] && echo crds >"$2"; shift; done
EOF
chmod +x "$tools/platformdeploy" "$tools/helm" "$work/bin/curl"
TOOLS_DIR=$tools expect "bundle" 0 scripts/ci/executor.sh bundle "$work/b.zip" &&
	contains "bundle asks platformdeploy for its dry run" "$CALLS" "platformdeploy deploy -env dev -region us-east-1 -outputs $work/outputs.json -dry-run" &&
	contains "bundle pulls the repository chart" "$CALLS" "helm pull aws-load-balancer-controller --repo https://aws.github.io/eks-charts --version 3.5.0" &&
	contains "bundle pulls the OCI chart" "$CALLS" "helm pull oci://ghcr.io/nginx/charts/nginx-gateway-fabric --version 2.6.7" &&
	contains "bundle fetches the CRDs" "$CALLS" "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml" &&
	lacks "bundle leaves local charts alone" "$CALLS" "helm pull deploy/platform"
mkdir -p "$work/unzipped"
(cd "$work/unzipped" && unzip -q "$work/b.zip")
for f in deploy/buildspec.yml deploy/charts/org-app/Chart.yaml deploy/platform/releases.yaml scripts/ci/release.sh scripts/ci/executor-build.sh \
	scripts/ci/vendored.sh tools/helm tools/platformdeploy stack-outputs.json vendor/index.tsv; do
	ok
	[[ -e $work/unzipped/$f ]] || fail "bundle lacks $f"
done
contains "bundle index: the repository chart" "$work/unzipped/vendor/index.tsv" "$(printf 'chart\taws-load-balancer-controller\thttps://aws.github.io/eks-charts\t3.5.0\tcharts/1-aws-load-balancer-controller-3.5.0.tgz')"
contains "bundle index: the OCI chart" "$work/unzipped/vendor/index.tsv" "$(printf 'chart\toci://ghcr.io/nginx/charts/nginx-gateway-fabric\t\t2.6.7\tcharts/2-nginx-gateway-fabric-2.6.7.tgz')"
contains "bundle index: the CRDs" "$work/unzipped/vendor/index.tsv" "$(printf 'url\thttps://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml\t\t\tfiles/0.yaml')"
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
echo "platformdeploy $* HELM=$HELM KUBECTL=$KUBECTL VENDOR_INDEX=$VENDOR_INDEX" >>"$CALLS"
EOF
chmod +x "$b/scripts/ci/release.sh" "$b/tools/platformdeploy"
recorder kubectl-stub
export KUBECTL_BIN=$work/bin/kubectl-stub RESULTS_KEY=results/42-1-us-east-1/
export REPOSITORY=123456789012.dkr.ecr.us-east-1.amazonaws.com/org-app DIGEST=$digest

ACTION=install expect "build install" 0 bash "$b/scripts/ci/executor-build.sh" &&
	contains "build: kubeconfig from the outputs" "$CALLS" "kubectl-stub config set-cluster org-app-dev-use1 --server https://0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com" &&
	contains "build: token from aws eks get-token" "$CALLS" "--exec-arg get-token --exec-arg --cluster-name --exec-arg org-app-dev-use1 --exec-arg --region --exec-arg us-east-1" &&
	contains "build: platform add-ons through vendored.sh" "$CALLS" "platformdeploy deploy -env dev -region us-east-1 -outputs $b/stack-outputs.json HELM=" &&
	contains "build: vendored index" "$CALLS" "VENDOR_INDEX=$b/vendor/index.tsv" &&
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
ACTION=install RESULTS_KEY=../x expect "build with results outside results/" 1 bash "$b/scripts/ci/executor-build.sh" &&
	lacks "build: nothing installed for a bad results key" "$CALLS" "release.sh install"

cd "$repo"
if ((failures)); then
	echo "scripts/ci executor tests: $failures of $tests checks FAILED" >&2
	exit 1
fi
echo "scripts/ci executor tests: ok ($tests checks)"
