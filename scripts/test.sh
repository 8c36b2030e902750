#!/usr/bin/env bash
# The README's test command: set up this machine (idempotent), then run every
# test of the harness: unit tests, the features on the reference target, and
# the broken fixtures that prove each check can fail.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --locked "$@"
