#!/usr/bin/env bash
# Browser benchmark of the board page (issue #13): opens a generated 5,000-sticky wall in
# Debian's Chromium against the real release server and prints open time, pan/zoom frame
# times, remote-change latency under 20 participants and memory, as a Markdown table and a
# JSON line (docs/benchmarks.md). Measures only; asserts no targets.
#   scripts/bench-browser.sh                 # target/release/stormwall + target/site
#   scripts/bench-browser.sh --short         # the CI form (500 stickies, 1.5 s phases)
#   scripts/bench-browser.sh --baseline-bin OLD/stormwall --baseline-site OLD/site
# Build first: cargo leptos build --release. Flags: node end2end/bench/wall-bench.mjs --help
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"
if ! [[ -d end2end/node_modules/@playwright/test ]]; then
  echo "Playwright is missing: run scripts/setup.sh --browser first." >&2
  exit 2
fi
exec node end2end/bench/wall-bench.mjs "$@"
