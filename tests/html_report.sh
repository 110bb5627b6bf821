#!/usr/bin/env bash
# Checks the simulation's HTML report in a real headless browser (Debian's chromium): the
# page opens, its charts render (their bar colours are on the screenshot), and a screenshot
# is taken. Run by .ci/run; needs `chromium` (installed there if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/bashgah"
mkdir -p "$work/changed"
cp -r policies/cafe "$work/changed/cafe"
sed -i 's|earning_amount(event, member) / 10000$|earning_amount(event, member) / 5000|' "$work/changed/cafe/earn.rhai"
"$bin" simulate cafe --events examples/cafe/purchases.csv --members examples/cafe/members.csv \
    --against "$work/changed/cafe" --html "$work/report.html" > "$work/report.txt"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --window-size=1000,1400 \
    --screenshot="$work/report.png" "file://$work/report.html" 2> "$work/chromium.log"
python3 tests/png_colours.py "$work/report.png" 2b6cb0 dd6b20
mkdir -p target
cp "$work/report.png" target/simulation-report.png
echo "html report: rendered, charts drawn, screenshot in target/simulation-report.png"
