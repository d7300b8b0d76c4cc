#!/usr/bin/env bash
# Runs every check and test: formatting, lints, core purity, core + server tests (the server's
# twice: on SQLite, then on a throwaway PostgreSQL cluster), and the browser tests in Chromium
# against the real release build. Installs what is missing first.
# STORMWALL_SKIP_POSTGRES=1 runs the SQLite half only (no PostgreSQL installed or started).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${STORMWALL_SKIP_POSTGRES:-0}" == 1 ]]; then
  scripts/setup.sh --browser
else
  scripts/setup.sh --browser --postgres
fi
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

step "core and server tests (server on SQLite)"
cargo test --workspace

pgurl=""
if [[ "${STORMWALL_SKIP_POSTGRES:-0}" != 1 ]]; then
  step "server tests on PostgreSQL (a throwaway cluster, kept for the two-server runs below)"
  pgdir=$(mktemp -d /tmp/stormwall-pg.XXXXXX)
  trap 'scripts/pg.sh stop "$pgdir"' EXIT
  pgurl=$(scripts/pg.sh start "$pgdir")
  STORMWALL_TEST_POSTGRES="$pgurl" cargo test -p stormwall --test it
fi

step "release build (server + wasm)"
cargo leptos build --release

step "load tool: a short run with two SIGKILLs, then the log check (no lost or doubled command)"
cargo build --release -p stormwall-load
target/release/stormwall-load --clients 6 --boards 2 --rate 60 --duration 4 --crash-cycles 2 --crash-every 1.5
if [[ -n "$pgurl" ]]; then
  step "load tool: two servers on PostgreSQL, each killed once, then the log check"
  # The same cluster, a database of its own (the first server creates it).
  loaddb=$(sed -E 's#(postgres://[^/]*/)[^?]*#\1load_ci#' <<<"$pgurl")
  target/release/stormwall-load --database "$loaddb" --instances 2 --clients 6 --boards 2 \
    --rate 60 --duration 4 --crash-cycles 2 --crash-every 1.5
fi

step "browser tests (Chromium; the two-server test on PostgreSQL unless skipped)"
(cd end2end && STORMWALL_E2E_POSTGRES="$pgurl" npx playwright test)
if [[ -n "$pgurl" ]]; then
  scripts/pg.sh stop "$pgdir"
  trap - EXIT
fi

step "browser benchmark, short form (500 stickies; figures only, no target asserted)"
scripts/bench-browser.sh --short
