#!/usr/bin/env bash
# Bounded fuzzing of the pure parsers and renderers with cargo fuzz (libFuzzer), on the
# stable toolchain (RUSTC_BOOTSTRAP lets cargo fuzz pass its sanitizer flags). Each target
# runs FUZZ_SECONDS (default 30); a crash fails the run and leaves its input in
# fuzz/artifacts/<target>/ (reproduce: cargo fuzz run <target> <file>).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_EACH=${FUZZ_SECONDS:-30}
command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz@0.13.2
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
for t in phone template sms_encoding slots; do
  echo "--- fuzz $t (${SECONDS_EACH}s)"
  cargo fuzz run -O "$t" -- -max_total_time="$SECONDS_EACH" -print_final_stats=1 2>&1 |
    grep -E "^(Done|stat::number_of_executed_units|==[0-9]+== ERROR|thread .* panicked)|SUMMARY" || true
  if ls "artifacts/$t"/crash-* >/dev/null 2>&1; then
    echo "fuzz $t: crash, input kept in fuzz/artifacts/$t/"; exit 1
  fi
done
