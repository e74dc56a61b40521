#!/usr/bin/env bash
# Bounded fuzzing of the pure parsers and renderers with cargo fuzz (libFuzzer), on the
# stable toolchain (RUSTC_BOOTSTRAP lets cargo fuzz pass its sanitizer flags). Each target
# runs FUZZ_SECONDS (default 30) from the corpus kept in the repository (fuzz/corpus/<t>,
# minimised; grown inputs stay in a scratch copy). The run fails on anything the fuzzer
# reports — a crash, a panic, an out-of-memory, a slow input (-timeout), a leak, a fuzzer
# that did not start — and on fewer than FUZZ_MIN_EXECS executions (default 50000): a
# target that ran a handful of inputs proved nothing. The offending input is kept in
# fuzz/artifacts/<target>/ (reproduce: cargo fuzz run <target> <file>).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_EACH=${FUZZ_SECONDS:-30}
MIN_EXECS=${FUZZ_MIN_EXECS:-50000}
command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz@0.13.2
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in phone template sms_encoding slots; do
  echo "--- fuzz $t (${SECONDS_EACH}s, at least $MIN_EXECS executions)"
  mkdir -p "$scratch/$t"
  if [ -d "corpus/$t" ]; then cp -r "corpus/$t/." "$scratch/$t/"; fi
  log="$scratch/$t.log"
  set +e
  cargo fuzz run -O "$t" "$scratch/$t" -- -max_total_time="$SECONDS_EACH" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 > "$log" 2>&1
  rc=$?
  set -e
  grep -E "^(Done|stat::number_of_executed_units|==[0-9]+== ERROR|thread .* panicked)|SUMMARY|INFO: seed corpus" "$log" || true
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  if [ "$rc" != 0 ]; then
    echo "fuzz $t: the fuzzer exited with $rc; its last lines:"
    tail -n 30 "$log"
    ls "artifacts/$t" 2>/dev/null | sed 's/^/  kept: fuzz\/artifacts\/'"$t"'\//' || true
    failed+=("$t (exit $rc)")
  elif [ -z "$execs" ] || [ "$execs" -lt "$MIN_EXECS" ]; then
    echo "fuzz $t: ${execs:-no} executions, fewer than the $MIN_EXECS required"
    tail -n 30 "$log"
    failed+=("$t (${execs:-0} executions)")
  elif ls "artifacts/$t"/* >/dev/null 2>&1; then
    echo "fuzz $t: inputs left in fuzz/artifacts/$t/"
    failed+=("$t (artifacts)")
  else
    echo "fuzz $t: $execs executions, nothing found"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing failed: ${failed[*]}"
  exit 1
fi
echo "fuzzing: 4 targets, nothing found"
