// swift-tools-version:5.10
// The iOS app of Relais: the generated bindings (Generated/, checked by CI against the core),
// the screen models (RelaisAppModel, the mirror of android/app-model) and the SwiftUI screens
// with the Keychain key and background refresh (RelaisAppUI). Not built on the development
// machines (no Swift there): see README.md.
import PackageDescription

let package = Package(
    name: "RelaisApp",
    platforms: [.iOS(.v16)],
    products: [
        .library(name: "RelaisAppUI", targets: ["RelaisAppUI"]),
    ],
    targets: [
        // The core's static library and C header, built by build-xcframework.sh.
        .binaryTarget(name: "RelaisCoreFFI", path: "RelaisCoreFFI.xcframework"),
        .target(
            name: "RelaisCore",
            dependencies: ["RelaisCoreFFI"],
            path: "Generated",
            exclude: ["RelaisCoreFFI.h", "RelaisCoreFFI.modulemap"],
            sources: ["RelaisCore.swift"]
        ),
        .target(name: "RelaisAppModel", dependencies: ["RelaisCore"]),
        .target(name: "RelaisAppUI", dependencies: ["RelaisAppModel", "RelaisCore"]),
    ]
)
