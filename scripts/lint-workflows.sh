#!/usr/bin/env bash
# Lints the GitHub Actions workflows (ADR 0400):
#   - actionlint (pinned in scripts/tools.sh; runs shellcheck on every `run:`
#     script when shellcheck is on PATH),
#   - every action pinned to a full commit SHA with its release in a comment,
#   - every workflow starts from `permissions: {}` (jobs grant what they need)
#     and runs its scripts with `shell: bash` (-eo pipefail),
#   - no static AWS keys (AWS only through OIDC roles),
#   - shellcheck on the scripts the workflows call (scripts/ci/*.sh), and
#     their tests (scripts/ci/test.sh, with stand-ins for tofu, aws and helm).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools.sh

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if ((${#workflows[@]} == 0)); then
	echo "lint-workflows: no workflow under .github/workflows" >&2
	exit 1
fi
failed=0

if command -v shellcheck >/dev/null 2>&1; then
	echo "lint-workflows: actionlint with $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"
else
	echo "lint-workflows: actionlint WITHOUT shellcheck (install it: apt-get install shellcheck)"
fi
"$(tool_path actionlint)" -no-color "${workflows[@]}" || failed=1

# uses: owner/repo[/path]@<40 hex> # vX.Y.Z   (local ./ actions and docker:// excepted)
for f in "${workflows[@]}"; do
	while IFS=: read -r line text; do
		echo "$f:$line: action not pinned to a full commit SHA with a '# vX.Y.Z' comment:$text" >&2
		failed=1
	done < <(grep -nE '^\s*-?\s*uses:' "$f" |
		grep -vE 'uses:\s*\./' |
		grep -vE 'uses:\s*[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}\s+#\s*v[0-9]+(\.[0-9]+)*\s*$' || true)
	# AWS by OIDC roles only: no static keys, not even from secrets.
	if grep -nE 'aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY' "$f" >&2; then
		echo "$f: static AWS keys; use configure-aws-credentials with role-to-assume (OIDC)" >&2
		failed=1
	fi
	# `shell: bash` runs scripts with -eo pipefail; without it a failing command
	# piped into tee would pass.
	if ! grep -qE '^defaults:' "$f" || ! grep -qE '^\s+shell: bash\s*$' "$f"; then
		echo "$f: set 'defaults: run: shell: bash' (pipefail for every run: script)" >&2
		failed=1
	fi
	if ! grep -qE '^permissions:\s*\{\}\s*$' "$f"; then
		echo "$f: the workflow must start from 'permissions: {}' and grant per job" >&2
		failed=1
	fi
done

scripts=(scripts/ci/*.sh scripts/lint-workflows.sh scripts/scan.sh)
if command -v shellcheck >/dev/null 2>&1 && ((${#scripts[@]} > 0)); then
	shellcheck -x "${scripts[@]}" || failed=1
fi

scripts/ci/test.sh || failed=1

if ((failed)); then
	echo "lint-workflows: FAIL" >&2
	exit 1
fi
echo "lint-workflows: ok (${#workflows[@]} workflows)"
