#!/usr/bin/env bash
# The SQLite suites again with the clock moved DAYS ahead (default 400) by Debian's
# libfaketime: a test that holds only today (a fixed date, a window that must contain a
# holiday, a horizon that runs out) fails here the day it is written, not the day it goes
# off. Only the test executables run under the moved clock: cargo builds and lists them
# first with the real clock (rustc and rustdoc wait forever under libfaketime). Each runs
# from its package's folder, as `cargo test` runs it. Usage: .ci/clock-ahead.sh [DAYS]
set -euo pipefail
cd "$(dirname "$0")/.."
DAYS=${1:-${CLOCK_AHEAD:-400}}
lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
[ -f "$lib" ] || { echo "libfaketime is not installed (apt-get install libfaketime)"; exit 1; }
list=$(mktemp)
trap 'rm -f "$list"' EXIT
cargo test --workspace --tests --no-run --message-format=json | python3 -c '
import json, os, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("profile", {}).get("test") and m.get("executable"):
        print(os.path.dirname(m["manifest_path"]) + "\t" + m["executable"])
' > "$list"
n=$(wc -l < "$list")
[ "$n" -gt 0 ] || { echo "no test executable found"; exit 1; }
echo "clock moved ${DAYS} days ahead (to $(FAKETIME="+${DAYS}d" LD_PRELOAD="$lib" date -u +%Y-%m-%d)): $n test executables"
failed=()
while IFS=$'\t' read -r dir exe; do
  echo "--- $(basename "$exe")"
  if ! (cd "$dir" && FAKETIME="+${DAYS}d" FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD="$lib" "$exe" < /dev/null); then
    failed+=("$(basename "$exe")")
  fi
done < "$list"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed with the clock ${DAYS} days ahead: ${failed[*]}"
  exit 1
fi
echo "every test executable passed with the clock ${DAYS} days ahead"
