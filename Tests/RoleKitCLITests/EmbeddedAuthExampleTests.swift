import Foundation
import RoleKitTestSupport
import Testing

/// `Examples/EmbeddedAuth`: a separate package that embeds `AWSAuthOptions` through the light
/// `RoleKitArgumentParser` product. Built here with SwiftPM, its resolved dependency graph and
/// its build checked for GRDB and Hummingbird (neither may be there), then run against moto.
@Suite("Embedded auth options example", .serialized)
struct EmbeddedAuthExampleTests {
    static let package = TestEnvironment.repositoryRoot.appendingPathComponent("Examples/EmbeddedAuth").path
    /// Its own build folder (git-ignored as `.build*/`), kept between runs so a rerun is incremental.
    static let scratch = TestEnvironment.repositoryRoot.appendingPathComponent(".build-example").path

    /// What SwiftPM needs to run; nothing of AWS.
    static var buildEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        environment["HOME"] = environment["HOME"] ?? NSTemporaryDirectory()
        return environment
    }

    /// `swift TOOL --package-path … --scratch-path … ARGUMENTS` (`build` or `package`).
    static func swiftPM(_ tool: String, _ arguments: [String]) async throws -> Subprocess.Result {
        try await Subprocess.runAsync(["swift", tool, "--package-path", package, "--scratch-path", scratch] + arguments, environment: buildEnvironment)
    }

    /// Every package identity in `show-dependencies --format json`, at any depth.
    static func identities(_ json: Any) -> Set<String> {
        var found: Set<String> = []
        if let object = json as? [String: Any] {
            if let identity = object["identity"] as? String { found.insert(identity) }
            for value in object.values { found.formUnion(identities(value)) }
        } else if let array = json as? [Any] {
            for value in array { found.formUnion(identities(value)) }
        }
        return found
    }

    @Test func buildsWithoutGRDBOrHummingbirdAndRunsAgainstMoto() async throws {
        let build = try await Self.swiftPM("build", ["--product", "embedded-auth"])
        #expect(build.status == 0, "swift build of Examples/EmbeddedAuth failed: \(build.stderr.suffix(4000)) \(build.stdoutText.suffix(4000))")
        guard build.status == 0 else { return }

        // The resolved graph: RoleKit and its library dependencies, not the emulator's.
        let graph = try await Self.swiftPM("package", ["show-dependencies", "--format", "json"])
        #expect(graph.status == 0, "\(graph.stderr)")
        let identities = Self.identities(try JSONSerialization.jsonObject(with: Data(graph.stdout)))
        #expect(identities.contains("swift-argument-parser") && identities.contains("async-http-client"), "\(identities.sorted())")
        #expect(!identities.contains("grdb.swift"), "GRDB is in the example's dependency graph: \(identities.sorted())")
        #expect(!identities.contains("hummingbird"), "Hummingbird is in the example's dependency graph: \(identities.sorted())")
        // And nothing of them was compiled.
        let modules = (try? FileManager.default.contentsOfDirectory(atPath: Self.scratch + "/debug/Modules")) ?? []
        #expect(modules.contains { $0.hasPrefix("RoleKitArgumentParser.") }, "\(modules.sorted())")
        #expect(!modules.contains { $0.hasPrefix("GRDB.") || $0.hasPrefix("Hummingbird") || $0.hasPrefix("RoleKitEmulator.") || $0.hasPrefix("RoleKitCLI.") }, "\(modules.sorted())")

        // It works: explicit keys, then a profile with a role to assume, both against moto.
        let binary = Self.scratch + "/debug/embedded-auth"
        let home = NSTemporaryDirectory() + "rolekit-embedded-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try "[base]\naws_access_key_id = AKIAEMBEDDEDBASE001\naws_secret_access_key = embedded-secret\n".write(toFile: home + "/credentials", atomically: true, encoding: .utf8)
        let environment = ["PATH": "/usr/bin:/bin", "HOME": home, "AWS_EC2_METADATA_DISABLED": "true", "AWS_SHARED_CREDENTIALS_FILE": home + "/credentials", "AWS_CONFIG_FILE": home + "/config"]
        let endpoint = MotoServer.endpoint.absoluteString

        let keys = try await Subprocess.runAsync([binary, "--aws-access-key-id", "AKIAEMBEDDEDKEYS001", "--aws-secret-access-key", "embedded-key-secret", "--endpoint", endpoint, "--region", "us-east-1"], environment: environment)
        #expect(keys.status == 0, "\(keys.stderr)")
        // What boto3 gets from moto for the same keys is the reference.
        let reference = try await Subprocess.runAsync(
            [TestEnvironment.python, "-c", "import boto3,sys; print(boto3.client('sts', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='AKIAEMBEDDEDKEYS001', aws_secret_access_key='embedded-key-secret').get_caller_identity()['Arn'])", endpoint],
            environment: ["PATH": "/usr/bin:/bin", "HOME": home, "AWS_EC2_METADATA_DISABLED": "true"]
        )
        #expect(reference.status == 0, "\(reference.stderr)")
        let expectedArn = reference.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!expectedArn.isEmpty && keys.stdoutText.contains("arn=\(expectedArn)\n"), "\(keys.stdoutText)")
        #expect(keys.stdoutText.contains("source=explicit-keys\n"))
        #expect(!keys.stdoutText.contains("embedded-key-secret") && !keys.stderr.contains("embedded-key-secret"))

        let role = try await Subprocess.runAsync(
            [binary, "--profile", "base", "--role", "arn:aws:iam::123456789012:role/embedded", "--role-session-name", "embedded-1", "--endpoint", endpoint, "--region", "us-east-1"],
            environment: environment
        )
        #expect(role.status == 0, "\(role.stderr)")
        #expect(role.stdoutText.contains("arn=arn:aws:sts::123456789012:assumed-role/embedded/embedded-1\n"), "\(role.stdoutText)")
        #expect(role.stdoutText.contains("source=shared-credentials-file\nlocation=\(home)/credentials\n"), "\(role.stdoutText)")

        // A bad option is the library's validation, exit status 64 as ArgumentParser's.
        let refused = try await Subprocess.runAsync([binary, "--mfa-token", "12"], environment: environment)
        #expect(refused.status == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains("--mfa-token must be the 6 digits"))
    }
}
