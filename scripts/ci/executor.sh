#!/usr/bin/env bash
# The GitHub-hosted side of the deploy executor (ADR 0407): the release job
# of .github/workflows/deploy-region.yml packages what the in-VPC CodeBuild
# build needs, starts the build and waits for it, prints its log, and fetches
# the canary tokens it leaves. The executor (infra/modules/deploy-executor)
# comes from the stack outputs in $STACK_OUTPUTS (`tofu output -json` of the
# live root: deploy_executor = { project_name, bucket_name, bundle_prefix,
# results_prefix, log_group_name }).
#
#   scripts/ci/executor.sh bundle OUT.zip
#       the chart, values, platform manifests, release scripts, the buildspec,
#       tools (helm, platformdeploy from $TOOLS_DIR), the stack outputs, and
#       vendor/: `platformdeploy vendor` fetches every remote chart and the
#       Gateway API CRDs releases.yaml pins (with vendor/vendor.json), so the
#       build needs no internet; `platformdeploy deploy -vendor -dry-run`
#       then checks the bundle. Needs ENVIRONMENT, REGION, TOOLS_DIR.
#   scripts/ci/executor.sh upload FILE KEYNAME
#       copies FILE to s3://<bucket>/<bundle_prefix>KEYNAME.zip; prints
#       bundle_key=<key> (also to $GITHUB_OUTPUT).
#   scripts/ci/executor.sh run ACTION BUNDLE_KEY RESULTS_KEY
#       starts a build of the bundle with ACTION=install|rollback (and
#       ENVIRONMENT, REGION, REPOSITORY, DIGEST, RESULTS_KEY from the
#       environment), polls it every $POLL_SECONDS (15) for at most
#       $MAX_WAIT_SECONDS (3600; then stops it), prints its CloudWatch log and
#       exits 0 only if the build SUCCEEDED.
#   scripts/ci/executor.sh tokens RESULTS_KEY OUTDIR
#       downloads user.jwt and analyst.jwt from the results prefix into
#       OUTDIR (mode 0600) and deletes them from the bucket, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/../.."

AWS=${AWS:-aws}
POLL_SECONDS=${POLL_SECONDS:-15}
MAX_WAIT_SECONDS=${MAX_WAIT_SECONDS:-3600}
LOG_PAGES=${LOG_PAGES:-200}

usage() {
	echo "usage: scripts/ci/executor.sh bundle OUT.zip | upload FILE KEYNAME | run ACTION BUNDLE_KEY RESULTS_KEY | tokens RESULTS_KEY OUTDIR" >&2
	exit 2
}

die() {
	echo "executor: $*" >&2
	exit 1
}

out() { # key value: to $GITHUB_OUTPUT when set, and stdout
	if [[ -n ${GITHUB_OUTPUT:-} ]]; then
		printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
	fi
	printf '%s=%s\n' "$1" "$2"
}

# executor FIELD: deploy_executor.FIELD from the stack outputs (top-level or
# inside a live root's "stack" object).
executor() {
	[[ -s ${STACK_OUTPUTS:-} ]] || die "STACK_OUTPUTS (the stack's tofu output -json) is not set or empty"
	local v
	v=$(jq -r --arg f "$1" '(if has("stack") and (has("deploy_executor") | not) then .stack.value.deploy_executor else .deploy_executor.value end) // {} | .[$f] // empty' "$STACK_OUTPUTS")
	[[ -n $v ]] || die "the stack outputs have no deploy_executor.$1: is deploy_executor.enabled false for this region? (ADR 0407)"
	printf '%s\n' "$v"
}

cmd_bundle() { # out.zip
	local zip=$1 stage
	: "${ENVIRONMENT:?executor: ENVIRONMENT is not set}" "${REGION:?executor: REGION is not set}" "${TOOLS_DIR:?executor: TOOLS_DIR is not set}"
	[[ -s ${STACK_OUTPUTS:-} ]] || die "STACK_OUTPUTS is not set or empty"
	for t in helm platformdeploy; do
		[[ -x $TOOLS_DIR/$t ]] || die "$TOOLS_DIR/$t is missing (deploy-tools)"
	done
	stage=$(mktemp -d)
	trap 'rm -rf "$stage"' RETURN
	mkdir -p "$stage/deploy/platform" "$stage/scripts/ci" "$stage/tools"
	cp deploy/buildspec.yml "$stage/deploy/"
	cp -R deploy/charts deploy/values "$stage/deploy/"
	cp -R deploy/platform/releases.yaml deploy/platform/namespaces.yaml deploy/platform/values deploy/platform/charts "$stage/deploy/platform/"
	cp scripts/ci/release.sh scripts/ci/executor-build.sh "$stage/scripts/ci/"
	cp "$TOOLS_DIR/helm" "$TOOLS_DIR/platformdeploy" "$stage/tools/"
	cp "$STACK_OUTPUTS" "$stage/stack-outputs.json"

	# What `platformdeploy deploy -vendor vendor` installs in the build: every
	# remote chart at its pinned version and the Gateway API CRDs, with
	# vendor/vendor.json (names, versions, sha256).
	HELM=$TOOLS_DIR/helm "$TOOLS_DIR/platformdeploy" vendor -dir "$stage/vendor" -platform deploy/platform >&2 ||
		die "platformdeploy vendor failed: nothing to bundle"
	[[ -s $stage/vendor/vendor.json ]] || die "platformdeploy vendor wrote no vendor/vendor.json"
	# The build's deploy, planned here: the outputs are this region's and the
	# vendor directory holds everything it installs (nothing runs).
	HELM=helm KUBECTL=kubectl "$TOOLS_DIR/platformdeploy" deploy -env "$ENVIRONMENT" -region "$REGION" -outputs "$STACK_OUTPUTS" \
		-vendor "$stage/vendor" -dry-run >/dev/null || die "platformdeploy deploy -vendor -dry-run refuses the bundle"

	rm -f "$zip"
	zip=$(cd "$(dirname "$zip")" && pwd)/$(basename "$zip")
	(cd "$stage" && zip -q -r -X "$zip" .)
	echo "executor: bundle $zip ($(du -h "$zip" | cut -f1))" >&2
}

cmd_upload() { # file keyname
	local file=$1 name=$2 bucket prefix key
	[[ -s $file ]] || die "$file is missing or empty"
	[[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "KEYNAME must be letters, digits and . _ -, got '$name'"
	bucket=$(executor bucket_name)
	prefix=$(executor bundle_prefix)
	key=$prefix$name.zip
	"$AWS" s3 cp --only-show-errors "$file" "s3://$bucket/$key"
	out bundle_key "$key"
}

print_log() { # group stream
	local group=$1 stream=$2 token="" next page json
	[[ -n $group && -n $stream && $group != null && $stream != null ]] || {
		echo "executor: the build has no CloudWatch log stream (it never started?)" >&2
		return 0
	}
	for ((page = 0; page < LOG_PAGES; page++)); do
		json=$("$AWS" logs get-log-events --log-group-name "$group" --log-stream-name "$stream" --start-from-head \
			${token:+--next-token "$token"} --output json) || {
			echo "executor: could not read log stream $group/$stream" >&2
			return 0
		}
		jq -j '.events[].message' <<<"$json"
		next=$(jq -r '.nextForwardToken // empty' <<<"$json")
		[[ -n $next && $next != "$token" ]] || return 0
		token=$next
	done
	echo "executor: log longer than $LOG_PAGES pages; the rest is in $group/$stream" >&2
}

cmd_run() { # action bundle_key results_key
	local action=$1 bundle_key=$2 results_key=$3 project bucket id json status phase waited=0
	[[ $action == install || $action == rollback ]] || die "ACTION must be install or rollback, got '$action'"
	[[ $results_key =~ ^results/[A-Za-z0-9._-]+/$ ]] || die "RESULTS_KEY must be results/<name>/, got '$results_key'"
	: "${ENVIRONMENT:?executor: ENVIRONMENT is not set}" "${REGION:?executor: REGION is not set}"
	project=$(executor project_name)
	bucket=$(executor bucket_name)
	[[ $bundle_key == "$(executor bundle_prefix)"* ]] || die "BUNDLE_KEY must lie under $(executor bundle_prefix), got '$bundle_key'"
	local env=(
		"name=ACTION,value=$action,type=PLAINTEXT"
		"name=ENVIRONMENT,value=$ENVIRONMENT,type=PLAINTEXT"
		"name=REGION,value=$REGION,type=PLAINTEXT"
		"name=RESULTS_KEY,value=$results_key,type=PLAINTEXT"
	)
	if [[ $action == install ]]; then
		: "${REPOSITORY:?executor: REPOSITORY is not set}" "${DIGEST:?executor: DIGEST is not set}"
		[[ $DIGEST =~ ^sha256:[0-9a-f]{64}$ ]] || die "DIGEST must be sha256:<64 hex>, got '$DIGEST'"
		env+=("name=REPOSITORY,value=$REPOSITORY,type=PLAINTEXT" "name=DIGEST,value=$DIGEST,type=PLAINTEXT")
	fi
	json=$("$AWS" codebuild start-build --project-name "$project" --source-type-override S3 \
		--source-location-override "$bucket/$bundle_key" --environment-variables-override "${env[@]}" --output json)
	id=$(jq -r '.build.id // empty' <<<"$json")
	[[ -n $id ]] || die "start-build returned no build id"
	echo "executor: $action: build $id of $project (bundle s3://$bucket/$bundle_key)" >&2
	out build_id "$id"

	while :; do
		json=$("$AWS" codebuild batch-get-builds --ids "$id" --output json)
		status=$(jq -r '.builds[0].buildStatus // "UNKNOWN"' <<<"$json")
		phase=$(jq -r '.builds[0].currentPhase // ""' <<<"$json")
		[[ $status == IN_PROGRESS ]] || break
		if ((waited >= MAX_WAIT_SECONDS)); then
			echo "executor: build $id still $phase after ${waited}s: stopping it" >&2
			"$AWS" codebuild stop-build --id "$id" --output json >/dev/null || true
			status=TIMED_OUT
			break
		fi
		echo "executor: build $id: $phase (${waited}s)" >&2
		sleep "$POLL_SECONDS"
		waited=$((waited + POLL_SECONDS))
	done

	echo "::group::build log ($id)"
	print_log "$(jq -r '.builds[0].logs.groupName // empty' <<<"$json")" "$(jq -r '.builds[0].logs.streamName // empty' <<<"$json")"
	echo "::endgroup::"
	out build_status "$status"
	if [[ $status != SUCCEEDED ]]; then
		jq -r '.builds[0].phases[]? | select(.phaseStatus != null and .phaseStatus != "SUCCEEDED") | "executor: phase \(.phaseType): \(.phaseStatus) \((.contexts // []) | map(.message) | join("; "))"' <<<"$json" >&2 || true
		die "$action build $id ended $status"
	fi
	echo "executor: $action build $id SUCCEEDED" >&2
}

cmd_tokens() { # results_key outdir
	local results_key=$1 outdir=$2 bucket f rc=0
	[[ $results_key =~ ^results/[A-Za-z0-9._-]+/$ ]] || die "RESULTS_KEY must be results/<name>/, got '$results_key'"
	bucket=$(executor bucket_name)
	mkdir -p "$outdir"
	chmod 0700 "$outdir"
	for f in user.jwt analyst.jwt; do
		(umask 077 && "$AWS" s3 cp --only-show-errors "s3://$bucket/$results_key$f" "$outdir/$f") || rc=1
	done
	# Whatever the download did: no token stays in the bucket.
	for f in user.jwt analyst.jwt; do
		"$AWS" s3 rm --only-show-errors "s3://$bucket/$results_key$f" || rc=1
	done
	((rc == 0)) || die "could not fetch and delete the canary tokens under s3://$bucket/$results_key"
	for f in user.jwt analyst.jwt; do
		[[ $(tr -cd . <"$outdir/$f" | wc -c) -eq 2 ]] || die "$f is not a JWT"
	done
	echo "executor: canary tokens fetched and deleted from s3://$bucket/$results_key" >&2
}

case "${1:-}" in
bundle) (($# == 2)) || usage; cmd_bundle "$2" ;;
upload) (($# == 3)) || usage; cmd_upload "$2" "$3" ;;
run) (($# == 4)) || usage; cmd_run "$2" "$3" "$4" ;;
tokens) (($# == 3)) || usage; cmd_tokens "$2" "$3" ;;
*) usage ;;
esac
