// swift-tools-version: 6.1
import PackageDescription

// Benchmarks for RoleKit, kept out of the main package so its build stays lean.
// Run: cd Benchmarks && swift package benchmark
let package = Package(
    name: "RoleKitBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "RoleKit", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
    ],
    targets: [
        .executableTarget(
            name: "SigningBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RoleKitSigning", package: "RoleKit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            path: "Benchmarks/SigningBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // One signature with a key on a SoftHSM2 token and in swtpm next to a software key;
        // scripts/bench-hardware.sh makes the token and the TPM and runs it.
        .executableTarget(
            name: "HardwareKeyBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RoleKitIdentity", package: "RoleKit"),
                .product(name: "RoleKitSigning", package: "RoleKit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/HardwareKeyBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "CredentialsBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RoleKitCredentials", package: "RoleKit"),
                .product(name: "RoleKitTransport", package: "RoleKit"),
                .product(name: "RoleKitTesting", package: "RoleKit"),
            ],
            path: "Benchmarks/CredentialsBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "EndpointBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RoleKitCredentials", package: "RoleKit"),
                .product(name: "RoleKitEndpoints", package: "RoleKit"),
            ],
            path: "Benchmarks/EndpointBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Not a timing benchmark: 10,000 hosts on the real refresh scheduler, virtual clock.
        .executableTarget(
            name: "FleetSimulation",
            dependencies: [
                .product(name: "RoleKitEndpoints", package: "RoleKit"),
                .product(name: "RoleKitTesting", package: "RoleKit"),
            ],
            path: "Benchmarks/FleetSimulation"
        ),
    ]
)
