#!/usr/bin/env bash
# The README's acceptance command: set up this machine (idempotent), then run
# the acceptance suite on the bundled reference stack, writing its report.
# Extra arguments go to `kraft-acceptance verify` (e.g. --tags @static).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Cargo's own progress shows: a first build takes minutes on a small machine.
echo "acceptance.sh: building kraft-acceptance (release)"
start=$SECONDS
cargo build --locked --release
echo "acceptance.sh: built in $((SECONDS - start)) s; running verify"
cargo run --locked --release -- verify --project-dir fixtures/reference --report target/acceptance-report "$@"
