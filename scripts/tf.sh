#!/usr/bin/env bash
# OpenTofu checks over infra/: fmt, validate (every module, stack and live root)
# and test (every directory with tests/*.tftest.hcl).
#
#   scripts/tf.sh fmt | validate | test | all
#
# Working directories (.terraform) go to a cache under $HOME, never into the
# repository. Providers come from the registry, or from whatever mirror
# TF_CLI_CONFIG_FILE names (CI uses the offline mirror in ../shared/tfoffline).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools.sh

TOFU=$(ensure_tofu)
export TF_IN_AUTOMATION=1 TF_INPUT=0
DATA_ROOT=$TOOLS_CACHE/tfdata/$(pwd | sha256sum | cut -c1-12)

# Directories holding .tf files, excluding working dirs and module test fixtures.
tf_dirs() {
	find infra -name '*.tf' -not -path '*/.terraform/*' -not -path '*/tests/*' -printf '%h\n' 2>/dev/null | LC_ALL=C sort -u
}

tf_init() { # dir
	local dir=$1
	export TF_DATA_DIR=$DATA_ROOT/${dir//\//_}
	# -upgrade: a committed lock file made against the real registry must not
	# stop a mirror with another hash; the lock file written here is gitignored.
	"$TOFU" -chdir="$dir" init -backend=false -upgrade -no-color >"$TF_DATA_DIR.init.log" 2>&1 || {
		mkdir -p "$(dirname "$TF_DATA_DIR")"
		cat "$TF_DATA_DIR.init.log" >&2
		echo "tf: init failed in $dir" >&2
		return 1
	}
}

cmd_fmt() {
	[[ -d infra ]] || return 0
	if ! out=$("$TOFU" fmt -check -recursive -diff infra); then
		echo "$out"
		echo "tf: files need 'tofu fmt' (run: make tf-fmt-fix)" >&2
		return 1
	fi
	echo "tf fmt: ok"
}

cmd_validate() {
	local dir failed=0
	mkdir -p "$DATA_ROOT"
	for dir in $(tf_dirs); do
		tf_init "$dir" || {
			failed=1
			continue
		}
		if "$TOFU" -chdir="$dir" validate -no-color >/dev/null 2>"$DATA_ROOT/validate.err"; then
			echo "tf validate: ok   $dir"
		else
			"$TOFU" -chdir="$dir" validate -no-color || true
			echo "tf validate: FAIL $dir"
			failed=1
		fi
	done
	return $failed
}

cmd_test() {
	local dir failed=0
	mkdir -p "$DATA_ROOT"
	for dir in $(tf_dirs); do
		compgen -G "$dir/tests/*.tftest.hcl" >/dev/null || continue
		tf_init "$dir" || {
			failed=1
			continue
		}
		local log=$DATA_ROOT/test.log
		if "$TOFU" -chdir="$dir" test -no-color >"$log" 2>&1; then
			echo "tf test: ok   $dir ($(grep -Eo '[0-9]+ passed' "$log" | tail -n1))"
		else
			cat "$log"
			echo "tf test: FAIL $dir"
			failed=1
		fi
	done
	return $failed
}

case "${1:-all}" in
fmt) cmd_fmt ;;
fmt-fix) "$TOFU" fmt -recursive infra ;;
validate) cmd_validate ;;
test) cmd_test ;;
all) cmd_fmt && cmd_validate && cmd_test ;;
*)
	echo "usage: scripts/tf.sh fmt|fmt-fix|validate|test|all" >&2
	exit 2
	;;
esac
