// swift-tools-version: 6.1
import PackageDescription

// Layers (data flows one way; a lower layer never imports a higher one):
//   1. Signing    RoleKitSigning   SigV4 (HMAC) and SigV4-X509, no I/O
//   2. Identity   RoleKitIdentity  certificates, chains and private keys into one SigningIdentity
//   6. Front ends RoleKitCLI       the `rolekit` command line (executable: rolekit)
// Transport, service clients and credentials (layers 3-5) arrive with later issues.

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
        .library(name: "RoleKitTesting", targets: ["RoleKitTesting"]),
        .executable(name: "rolekit", targets: ["rolekit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
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
            name: "RoleKitCLI",
            dependencies: [
                "RoleKitSigning",
                "RoleKitIdentity",
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
            dependencies: [],
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
            name: "RoleKitCLITests",
            dependencies: ["rolekit", "RoleKitTesting"],
            swiftSettings: strictSettings
        ),
    ]
)
