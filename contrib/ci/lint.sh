#!/usr/bin/env bash
# Lints the CI files with their ecosystems' own linters: actionlint (Go
# module, with shellcheck from Debian on the run: scripts) and GitHub's
# workflow schema for github-actions.yml, GitLab's CI schema for
# gitlab-ci.yml (both schemas as check-jsonschema from PyPI ships them).
# Then proves each linter fails on a planted defect. Tools are installed
# into $KRAFT_ACCEPTANCE_CACHE/ci-lint (default /var/cache/kraft-acceptance).
set -euo pipefail
cd "$(dirname "$0")"
cache=${KRAFT_ACCEPTANCE_CACHE:-/var/cache/kraft-acceptance}/ci-lint
actionlint_version=v1.7.7
check_jsonschema_version=0.39.0
mkdir -p "$cache"
command -v shellcheck >/dev/null 2>&1 || apt-get install -y shellcheck >/dev/null
if [ ! -x "$cache/bin/actionlint" ]; then
  GOBIN="$cache/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version"
fi
if [ ! -x "$cache/venv/bin/check-jsonschema" ]; then
  python3 -m venv "$cache/venv"
  "$cache/venv/bin/pip" install --quiet "check-jsonschema==$check_jsonschema_version"
fi
actionlint=$cache/bin/actionlint
schema=$cache/venv/bin/check-jsonschema

lint() {
  "$actionlint" "$1" && "$schema" --builtin-schema vendor.github-workflows "$1" \
    && "$schema" --builtin-schema vendor.gitlab-ci "$2"
}
lint github-actions.yml gitlab-ci.yml
echo "ci-lint: github-actions.yml and gitlab-ci.yml pass"

# Each linter can fail: a planted defect in a copy must be refused.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's/runs-on: ubuntu-24.04/runs-on: ${{ matrix.os }}/' github-actions.yml >"$tmp/gh.yml"
sed 's/    when: always/    when: sometimes/' gitlab-ci.yml >"$tmp/gl.yml"
! "$actionlint" "$tmp/gh.yml" >/dev/null || { echo "ci-lint: actionlint passed a planted defect" >&2; exit 1; }
! "$schema" --builtin-schema vendor.gitlab-ci "$tmp/gl.yml" >/dev/null || { echo "ci-lint: the GitLab schema passed a planted defect" >&2; exit 1; }
echo "ci-lint: each linter refuses its planted defect"
