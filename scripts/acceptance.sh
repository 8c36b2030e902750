#!/usr/bin/env bash
# The README's acceptance command: set up this machine (idempotent), then run
# the acceptance suite on the bundled reference stack, writing its report.
# Extra arguments go to `kraft-acceptance verify` (e.g. --tags @static).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo run --locked --release --quiet -- verify --project-dir fixtures/reference --report target/acceptance-report "$@"
