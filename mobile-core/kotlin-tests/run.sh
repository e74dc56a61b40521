#!/usr/bin/env bash
# Generates the Kotlin (and Swift) bindings of relais-mobile-core, compiles them with kotlinc,
# then runs on the JVM, each against its own `relais demo` on a free loopback port: the
# bindings' test (BindingTest.kt) and the Android app's screen models (android/app-model).
# Needs: kotlinc (npm package kotlin-compiler; KOTLIN_HOME or .ci/node_modules), JNA
# (/usr/share/java/jna.jar from Debian's libjna-java), java.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
target="${CARGO_TARGET_DIR:-$root/target}"
kotlin_home="${KOTLIN_HOME:-$root/.ci/node_modules/kotlin-compiler}"
jna="${JNA_JAR:-/usr/share/java/jna.jar}"
[ -x "$kotlin_home/bin/kotlinc" ] || { echo "kotlinc not found under $kotlin_home (npm install kotlin-compiler)"; exit 1; }
[ -f "$jna" ] || { echo "JNA not found at $jna (apt-get install libjna-java)"; exit 1; }

cargo build -q -p relais-mobile-core
cargo build -q -p relais-server --bin relais
cargo build -q -p uniffi-bindgen
lib="$target/debug/librelais_mobile_core.so"
rm -rf "$target/bindings"
"$target/debug/uniffi-bindgen" generate --library "$lib" --language kotlin --out-dir "$target/bindings/kotlin" --no-format
"$target/debug/uniffi-bindgen" generate --library "$lib" --language swift --out-dir "$target/bindings/swift" --no-format
# The iOS package builds on the committed copy of the Swift bindings: a change of the core's
# API must show in the diff of ios/Generated.
if ! diff -r "$target/bindings/swift" ios/Generated >/dev/null; then
  diff -ru ios/Generated "$target/bindings/swift" | head -40 >&2 || true
  echo "ios/Generated is out of date with the core's API: cp target/bindings/swift/* ios/Generated/ and commit" >&2
  exit 1
fi

work=$(mktemp -d)
servers=()
trap 'for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

# A fresh `relais demo` on a free loopback port for each suite (TOTP steps are single-use).
start_demo() {
  local name=$1 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$target/debug/relais" demo --data-dir "$work/$name" --listen "127.0.0.1:$port" > "$work/$name.out" 2> "$work/$name.err" &
  servers+=($!)
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/$name.err" >&2; exit 1; }
  demo_url="http://127.0.0.1:$port"
}

kotlinc() { "$kotlin_home/bin/kotlinc" -nowarn "$@" 2> >(grep -v '^warning' >&2); }
cp="$jna:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar"
run_cp="$cp:$kotlin_home/lib/kotlin-stdlib.jar"

# The generated bindings and the shared test support, compiled once.
kotlinc -cp "$cp" -d "$work/bindings.jar" "$target/bindings/kotlin/fr/relais/core/relais_mobile_core.kt" mobile-core/kotlin-tests/TestSupport.kt

echo "--- the bindings (mobile-core/kotlin-tests/BindingTest.kt)"
kotlinc -cp "$cp:$work/bindings.jar" -d "$work/binding-test.jar" mobile-core/kotlin-tests/BindingTest.kt
start_demo bindings
java -Djna.library.path="$target/debug" -cp "$work/binding-test.jar:$work/bindings.jar:$run_cp" \
  BindingTestKt "$demo_url" "$work/bindings/demo-credentials.json"

echo "--- the Android app's screen models (android/app-model)"
kotlinc -cp "$cp:$work/bindings.jar" -d "$work/app-model.jar" android/app-model/src/main/kotlin android/app-model/src/test/kotlin
start_demo app-model
java -Djna.library.path="$target/debug" -cp "$work/app-model.jar:$work/bindings.jar:$run_cp" \
  fr.relais.app.model.AppModelTestKt "$demo_url" "$work/app-model/demo-credentials.json"
