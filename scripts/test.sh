#!/usr/bin/env bash
# Runs every check and test: formatting, lints, core purity, core + server tests, and the
# browser tests in Chromium against the real release build. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"
step() { printf '\n==> %s\n' "$*"; }
# Incremental caches only help a developer's edit loop; here they cost gigabytes of disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
df -h . | tail -1 | awk '{print "disk: " $4 " free"}'

step "formatting"
cargo fmt --all -- --check

step "lints (server side, then the browser build)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p stormwall-app --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings

step "the core crate is pure and builds for the browser"
scripts/check-core.sh

step "core and server tests"
cargo test --workspace

step "release build (server + wasm)"
cargo leptos build --release

step "load tool: a short run with two SIGKILLs, then the log check (no lost or doubled command)"
cargo build --release -p stormwall-load
target/release/stormwall-load --clients 6 --boards 2 --rate 60 --duration 4 --crash-cycles 2 --crash-every 1.5

step "browser tests (Chromium)"
(cd end2end && npx playwright test)

step "browser benchmark, short form (500 stickies; figures only, no target asserted)"
scripts/bench-browser.sh --short
