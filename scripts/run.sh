#!/usr/bin/env bash
# Installs what is missing, builds, and serves Stormwall on http://127.0.0.1:3000 with an
# SQLite file (stormwall.db) in the repository folder. Override with DATABASE_URL or
# LEPTOS_SITE_ADDR, e.g. LEPTOS_SITE_ADDR=0.0.0.0:8080 scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"
exec cargo leptos serve --release
