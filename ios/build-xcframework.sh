#!/usr/bin/env bash
# Builds RelaisCoreFFI.xcframework (the core as a static library for devices and simulators,
# with the generated C header) and regenerates the Swift bindings. Run on a Mac with Xcode
# and the Rust targets aarch64-apple-ios, aarch64-apple-ios-sim, x86_64-apple-ios.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release-mobile
for t in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; do
  cargo build --profile "$profile" -p relais-mobile-core --target "$t"
done
cargo run -q -p uniffi-bindgen -- generate --library "target/aarch64-apple-ios/$profile/librelais_mobile_core.a" \
  --language swift --out-dir ios/Generated --no-format
out=$(mktemp -d)
mkdir -p "$out/headers" "$out/sim"
cp ios/Generated/RelaisCoreFFI.h "$out/headers/"
cp ios/Generated/RelaisCoreFFI.modulemap "$out/headers/module.modulemap"
lipo -create "target/aarch64-apple-ios-sim/$profile/librelais_mobile_core.a" \
  "target/x86_64-apple-ios/$profile/librelais_mobile_core.a" -output "$out/sim/librelais_mobile_core.a"
rm -rf ios/RelaisCoreFFI.xcframework
xcodebuild -create-xcframework \
  -library "target/aarch64-apple-ios/$profile/librelais_mobile_core.a" -headers "$out/headers" \
  -library "$out/sim/librelais_mobile_core.a" -headers "$out/headers" \
  -output ios/RelaisCoreFFI.xcframework
echo "ios/RelaisCoreFFI.xcframework built; open the app with XcodeGen (ios/project.yml)"
