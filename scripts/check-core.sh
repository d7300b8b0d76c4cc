#!/usr/bin/env bash
# The core crate does no IO: none of the IO stacks may be among its dependencies, and it must
# build for wasm32 (the browser runs the same code).
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(tokio|sqlx|axum|leptos|hyper|mio|reqwest|tungstenite|tokio-tungstenite)$'
deps=$(cargo tree -p stormwall-core -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)
if bad=$(grep -E "$forbidden" <<<"$deps"); then
  echo "stormwall-core depends on IO crates: $bad" >&2
  exit 1
fi
cargo check -p stormwall-core --target wasm32-unknown-unknown
echo "core is pure: $(wc -l <<<"$deps") crates, none of them IO"
