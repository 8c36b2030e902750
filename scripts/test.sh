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
cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked "$@" -- --include-ignored
