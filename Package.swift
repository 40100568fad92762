// swift-tools-version: 6.1
import PackageDescription

// Layers (data flows one way; a lower layer never imports a higher one):
//   1. Signing    RoleKitSigning   SigV4 (HMAC) and SigV4-X509, no I/O
//   2. Identity   RoleKitIdentity  certificates, chains and private keys into one SigningIdentity
//   3. Transport  RoleKitTransport AsyncHTTPClient, timeouts, retries, clock-skew correction
//   4. Services   RoleKitServices  Roles Anywhere (and later STS) clients
//   5. Credentials RoleKitCredentials  the value type, providers, refreshing, caches
//   6. Front ends RoleKitEmulator  local Roles Anywhere service (Hummingbird)
//                 RoleKitEndpoints local credential endpoints (IMDSv2, container) and the credentials-file updater
//                 RoleKitCLI       the `rolekit` command line (executable: rolekit)

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
        .library(name: "RoleKitCLI", targets: ["RoleKitCLI"]),
        .library(name: "RoleKitTesting", targets: ["RoleKitTesting"]),
        .executable(name: "rolekit", targets: ["rolekit"]),
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
    ],
    targets: [
        .target(
            name: "RoleKitSigning",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RoleKitIdentity",
            dependencies: [
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
            dependencies: ["RoleKitSigning", "RoleKitTransport"],
            // Foundation (not only FoundationEssentials) for XMLParser: STS answers in XML.
            swiftSettings: strictSettings
        ),
        .target(
            name: "RoleKitCredentials",
            dependencies: [
                "RoleKitSigning", "RoleKitIdentity", "RoleKitTransport", "RoleKitServices",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RoleKitEmulator",
            dependencies: [
                "RoleKitSigning",
                "RoleKitServices",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
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
                "RoleKitSigning",
                "RoleKitIdentity",
                "RoleKitCredentials",
                "RoleKitTransport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RoleKitCLI",
            dependencies: [
                "RoleKitEndpoints",
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                "RoleKitSigning",
                "RoleKitIdentity",
                "RoleKitTransport",
                "RoleKitServices",
                "RoleKitCredentials",
                "RoleKitEmulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "rolekit",
            dependencies: ["RoleKitCLI"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RoleKitTesting",
            dependencies: [
                "RoleKitTransport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RoleKitSigningTests",
            dependencies: [
                "RoleKitSigning", "RoleKitIdentity", "RoleKitTesting",
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RoleKitIdentityTests",
            dependencies: [
                "RoleKitIdentity", "RoleKitSigning", "RoleKitTesting",
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RoleKitCredentialsTests",
            dependencies: [
                "RoleKitCredentials", "RoleKitServices", "RoleKitTransport", "RoleKitEmulator", "RoleKitIdentity", "RoleKitSigning", "RoleKitTesting",
                "RoleKitEndpoints",
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RoleKitCLITests",
            dependencies: ["rolekit", "RoleKitTesting", "RoleKitEmulator", "RoleKitCredentials", "RoleKitCLI"],
            swiftSettings: strictSettings
        ),
    ]
)
