// swift-tools-version: 6.1
import PackageDescription

// Layers (data flows one way; a lower layer never imports a higher one):
//   0. Support    RoleKitSupport   internal helpers (`package` access): JSON writer, hex, environment, EINTR-safe calls
//   1. Signing    RoleKitSigning   SigV4 (HMAC) and SigV4-X509, no I/O
//   2. Identity   RoleKitIdentity  certificates, chains and private keys into one SigningIdentity
//   3. Transport  RoleKitTransport AsyncHTTPClient, timeouts, retries, clock-skew correction
//   4. Services   RoleKitServices  Roles Anywhere (and later STS) clients
//   5. Credentials RoleKitCredentials  the value type, providers, refreshing, caches
//   6. Front ends RoleKitEmulator  local Roles Anywhere service (Hummingbird)
//                 RoleKitEndpoints local credential endpoints (IMDSv2, container) and the credentials-file updater
//                 RoleKitArgumentParser  the option groups a tool embeds (AWSAuthOptions, …)
//                 RoleKitCLI       the `rolekit` command line (its only client: the rolekit executable)
//                 RoleKitEmulatorCLI  `rolekit emulator` and `quickstart`, run by the rolekit-emulator executable
// Test support: RoleKitTesting (product: manual clock, scripted HTTP server) and
// RoleKitTestSupport (this checkout's harness: moto, Python references, PKI, emulator fixture).

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "RoleKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RoleKitSigning", targets: ["RoleKitSigning"]),
        .library(name: "RoleKitIdentity", targets: ["RoleKitIdentity"]),
        .library(name: "RoleKitTransport", targets: ["RoleKitTransport"]),
        .library(name: "RoleKitServices", targets: ["RoleKitServices"]),
        .library(name: "RoleKitCredentials", targets: ["RoleKitCredentials"]),
        .library(name: "RoleKitEmulator", targets: ["RoleKitEmulator"]),
        .library(name: "RoleKitEndpoints", targets: ["RoleKitEndpoints"]),
        .library(name: "RoleKitArgumentParser", targets: ["RoleKitArgumentParser"]),
        .library(name: "RoleKitTesting", targets: ["RoleKitTesting"]),
        .executable(name: "rolekit", targets: ["rolekit"]),
        .executable(name: "rolekit-emulator", targets: ["rolekit-emulator"]),
    ],
    // The emulator and the CLI need GRDB and Hummingbird; a client that depends on the library
    // products with `traits: []` (Examples/EmbeddedAuth) resolves and builds neither.
    traits: [
        .trait(name: "Emulator", description: "The local emulator and the rolekit command line (GRDB, Hummingbird, service lifecycle)."),
        .trait(
            name: "BuildEmulatorWithRolekit",
            description: "rolekit depends on the rolekit-emulator executable, so building or running rolekit builds it too (swift run rolekit quickstart). SwiftPM links an executable's dependency on another executable into it, so scripts/release builds with --traits Emulator: its rolekit links none of the emulator."
        ),
        .default(enabledTraits: ["Emulator", "BuildEmulatorWithRolekit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(name: "RoleKitSupport", swiftSettings: strictSettings),
        .target(
            name: "RoleKitSigning",
            dependencies: [
                "RoleKitSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
        // Our own declarations of the PKCS#11 subset RoleKit calls; the module is dlopen'ed.
        .target(name: "CPKCS11"),
        // Our own declarations of the TSS 2.0 (ESAPI, TCTI loader, MU) calls; the stack is dlopen'ed.
        .target(name: "CTSS2"),
        .target(
            name: "RoleKitIdentity",
            dependencies: [
                "RoleKitSupport",
                "CPKCS11",
                "CTSS2",
                "RoleKitSigning",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RoleKitTransport",
            dependencies: [
                "RoleKitSupport",
                "RoleKitSigning",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RoleKitServices",
            dependencies: ["RoleKitSupport", "RoleKitSigning", "RoleKitTransport"],
            // Foundation (not only FoundationEssentials) for XMLParser: STS answers in XML.
            swiftSettings: strictSettings
        ),
        .target(
            name: "RoleKitCredentials",
            dependencies: [
                "RoleKitSupport", "RoleKitSigning", "RoleKitIdentity", "RoleKitTransport", "RoleKitServices",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RoleKitEmulator",
            dependencies: [
                "RoleKitSupport",
                "RoleKitSigning",
                "RoleKitTransport",
                "RoleKitServices",
                .product(name: "GRDB", package: "GRDB.swift", condition: .when(traits: ["Emulator"])),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Emulator"])),
                .product(name: "HummingbirdCore", package: "hummingbird", condition: .when(traits: ["Emulator"])),
                .product(name: "HummingbirdTLS", package: "hummingbird", condition: .when(traits: ["Emulator"])),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: .when(traits: ["Emulator"])),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["Emulator"])),
                .product(name: "UnixSignals", package: "swift-service-lifecycle", condition: .when(traits: ["Emulator"])),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RoleKitEndpoints",
            dependencies: [
                "RoleKitSupport",
                "RoleKitSigning",
                "RoleKitIdentity",
                "RoleKitCredentials",
                "RoleKitTransport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RoleKitArgumentParser",
            dependencies: [
                "RoleKitSupport",
                "RoleKitIdentity",
                "RoleKitTransport",
                "RoleKitServices",
                "RoleKitCredentials",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RoleKitCLI",
            dependencies: [
                "RoleKitSupport",
                "RoleKitArgumentParser",
                "RoleKitEndpoints",
                .product(name: "UnixSignals", package: "swift-service-lifecycle", condition: .when(traits: ["Emulator"])),
                "RoleKitSigning",
                "RoleKitIdentity",
                "RoleKitTransport",
                "RoleKitServices",
                "RoleKitCredentials",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: strictSettings
        ),
        // `rolekit emulator` and `rolekit quickstart`, in an executable of their own so that
        // `rolekit` links neither Hummingbird nor GRDB (and so no Foundation, ICU or SQLite).
        .target(
            name: "RoleKitEmulatorCLI",
            dependencies: [
                "RoleKitSupport", "RoleKitCLI", "RoleKitEmulator", "RoleKitArgumentParser", "RoleKitEndpoints",
                "RoleKitSigning", "RoleKitIdentity", "RoleKitTransport", "RoleKitServices", "RoleKitCredentials",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "rolekit-emulator",
            dependencies: ["RoleKitEmulatorCLI"],
            swiftSettings: strictSettings
        ),
        // With the default traits, depending on the rolekit-emulator executable builds it with
        // rolekit (`swift run rolekit quickstart` needs it next to rolekit); SwiftPM then links
        // its modules into rolekit too, so release builds turn the trait off (scripts/release).
        .executableTarget(
            name: "rolekit",
            dependencies: ["RoleKitCLI", .target(name: "rolekit-emulator", condition: .when(traits: ["BuildEmulatorWithRolekit"]))],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RoleKitTesting",
            dependencies: [
                "RoleKitTransport",
                "RoleKitCredentials",
                "RoleKitEndpoints",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Not a product: needs this checkout (scripts/reference, ../shared, .venv, the built rolekit).
        .target(
            name: "RoleKitTestSupport",
            dependencies: [
                "RoleKitSupport", "RoleKitTesting", "RoleKitTransport", "RoleKitServices", "RoleKitIdentity", "RoleKitCredentials", "RoleKitEmulator",
                .product(name: "X509", package: "swift-certificates"),
            ],
            path: "Tests/RoleKitTestSupport",
            swiftSettings: strictSettings
        ),
        testTarget("RoleKitSupportTests", ["RoleKitSupport"]),
        testTarget("RoleKitSigningTests", ["RoleKitSigning", "RoleKitIdentity", .product(name: "Crypto", package: "swift-crypto")]),
        testTarget("RoleKitIdentityTests", ["RoleKitIdentity", "RoleKitSigning", .product(name: "SwiftASN1", package: "swift-asn1")]),
        testTarget("RoleKitTransportTests", libraryLayers),
        testTarget("RoleKitServicesTests", libraryLayers),
        testTarget("RoleKitCredentialsTests", libraryLayers + ["RoleKitEndpoints"]),
        testTarget("RoleKitEndpointsTests", libraryLayers + ["RoleKitEndpoints"]),
        testTarget("RoleKitEmulatorTests", ["RoleKitEmulator", "RoleKitServices", "RoleKitTransport", "RoleKitSigning", .product(name: "Crypto", package: "swift-crypto")]),
        testTarget("RoleKitArgumentParserTests", ["RoleKitArgumentParser", "RoleKitCredentials", "RoleKitTransport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        testTarget("RoleKitCLITests", ["rolekit", "rolekit-emulator", "RoleKitEmulatorCLI", "RoleKitEmulator", "RoleKitCredentials", "RoleKitArgumentParser", "RoleKitCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    ]
)

/// The modules the credential-layer suites exercise together (the emulator is their server).
var libraryLayers: [Target.Dependency] {
    ["RoleKitCredentials", "RoleKitServices", "RoleKitTransport", "RoleKitEmulator", "RoleKitIdentity", "RoleKitSigning"]
}

/// A test target of one module: its own dependencies plus the test helpers every suite shares.
func testTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(
        name: name,
        dependencies: dependencies + ["RoleKitTesting", "RoleKitTestSupport", .product(name: "X509", package: "swift-certificates")],
        swiftSettings: strictSettings
    )
}
