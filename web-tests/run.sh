#!/usr/bin/env bash
# The browser suites (the person's pages, the staff console): Debian's Chromium driven by
# playwright-core (npm) against a live
# `relais demo`, on SQLite, then on PostgreSQL when RELAIS_TEST_POSTGRES_URL is set.
# Screenshots go to target/web-tests (or WEB_TESTS_OUT).
# Needs: /usr/bin/chromium (apt-get install chromium), playwright-core and axe-core under
# .ci/node_modules (npm install --prefix .ci playwright-core axe-core), psql for PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target="${CARGO_TARGET_DIR:-$root/target}"
export NODE_PATH="$root/.ci/node_modules"
[ -x /usr/bin/chromium ] || { echo "/usr/bin/chromium not found (apt-get install chromium)" >&2; exit 1; }
[ -d "$NODE_PATH/playwright-core" ] && [ -d "$NODE_PATH/axe-core" ] \
  || { echo "npm install --prefix .ci playwright-core axe-core" >&2; exit 1; }
cargo build -q -p relais-server --bin relais
out="${WEB_TESTS_OUT:-$target/web-tests}"
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
servers=()
"$target/debug/relais" words > "$work/words.json"
export RELAIS_WORDS="$work/words.json"
trap 'for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

run() {
  local label=$1 port
  shift
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$target/debug/relais" demo --data-dir "$work/$label" --listen "127.0.0.1:$port" "$@" \
    > "$work/$label.out" 2> "$work/$label.err" &
  servers+=($!)
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/$label.err" >&2; exit 1; }
  node web-tests/person.cjs "http://127.0.0.1:$port" "$work/$label/demo-credentials.json" "$out" "$label"
  node web-tests/console.cjs "http://127.0.0.1:$port" "$work/$label/demo-credentials.json" "$out" "$label"
}

echo "--- the person's pages and the staff console on SQLite"
run sqlite
if [ -n "${RELAIS_TEST_POSTGRES_URL:-}" ]; then
  db="relais_web_$$_$RANDOM"
  psql -q "${RELAIS_TEST_POSTGRES_URL%/}/postgres" -c "CREATE DATABASE $db"
  echo "--- the person's pages and the staff console on PostgreSQL"
  run postgres --database-url "${RELAIS_TEST_POSTGRES_URL%/}/$db"
fi
echo "screenshots: $out"
