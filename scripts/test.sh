#!/usr/bin/env bash
# The README's test command: set up this machine (idempotent), then run every
# test of the harness: unit tests, bad input, the static broken fixtures, and
# (switched on here with --include-ignored) the suites that need the Docker
# Engine: the features on the reference stack, the runtime broken fixtures,
# lifecycle, attach mode and the host probes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-standin
cargo test --locked "$@" -- --include-ignored
