#!/usr/bin/env bash
# The README's test command: set up this machine (idempotent), then run every
# test of the harness: unit tests, bad input, the static broken fixtures, and
# (switched on here with --include-ignored) the suites that need the Docker
# Engine: the features on the reference stack, the runtime broken fixtures,
# lifecycle, attach mode and the host probes. Before them, rustfmt and clippy.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-standin
# The shape first: formatted, no clippy warning (a minute, before the long part).
# Cargo's own progress shows (a cold build takes minutes); each stage says its time.
stage() {
    local start=$SECONDS
    echo "test.sh: $*"
    "$@"
    echo "test.sh: $1 $2 done in $((SECONDS - start)) s"
}
stage cargo fmt --check
stage cargo clippy --locked --all-targets -- -D warnings
stage cargo test --locked "$@" -- --include-ignored
