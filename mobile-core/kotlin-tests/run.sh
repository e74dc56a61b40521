#!/usr/bin/env bash
# Generates the Kotlin (and Swift) bindings of relais-mobile-core, starts `relais demo` on a
# free loopback port, compiles BindingTest.kt with kotlinc and runs it on the JVM.
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
ls "$target/bindings/swift/RelaisCore.swift" "$target/bindings/swift/RelaisCoreFFI.h" >/dev/null

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$target/debug/relais" demo --data-dir "$work/demo" --listen "127.0.0.1:$port" > "$work/demo.out" 2> "$work/demo.err" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/demo.err"; exit 1; }

cp="$jna:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar"
"$kotlin_home/bin/kotlinc" -nowarn -cp "$cp" -d "$work/test.jar" \
  "$target/bindings/kotlin/fr/relais/core/relais_mobile_core.kt" mobile-core/kotlin-tests/BindingTest.kt 2> >(grep -v '^warning' >&2)
java -Djna.library.path="$target/debug" -cp "$work/test.jar:$cp:$kotlin_home/lib/kotlin-stdlib.jar" \
  BindingTestKt "http://127.0.0.1:$port" "$work/demo/demo-credentials.json"
