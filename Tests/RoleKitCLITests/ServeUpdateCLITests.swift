import Foundation
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// `rolekit serve` and `rolekit update` with real consumers: boto3 and the AWS CLI (venv) get
/// their credentials from them and call the emulator's STS with those credentials.
@Suite("serve and update with boto3 and the AWS CLI", .serialized)
struct ServeUpdateCLITests {
    static let role = "arn:aws:iam::123456789012:role/served"

    /// A background `rolekit` process and the lines it printed first.
    final class Background {
        let process = Process()
        let banner: String

        init(_ arguments: [String], until marker: String, environment: [String: String]? = nil) async throws {
            process.executableURL = URL(fileURLWithPath: TestEnvironment.rolekitBinary)
            process.arguments = arguments
            if let environment { process.environment = environment }
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            banner = await Subprocess.readUntil(output, marker: marker)
        }

        func word(containing part: String) -> String? {
            banner.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "=" }).first { $0.contains(part) }.map(String.init)
        }

        /// SIGTERM without waiting (for `defer`).
        func stop() {
            if process.isRunning { process.terminate() }
        }

        /// SIGTERM, then the exit status (waited for off the cooperative threads).
        func stopAndWait() async -> Int32 {
            stop()
            return await Subprocess.waitForExit(process)
        }
    }

    /// The emulator with the test PKI's CA bundle and one profile for `role`.
    static func emulator() async throws -> (Background, endpoint: String, anchor: String, profile: String) {
        let pki = TestPKI.shared
        let emulator = try await Background(["emulator", "--trust-anchor", pki.path("ca-bundle.pem"), "--role-arn", role, "--port", "0"], until: "role ")
        let endpoint = try #require(emulator.word(containing: "http://127.0.0.1:"))
        let anchor = try #require(emulator.word(containing: ":trust-anchor/"))
        let profile = try #require(emulator.word(containing: ":profile/"))
        return (emulator, endpoint, anchor, profile)
    }

    static func rolesAnywhereFlags(anchor: String, profile: String, endpoint: String, role: String = ServeUpdateCLITests.role) -> [String] {
        let pki = TestPKI.shared
        return [
            "--certificate", pki.path("p256.pem"), "--private-key", pki.path("p256.pkcs8.key"), "--intermediates", pki.path("intermediate-ca.pem"),
            "--trust-anchor-arn", anchor, "--profile-arn", profile, "--role-arn", role, "--endpoint", endpoint, "--session-duration", "900",
        ]
    }

    /// An environment with no credentials of its own.
    static func cleanEnvironment(_ extra: [String: String]) -> [String: String] {
        var environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials", "AWS_DEFAULT_REGION": "us-east-1"]
        environment.merge(extra) { $1 }
        return environment
    }

    /// boto3: which provider answered and who the emulator's STS says the caller is.
    static func boto3(_ environment: [String: String], endpoint: String) async throws -> (method: String, arn: String) {
        let script = "import boto3,sys; s=boto3.Session(); c=s.get_credentials(); print(c.method); print(s.client('sts', endpoint_url=sys.argv[1]).get_caller_identity()['Arn'])"
        let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", script, endpoint], environment: cleanEnvironment(environment))
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        return (lines.first ?? "", lines.dropFirst().first ?? "")
    }

    /// The AWS CLI's `sts get-caller-identity` at the emulator.
    static func awsCLI(_ environment: [String: String], endpoint: String, profile: String? = nil) async throws -> String {
        var arguments = [TestEnvironment.python, "-m", "awscli", "sts", "get-caller-identity", "--endpoint-url", endpoint, "--output", "json"]
        if let profile { arguments += ["--profile", profile] }
        let result = try await Subprocess.runAsync(arguments, environment: cleanEnvironment(environment))
        #expect(result.status == 0, "\(result.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: String])?["Arn"] ?? ""
    }

    /// A HOME whose config is `config`, whose credentials file is the emulator's admin key
    /// (profile `rolekit-emulator`) and whose STS is the emulator; removed when released.
    final class EmulatorProfileHome {
        let folder = NSTemporaryDirectory() + "rolekit-profile-home-\(UUID().uuidString)"
        let environment: [String: String]

        init(_ emulator: Background, endpoint: String, config: String, extra: [String: String] = [:]) throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let adminFile = try #require(emulator.word(containing: "/admin-credentials"))
            try config.write(toFile: folder + "/config", atomically: true, encoding: .utf8)
            environment = ServeUpdateCLITests.cleanEnvironment([
                "HOME": folder, "AWS_CONFIG_FILE": folder + "/config", "AWS_SHARED_CREDENTIALS_FILE": adminFile, "AWS_ENDPOINT_URL_STS": endpoint, "AWS_EC2_METADATA_DISABLED": "true",
            ].merging(extra) { $1 })
        }
        deinit { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// A new file holding a random container Authorization token (the caller removes it).
    static func containerTokenFile() throws -> String {
        let tokenFile = NSTemporaryDirectory() + "rolekit-serve-token-\(UUID().uuidString)"
        try "container-token-\(UUID().uuidString)".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        return tokenFile
    }

    @Test func serveIMDSForBoto3AndTheAWSCLI() async throws {
        let (emulator, endpoint, anchor, profile) = try await Self.emulator()
        defer { emulator.stop() }
        let serve = try await Background(["serve", "--port", "0", "--hop-limit", "1"] + Self.rolesAnywhereFlags(anchor: anchor, profile: profile, endpoint: endpoint), until: "AWS_EC2_METADATA_SERVICE_ENDPOINT")
        let url = try #require(serve.word(containing: "http://127.0.0.1:") .map { $0.hasSuffix("/") ? $0 : $0 + "/" })
        let environment = ["AWS_EC2_METADATA_SERVICE_ENDPOINT": url]
        let (method, arn) = try await Self.boto3(environment, endpoint: endpoint)
        #expect(method == "iam-role")
        #expect(arn.hasPrefix("arn:aws:sts::123456789012:assumed-role/served/"))
        #expect(try await Self.awsCLI(environment, endpoint: endpoint).hasPrefix("arn:aws:sts::123456789012:assumed-role/served/"))
        #expect(await serve.stopAndWait() == 0, "SIGTERM stops serve cleanly")
    }

    /// serve from a profile that is an assume-role chain (the emulator's STS assumes the role
    /// with its admin key), then boto3 through IMDS.
    @Test func serveFromAnAssumeRoleProfile() async throws {
        let (emulator, endpoint, _, _) = try await Self.emulator()
        defer { emulator.stop() }
        // The base credentials are the emulator's generated admin key, from the file it wrote.
        let home = try EmulatorProfileHome(emulator, endpoint: endpoint, config: """
        [profile chain]
        role_arn = arn:aws:iam::123456789012:role/via-profile
        source_profile = rolekit-emulator
        role_session_name = served-chain
        """)
        defer { withExtendedLifetime(home) {} }
        let environment = home.environment
        let serve = try await Background(["serve", "--port", "0", "--profile", "chain"], until: "AWS_EC2_METADATA_SERVICE_ENDPOINT", environment: environment)
        let url = try #require(serve.word(containing: "http://127.0.0.1:").map { $0 + "/" })
        let (method, arn) = try await Self.boto3(["AWS_EC2_METADATA_SERVICE_ENDPOINT": url], endpoint: endpoint)
        #expect(method == "iam-role")
        #expect(arn == "arn:aws:sts::123456789012:assumed-role/via-profile/served-chain")
        #expect(await serve.stopAndWait() == 0)
    }

    @Test func serveContainerForBoto3AndTheAWSCLI() async throws {
        let (emulator, endpoint, anchor, profile) = try await Self.emulator()
        defer { emulator.stop() }
        let tokenFile = try Self.containerTokenFile()
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        let serve = try await Background(
            ["serve", "--container", "--token-file", tokenFile, "--port", "0"] + Self.rolesAnywhereFlags(anchor: anchor, profile: profile, endpoint: endpoint),
            until: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
        )
        let fullURI = try #require(serve.word(containing: "/credentials"))
        let environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": fullURI, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile]
        let (method, arn) = try await Self.boto3(environment, endpoint: endpoint)
        #expect(method == "container-role")
        #expect(arn.hasPrefix("arn:aws:sts::123456789012:assumed-role/served/"))
        #expect(try await Self.awsCLI(environment, endpoint: endpoint).hasPrefix("arn:aws:sts::123456789012:assumed-role/served/"))
        // A wrong token is refused: boto3 fails to get credentials.
        var wrong = environment
        wrong["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = nil
        wrong["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "not-the-token"
        let refused = try await Subprocess.runAsync([TestEnvironment.python, "-c", "import boto3; boto3.Session().get_credentials()"], environment: Self.cleanEnvironment(wrong))
        #expect(refused.status != 0)
        #expect(await serve.stopAndWait() == 0)
    }

    /// `--address ::1`: IPv6 loopback needs no --allow-non-loopback; botocore (which accepts
    /// any loopback address for the full URI) and the AWS CLI get credentials over [::1], and
    /// IMDS over [::1] works with boto3 too. Skipped, saying so, when this host has no ::1.
    @Test func serveOnIPv6Loopback() async throws {
        let probe = try await Subprocess.runAsync([TestEnvironment.python, "-c", "import socket; s=socket.socket(socket.AF_INET6); s.bind(('::1', 0)); print('ok')"])
        guard probe.stdoutText == "ok\n" else {
            print("skipped serveOnIPv6Loopback: this host cannot bind ::1")
            return
        }
        let (emulator, endpoint, anchor, profile) = try await Self.emulator()
        defer { emulator.stop() }
        let tokenFile = try Self.containerTokenFile()
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        let serve = try await Background(
            ["serve", "--container", "--address", "::1", "--token-file", tokenFile, "--port", "0"] + Self.rolesAnywhereFlags(anchor: anchor, profile: profile, endpoint: endpoint),
            until: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
        )
        let fullURI = try #require(serve.word(containing: "/credentials"))
        #expect(fullURI.hasPrefix("http://[::1]:"), "\(serve.banner)")
        let environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": fullURI, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile]
        let (method, arn) = try await Self.boto3(environment, endpoint: endpoint)
        #expect(method == "container-role")
        #expect(arn.hasPrefix("arn:aws:sts::123456789012:assumed-role/served/"))
        #expect(try await Self.awsCLI(environment, endpoint: endpoint).hasPrefix("arn:aws:sts::123456789012:assumed-role/served/"))
        #expect(await serve.stopAndWait() == 0)

        let imds = try await Background(["serve", "--host", "[::1]", "--port", "0"] + Self.rolesAnywhereFlags(anchor: anchor, profile: profile, endpoint: endpoint), until: "AWS_EC2_METADATA_SERVICE_ENDPOINT")
        let url = try #require(imds.word(containing: "http://[::1]:").map { $0.hasSuffix("/") ? $0 : $0 + "/" })
        let viaIMDS = try await Self.boto3(["AWS_EC2_METADATA_SERVICE_ENDPOINT": url], endpoint: endpoint)
        #expect(viaIMDS.method == "iam-role")
        #expect(await imds.stopAndWait() == 0)
    }

    @Test func serveRefusesToStartWithoutCredentialsOrOffLoopback() async throws {
        let (emulator, endpoint, anchor, profile) = try await Self.emulator()
        defer { emulator.stop() }
        let notInProfile = try await Subprocess.rolekitAsync(
            ["serve", "--port", "0"] + Self.rolesAnywhereFlags(anchor: anchor, profile: profile, endpoint: endpoint, role: "arn:aws:iam::123456789012:role/not-listed"),
            environment: Self.cleanEnvironment([:])
        )
        #expect(notInProfile.status == 1)
        #expect(notInProfile.stderr.hasPrefix("rolekit: cannot get the first credentials") && notInProfile.stderr.split(separator: "\n").count == 1, "\(notInProfile.stderr)")
        let remote = try await Subprocess.rolekitAsync(["serve", "--host", "0.0.0.0"] + Self.rolesAnywhereFlags(anchor: anchor, profile: profile, endpoint: endpoint))
        #expect(remote.status == 64 && remote.stderr.contains("--allow-non-loopback"))
        let otherV6 = try await Subprocess.rolekitAsync(["serve", "--address", "::"] + Self.rolesAnywhereFlags(anchor: anchor, profile: profile, endpoint: endpoint))
        #expect(otherV6.status == 64 && otherV6.stderr.contains("--allow-non-loopback"))
        let badTTL = try await Subprocess.rolekitAsync(["serve", "--hop-limit", "0"] + Self.rolesAnywhereFlags(anchor: anchor, profile: profile, endpoint: endpoint))
        #expect(badTTL.status == 64)
    }

    @Test func updateWritesAProfileTheAWSCLIUses() async throws {
        let (emulator, endpoint, anchor, profile) = try await Self.emulator()
        defer { emulator.stop() }
        let home = NSTemporaryDirectory() + "rolekit-update-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: home) }
        // ~/.aws does not exist yet: update creates it 0700 and the file 0600.
        let environment = Self.cleanEnvironment(["HOME": home, "AWS_SHARED_CREDENTIALS_FILE": home + "/.aws/credentials"])
        let first = try await Subprocess.rolekitAsync(["update", "--once", "--profile", "ra"] + Self.rolesAnywhereFlags(anchor: anchor, profile: profile, endpoint: endpoint), environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("wrote [ra]") && !first.stderr.contains("SecretAccessKey"))
        let attributes = try FileManager.default.attributesOfItem(atPath: home + "/.aws/credentials")
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: home + "/.aws")[.posixPermissions] as? Int == 0o700)
        // Other content survives a second update.
        let existing = try String(contentsOfFile: home + "/.aws/credentials", encoding: .utf8)
        try ("# my notes\n[keep]\naws_access_key_id = AKIAKEEP000000000001\naws_secret_access_key = keep\n\n" + existing + "\n[after]\nregion = eu-west-1\n")
            .write(toFile: home + "/.aws/credentials", atomically: false, encoding: .utf8)
        let second = try await Subprocess.rolekitAsync(["update", "--once", "--profile", "ra"] + Self.rolesAnywhereFlags(anchor: anchor, profile: profile, endpoint: endpoint), environment: environment)
        #expect(second.status == 0, "\(second.stderr)")
        let text = try String(contentsOfFile: home + "/.aws/credentials", encoding: .utf8)
        #expect(text.hasPrefix("# my notes\n[keep]\naws_access_key_id = AKIAKEEP000000000001\n"))
        #expect(text.hasSuffix("[after]\nregion = eu-west-1\n"))
        #expect(text.components(separatedBy: "[ra]").count == 2)
        #expect(try await Self.awsCLI(["AWS_SHARED_CREDENTIALS_FILE": home + "/.aws/credentials"], endpoint: endpoint, profile: "ra").hasPrefix("arn:aws:sts::123456789012:assumed-role/served/"))
    }

    /// 20 concurrent `update --once` writers, each its own profile, while a reader parses the
    /// file over and over with botocore's parser: it always parses, nothing is lost, mode 0600.
    @Test func concurrentWritersAndReaders() async throws {
        let home = NSTemporaryDirectory() + "rolekit-update-race-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home + "/.aws", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let file = home + "/.aws/credentials"
        try "# keep this comment\n[other]\naws_access_key_id = AKIAOTHER00000000001\naws_secret_access_key = other\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        try "[profile base]\naws_access_key_id = AKIABASESOURCE00001\naws_secret_access_key = base-secret\n".write(toFile: home + "/config", atomically: true, encoding: .utf8)
        let environment = Self.cleanEnvironment(["HOME": home, "AWS_SHARED_CREDENTIALS_FILE": file, "AWS_CONFIG_FILE": home + "/config"])
        let reader = """
            import sys, time, botocore.configloader as c
            path, deadline, reads, bad = sys.argv[1], time.time() + float(sys.argv[2]), 0, 0
            while time.time() < deadline:
                try:
                    parsed = c.raw_config_parse(path)
                    if "other" not in parsed: bad += 1
                except Exception as e:
                    bad += 1
                reads += 1
            print(reads, bad)
            """
        async let readerResult = Subprocess.runAsync([TestEnvironment.python, "-c", reader, file, "8"], environment: environment)
        try await withThrowingTaskGroup(of: Subprocess.Result.self) { group in
            for index in 0..<20 {
                group.addTask { try await Subprocess.rolekitAsync(["update", "--once", "--profile", "w\(index)", "--source-profile", "base"], environment: environment) }
            }
            for try await result in group { #expect(result.status == 0, "\(result.stderr)") }
        }
        let read = try await readerResult
        let counts = read.stdoutText.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(counts.count == 2 && counts[0] > 10, "reader: \(read.stdoutText) \(read.stderr)")
        #expect(counts.last == 0, "reads that failed to parse or lost [other]: \(read.stdoutText)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("# keep this comment\n[other]\n"))
        for index in 0..<20 { #expect(text.contains("[w\(index)]\naws_access_key_id = AKIABASESOURCE00001\n"), "w\(index)") }
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: home + "/.aws").filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }
}
