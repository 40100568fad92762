// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for RoleKit, kept out of the main package like Benchmarks/.
// Build and run with scripts/fuzz (see docs/fuzzing.md); the recipe is
//   swift build -c release --package-path Fuzz --scratch-path Fuzz/.build \
//       -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//
// Each executable is one fuzz target: a file with `LLVMFuzzerTestOneInput` that hands the bytes
// to `FuzzTargets`, plus the entry point SwiftPM links as `main` (see LibFuzzerDriver).
let fuzzTargets = [
    "pem", "private-key", "certificate", "pkcs12", "ini", "sts-xml", "rolesanywhere-json", "timestamps", "query", "metadata", "tpm-key",
]

let package = Package(
    name: "RoleKitFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "RoleKit", path: ".."),
    ],
    targets: [
        // Declares libFuzzer's LLVMFuzzerRunDriver and LLVMFuzzerTestOneInput for Swift.
        .target(name: "CLibFuzzer"),
        .target(
            name: "FuzzTargets",
            dependencies: [
                "CLibFuzzer",
                .product(name: "RoleKitSigning", package: "RoleKit"),
                .product(name: "RoleKitIdentity", package: "RoleKit"),
                .product(name: "RoleKitTransport", package: "RoleKit"),
                .product(name: "RoleKitServices", package: "RoleKit"),
                .product(name: "RoleKitCredentials", package: "RoleKit"),
                .product(name: "RoleKitEmulator", package: "RoleKit"),
                .product(name: "RoleKitEndpoints", package: "RoleKit"),
            ]
        ),
    ] + fuzzTargets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzTargets"], path: "Sources/\(name)")
    },
    swiftLanguageModes: [.v6]
)
