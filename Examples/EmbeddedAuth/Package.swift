// swift-tools-version: 6.1
import PackageDescription

// A third-party tool that embeds RoleKit's AWS auth options (awsauthhelper's parser):
// `@OptionGroup var auth: AWSAuthOptions`. It depends on the light RoleKitArgumentParser
// product only (with the credentials and service layers it is built on), so neither GRDB nor
// Hummingbird, which the emulator and the `rolekit` CLI need, is resolved or built.
let package = Package(
    name: "EmbeddedAuth",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "RoleKit", path: "../..", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .executableTarget(
            name: "embedded-auth",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "RoleKitArgumentParser", package: "RoleKit"),
                .product(name: "RoleKitCredentials", package: "RoleKit"),
                .product(name: "RoleKitServices", package: "RoleKit"),
                .product(name: "RoleKitTransport", package: "RoleKit"),
            ],
            path: "Sources/EmbeddedAuth"
        ),
    ],
    swiftLanguageModes: [.v6]
)
