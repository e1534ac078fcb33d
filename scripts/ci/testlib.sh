# Shared harness of the scripts/ci tests (test.sh, executor_test.sh): a
# scratch directory with stand-in tools first on PATH, a CALLS file they
# record their arguments in, and the assertions. Source it from a test script
# (which sets -euo pipefail) before anything else; repo is the repository root.
# shellcheck shell=bash disable=SC2034 # repo, tests, failures: used by the caller
cd "$(dirname "$0")/../.." || exit 1
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

# expect NAME WANT_STATUS CMD...: runs CMD, checks its exit status; output in $work/out.
expect() {
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
