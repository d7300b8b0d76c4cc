#!/usr/bin/env bash
# Installs what Stormwall needs to build and run; with --browser, also what the browser tests
# need; with --postgres, PostgreSQL's server binaries (the server tests run once more on a
# throwaway cluster). Idempotent: every step is skipped when its tool is already there at the
# right version.
# Nothing here downloads a prebuilt binary: tools are built by cargo or come from npm / Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=0
postgres=0
for arg in "$@"; do
  case "$arg" in
    --browser) browser=1 ;;
    --postgres) postgres=1 ;;
  esac
done

export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"
step() { printf '==> %s\n' "$*"; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [[ $apt_updated -eq 0 ]]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install the Rust toolchain with rustup first (https://rustup.rs)." >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 0.3.11 needs a newer rustc than 1.95; 0.3.10 works. Building it takes ~20 minutes once.
if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  step "installing cargo-leptos 0.3.10 (one time, ~20 min)"
  cargo install cargo-leptos --locked --version 0.3.10
fi

# wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock. Without --locked:
# a locked dependency of it is missing from the index.
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wbg}\$"; then
  step "installing wasm-bindgen-cli ${wbg} (one time, ~3 min)"
  cargo install wasm-bindgen-cli --version "${wbg}" --force
fi

if ! command -v npm >/dev/null; then
  step "installing Node.js and npm"
  apt_install nodejs npm
fi

# wasm-opt from npm's binaryen 132 (Debian's binaryen 108 produces a page that crashes).
if ! [[ -x tools/node_modules/.bin/wasm-opt ]]; then
  step "installing wasm-opt (npm binaryen)"
  (cd tools && npm ci --no-audit --no-fund)
fi

if [[ $browser -eq 1 ]]; then
  if ! [[ -x /usr/bin/chromium ]]; then
    step "installing Debian's chromium"
    apt_install chromium
  fi
  if ! [[ -d end2end/node_modules/@playwright/test ]]; then
    step "installing Playwright (without its browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
fi
if [[ $postgres -eq 1 ]] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  step "installing Debian's PostgreSQL server (no cluster of its own: the tests make theirs)"
  # Debian would create and start a 'main' cluster on install; the tests never use one.
  as_root mkdir -p /etc/postgresql-common
  if ! [[ -f /etc/postgresql-common/createcluster.conf ]]; then
    echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  if [[ $apt_updated -eq 0 ]]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    -o Dpkg::Options::=--force-confold postgresql
fi
step "tools ready"
