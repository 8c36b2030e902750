#!/usr/bin/env bash
# Renders a sign-off report in headless Chromium (Debian's package, installed
# if missing): checks the page renders with its verdict table, and writes a
# screenshot. Usage: scripts/render-report.sh REPORT_DIR [SCREENSHOT.png]
set -euo pipefail
dir=${1:?usage: render-report.sh REPORT_DIR [SCREENSHOT.png]}
shot=${2:-$dir/report.png}
page="$dir/report.html"
[ -f "$page" ] || { echo "render: no $page" >&2; exit 1; }
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null 2>&1 || apt_install chromium
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# Background networking off: this machine has no network but its registries.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --user-data-dir="$profile" --hide-scrollbars)
url="file://$(cd "$(dirname "$page")" && pwd)/report.html"
dom=$(timeout 120 chromium "${flags[@]}" --dump-dom "$url" 2>/dev/null)
grep -q 'id="verdicts"' <<<"$dom" || { echo "render: the rendered page has no verdict table" >&2; exit 1; }
rows=$(grep -o '<tr>' <<<"$dom" | wc -l)
timeout 120 chromium "${flags[@]}" --window-size=1280,2200 --screenshot="$(realpath -m "$shot")" "$url" >/dev/null 2>&1
[ -s "$shot" ] || { echo "render: no screenshot written" >&2; exit 1; }
echo "render: $page rendered in $(chromium --version 2>/dev/null | tr -d '\n'): verdict table present, $rows table rows; screenshot $shot ($(stat -c %s "$shot") bytes)"
