import Foundation
import RoleKitEmulator
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// `rolekit credential-process`, `emulator` and `quickstart` run as users and SDKs run them,
/// against the emulator on loopback.
@Suite("credential-process and emulator commands", .serialized)
struct CredentialProcessCLITests {
    static let role = "arn:aws:iam::123456789012:role/rolekit-cli"
    static let anchorArn = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/root"
    static let profileArn = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/main"

    /// Starts an emulator trusting the test root CA, runs `body`, stops it.
    func withEmulator(_ body: (RolesAnywhereEmulator, String) async throws -> Void) async throws {
        let pki = TestPKI.shared
        let emulator = try RolesAnywhereEmulator(configuration: EmulatorConfiguration(
            trustAnchors: [.init(id: "root", name: "root", certificateBundle: pki.path("root-ca.pem"))],
            profiles: [.init(id: "main", name: "main", roleArns: [Self.role])]
        ))
        let server = EmulatorServer(rolesAnywhere: emulator)
        let port = try await server.start()
        do {
            try await body(emulator, "http://127.0.0.1:\(port)")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    func arguments(endpoint: String, certificate: String = "p256.pem", key: String = "p256.pkcs8.key", extra: [String] = []) -> [String] {
        let pki = TestPKI.shared
        return [
            "credential-process",
            "--certificate", pki.path(certificate), "--private-key", pki.path(key), "--intermediates", pki.path("intermediate-ca.pem"),
            "--trust-anchor-arn", Self.anchorArn, "--profile-arn", Self.profileArn, "--role-arn", Self.role, "--endpoint", endpoint,
        ] + extra
    }

    struct Output: Decodable {
        var Version: Int
        var AccessKeyId: String
        var SecretAccessKey: String
        var SessionToken: String
        var Expiration: String
    }

    @Test func printsExactlyTheVersion1JSON() async throws {
        try await withEmulator { emulator, endpoint in
            let result = try await Subprocess.rolekitAsync(arguments(endpoint: endpoint))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.isEmpty)
            let text = result.stdoutText
            #expect(text.hasSuffix("}\n") && text.filter { $0 == "\n" }.count == 1)
            // Member order as aws_signing_helper prints it.
            let order = ["\"Version\":1", "\"AccessKeyId\":", "\"SecretAccessKey\":", "\"SessionToken\":", "\"Expiration\":"].map { text.range(of: $0)?.lowerBound }
            #expect(order.allSatisfy { $0 != nil })
            #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout)) as! [String: Any]
            #expect(Set(json.keys) == ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"])
            let output = try JSONDecoder().decode(Output.self, from: Data(result.stdout))
            #expect(output.Version == 1)
            #expect(emulator.issuedSessions.map(\.accessKeyId) == [output.AccessKeyId])
            #expect(output.Expiration.hasSuffix("Z") && ISO8601DateFormatter().date(from: output.Expiration) != nil)
        }
    }

    @Test(arguments: ["rsa2048", "p384"])
    func otherKeyTypes(_ leaf: String) async throws {
        try await withEmulator { emulator, endpoint in
            let result = try await Subprocess.rolekitAsync(arguments(endpoint: endpoint, certificate: "\(leaf).pem", key: "\(leaf).pkcs8.key"))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(emulator.issuedSessions.count == 1)
        }
    }

    @Test func encryptedKeyWithPassphraseFlag() async throws {
        try await withEmulator { emulator, endpoint in
            let result = try await Subprocess.rolekitAsync(arguments(endpoint: endpoint, key: "p256.pbes2-sha256-aes256.key", extra: ["--pkcs8-password", TestPKI.passphrase]))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(emulator.issuedSessions.count == 1)
        }
    }

    struct Failure: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: @Sendable (String) -> [String]
        var message: String
        var testDescription: String { name }
    }

    static func base(_ endpoint: String, certificate: String = "p256.pem", key: String = "p256.pkcs8.key", anchor: String = anchorArn, profile: String = profileArn, role: String = role) -> [String] {
        let pki = TestPKI.shared
        return [
            "credential-process", "--certificate", pki.path(certificate), "--private-key", pki.path(key), "--intermediates", pki.path("intermediate-ca.pem"),
            "--trust-anchor-arn", anchor, "--profile-arn", profile, "--role-arn", role, "--endpoint", endpoint,
        ]
    }

    static let failures: [Failure] = {
        return [
            Failure(name: "untrusted certificate", arguments: { Self.base($0, certificate: "other-leaf.pem", key: "other-leaf.key") }, message: "Untrusted"),
            Failure(name: "role not in profile", arguments: { Self.base($0, role: "arn:aws:iam::123456789012:role/other") }, message: "AccessDeniedException"),
            Failure(name: "ARN typo", arguments: { Self.base($0, anchor: "arn:aws:rolesanywhere:us-east-1:123456789012:trustanchor/root") }, message: "trust-anchor"),
            Failure(name: "role ARN of a user", arguments: { Self.base($0, role: "arn:aws:iam::123456789012:user/bob") }, message: "IAM role ARN"),
            Failure(name: "missing certificate", arguments: { Self.base($0, certificate: "does-not-exist.pem") }, message: "does not exist"),
            Failure(name: "wrong passphrase", arguments: { Self.base($0, key: "p256.pbes2-sha256-aes256.key") + ["--pkcs8-password", "wrong-secret-value"] }, message: "passphrase"),
            Failure(name: "key of another certificate", arguments: { Self.base($0, key: "p384.pkcs8.key") }, message: "does not belong to the certificate"),
            Failure(name: "duration out of range", arguments: { Self.base($0) + ["--session-duration", "60"] }, message: "900"),
            Failure(name: "nothing listening", arguments: { _ in Self.base("http://127.0.0.1:1") }, message: "127.0.0.1:1"),
            Failure(name: "malformed endpoint", arguments: { _ in Self.base("http://") }, message: "--endpoint"),
            Failure(name: "missing flag", arguments: { Array(Self.base($0).dropLast(2)).filter { $0 != "--role-arn" && $0 != role } }, message: "--role-arn"),
        ]
    }()

    @Test(arguments: failures)
    func failsWithOneLine(_ failure: Failure) async throws {
        try await withEmulator { emulator, endpoint in
            let result = try await Subprocess.rolekitAsync(failure.arguments(endpoint), environment: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()])
            #expect(result.status != 0)
            #expect(!result.signalled)
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "stderr: \(result.stderr)")
            #expect(result.stderr.hasPrefix("rolekit: "))
            #expect(result.stderr.contains(failure.message), "stderr: \(result.stderr)")
            #expect(!result.stderr.contains("wrong-secret-value"))
            #expect(emulator.issuedSessions.isEmpty)
        }
    }

    /// Twenty AWS CLI commands starting at once on a cold cache: the per-entry lock makes one
    /// of them call CreateSession, the others read what it cached.
    @Test func concurrentColdCacheRunsMakeOneCreateSession() async throws {
        try await withEmulator { emulator, endpoint in
            let directory = NSTemporaryDirectory() + "rolekit-cache-race-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let args = arguments(endpoint: endpoint, extra: ["--cache", "--cache-dir", directory, "--debug"])
            let results = try await withThrowingTaskGroup(of: Subprocess.Result.self) { group in
                for _ in 0..<20 { group.addTask { try await Subprocess.rolekitAsync(args) } }
                var all: [Subprocess.Result] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
            #expect(Set(results.map(\.stdout)).count == 1, "every run printed the same credentials")
            // Counted per process from --debug: exactly one sent CreateSession; the other 19 read
            // its entry. (The emulator's own count can be higher when that one process retried
            // an attempt that timed out on a loaded machine.)
            let marker = "[RoleKitTransport] request"
            var fetchers: [Subprocess.Result] = []
            for result in results where result.stderr.range(of: marker) != nil { fetchers.append(result) }
            #expect(fetchers.count == 1, "\(fetchers.count) processes called CreateSession: \(results.map { $0.stderr.range(of: marker) != nil })")
            // The other 19 read the entry: after waiting on the lock, or (when they started after
            // it was written) straight from the cache, on the synchronous fast path or not.
            let readers = results.filter { $0.stderr.contains("using credentials another process cached") || $0.stderr.contains("using cached credentials") }
            #expect(readers.count == 19, "\(results.map(\.stderr))")
            #expect(readers.allSatisfy { $0.stderr.range(of: marker) == nil })
            let attempts = fetchers.first.map { $0.stderr.components(separatedBy: "[RoleKitTransport] request").count - 1 } ?? 0
            #expect(emulator.issuedSessions.count >= 1 && emulator.issuedSessions.count <= attempts)
        }
    }

    @Test func cacheReusesCredentialsFromA0600File() async throws {
        try await withEmulator { emulator, endpoint in
            let directory = NSTemporaryDirectory() + "rolekit-cache-\(UUID().uuidString)/nested"
            defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
            let args = arguments(endpoint: endpoint, extra: ["--cache", "--cache-dir", directory])
            let first = try await Subprocess.rolekitAsync(args)
            #expect(first.status == 0, "\(first.stderr)")
            let second = try await Subprocess.rolekitAsync(args)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(first.stdout == second.stdout)
            #expect(emulator.issuedSessions.count == 1, "the second run is served from the cache")
            // The entry, and the lock taken around a miss (a 0600 regular file too).
            let all = try FileManager.default.contentsOfDirectory(atPath: directory)
            #expect(all.filter { $0.hasSuffix(".json.lock") }.count == 1)
            let files = all.filter { !$0.hasSuffix(".lock") }
            #expect(files.count == 1)
            let file = directory + "/" + files[0]
            let fileMode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            let directoryMode = try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int
            #expect(fileMode == 0o600)
            #expect(directoryMode == 0o700)
            // Other inputs (another role session length) do not share the entry.
            let longer = try await Subprocess.rolekitAsync(arguments(endpoint: endpoint, extra: ["--cache", "--cache-dir", directory, "--session-duration", "1800"]))
            #expect(longer.status == 0, "\(longer.stderr)")
            #expect(emulator.issuedSessions.count == 2)
            // A corrupt entry is a miss and is replaced.
            try Data("{not json".utf8).write(to: URL(fileURLWithPath: file))
            let third = try await Subprocess.rolekitAsync(args)
            #expect(third.status == 0, "\(third.stderr)")
            #expect(emulator.issuedSessions.count == 3)
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(third.stdout.dropLast()))
        }
    }

    @Test func cacheEntryCloseToExpiryIsRefreshed() async throws {
        try await withEmulator { emulator, endpoint in
            let directory = NSTemporaryDirectory() + "rolekit-cache-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            // 900-second sessions are inside the 15-minute reuse threshold at once.
            let args = arguments(endpoint: endpoint, extra: ["--cache", "--cache-dir", directory, "--session-duration", "900"])
            _ = try await Subprocess.rolekitAsync(args)
            _ = try await Subprocess.rolekitAsync(args)
            #expect(emulator.issuedSessions.count == 2)
        }
    }

    @Test func debugLogsStepsButNoSecrets() async throws {
        try await withEmulator { _, endpoint in
            let result = try await Subprocess.rolekitAsync(arguments(endpoint: endpoint, key: "p256.pbes2-sha256-aes256.key", extra: ["--debug", "--pkcs8-password", "wrong-secret-value-no"]))
            #expect(result.status != 0)
            #expect(!result.stderr.contains("wrong-secret-value-no"))
            let ok = try await Subprocess.rolekitAsync(arguments(endpoint: endpoint, extra: ["--debug"]))
            #expect(ok.status == 0, "\(ok.stderr)")
            let output = try JSONDecoder().decode(Output.self, from: Data(ok.stdout))
            #expect(ok.stderr.contains("CreateSession"))
            #expect(ok.stderr.contains("status=201"))
            #expect(ok.stderr.contains(output.AccessKeyId))
            #expect(!ok.stderr.contains(output.SecretAccessKey))
            #expect(!ok.stderr.contains(output.SessionToken))
            #expect(!ok.stderr.contains(String(output.SessionToken.prefix(40))))
        }
    }

    @Test func noVerifySSLWarns() async throws {
        try await withEmulator { _, endpoint in
            let result = try await Subprocess.rolekitAsync(arguments(endpoint: endpoint, extra: ["--no-verify-ssl"]))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("warning") && result.stderr.contains("--no-verify-ssl"))
        }
    }

    @Test func botoUsesItAsCredentialProcess() async throws {
        try await withEmulator { emulator, endpoint in
            let folder = NSTemporaryDirectory() + "rolekit-boto-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let command = ([TestEnvironment.rolekitBinary] + arguments(endpoint: endpoint)).map { $0.contains(" ") ? "\"\($0)\"" : $0 }.joined(separator: " ")
            let config = "[profile roles-anywhere]\nregion = us-east-1\ncredential_process = \(command)\n"
            try config.write(toFile: folder + "/config", atomically: true, encoding: .utf8)
            let script = """
                import boto3
                session = boto3.Session(profile_name="roles-anywhere")
                credentials = session.get_credentials().get_frozen_credentials()
                print(credentials.access_key)
                print("token" if credentials.token else "no token")
                """
            let environment = [
                "PATH": "/usr/bin:/bin", "HOME": folder,
                "AWS_CONFIG_FILE": folder + "/config", "AWS_SHARED_CREDENTIALS_FILE": folder + "/credentials",
            ]
            let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", script], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdoutText.split(separator: "\n").map(String.init)
            #expect(lines.count == 2)
            #expect(lines.first == emulator.issuedSessions.first?.accessKeyId)
            #expect(lines.last == "token")
        }
    }

    @Test func emulatorCommandServesCreateSession() async throws {
        let pki = TestPKI.shared
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.rolekitBinary)
        process.arguments = ["emulator", "--trust-anchor", pki.path("ca-bundle.pem"), "--role-arn", Self.role, "--port", "0", "--crl", pki.path("intermediate.crl.pem")]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // The banner: "rolekit emulator listening on http://127.0.0.1:PORT", then the ARNs.
        let banner = await Subprocess.readUntil(output, marker: "role ")
        let endpoint = try #require(banner.split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") }.map { $0.split(separator: "\n")[0] }).description
        let anchor = try #require(banner.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.contains(":trust-anchor/") }).description
        let profile = try #require(banner.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.contains(":profile/") }).description
        let args = [
            "credential-process", "--certificate", pki.path("p384.pem"), "--private-key", pki.path("p384.pkcs8.key"),
            "--trust-anchor-arn", anchor, "--profile-arn", profile, "--role-arn", Self.role, "--endpoint", endpoint,
        ]
        let result = try await Subprocess.rolekitAsync(args)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("\"AccessKeyId\":\"ASIA"))
        // The CRL given on the command line is enforced.
        var revoked = args
        revoked[2] = pki.path("revoked.pem")
        revoked[4] = pki.path("revoked.key")
        let refused = try await Subprocess.rolekitAsync(revoked)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("Untrusted"), "\(refused.stderr)")
        process.terminate()  // SIGTERM: graceful shutdown
        await Subprocess.waitForExit(process)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }

    @Test func quickstartRunsAndCleansUp() async throws {
        let temporary = NSTemporaryDirectory() + "rolekit-quickstart-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let result = try await Subprocess.rolekitAsync(["quickstart"], environment: ["PATH": "/usr/bin:/bin", "TMPDIR": temporary])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("\"AccessKeyId\":\"ASIA"))
        #expect(result.stdoutText.contains("refused as expected: AccessDeniedException: Untrusted"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty, "the throwaway PKI is deleted")
    }

    /// A real CONNECT proxy (scripts/reference/connect_proxy.py) on loopback; its stdout lists
    /// the tunnels it opened.
    final class ConnectProxy: Sendable {
        let process: Process
        let port: Int
        let logPath: String

        init() throws {
            let logPath = NSTemporaryDirectory() + "rolekit-proxy-\(UUID().uuidString).log"
            FileManager.default.createFile(atPath: logPath, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestEnvironment.python)
            process.arguments = [TestEnvironment.referenceScript("connect_proxy.py"), logPath]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            var first = ""
            while !first.contains("\n") {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                first += String(decoding: chunk, as: UTF8.self)
            }
            guard let line = first.split(separator: "\n").first, line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
                process.terminate()
                throw CocoaError(.fileReadCorruptFile)
            }
            self.process = process
            self.port = port
            self.logPath = logPath
        }

        var tunnels: [String] {
            ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: logPath)
        }
    }

    @Test func proxyOnlyWithWithProxy() async throws {
        try await withEmulator { emulator, endpoint in
            let proxy = try ConnectProxy()
            defer { proxy.stop() }
            let environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "HTTPS_PROXY": "http://user:proxy-secret@127.0.0.1:\(proxy.port)"]
            let target = String(endpoint.dropFirst("http://".count))

            // Without --with-proxy the environment is ignored.
            let direct = try await Subprocess.rolekitAsync(arguments(endpoint: endpoint), environment: environment)
            #expect(direct.status == 0, "\(direct.stderr)")
            #expect(proxy.tunnels.isEmpty)
            #expect(emulator.issuedSessions.count == 1)

            // With it, the request is tunnelled through the proxy, with basic auth.
            let proxied = try await Subprocess.rolekitAsync(arguments(endpoint: endpoint, extra: ["--with-proxy"]), environment: environment)
            #expect(proxied.status == 0, "\(proxied.stderr)")
            #expect(emulator.issuedSessions.count == 2)
            #expect(proxy.tunnels == ["CONNECT \(target) AUTH Basic " + Data("user:proxy-secret".utf8).base64EncodedString()])

            // NO_PROXY sends matching hosts direct.
            var bypass = environment
            bypass["NO_PROXY"] = "localhost, 127.0.0.1"
            let bypassed = try await Subprocess.rolekitAsync(arguments(endpoint: endpoint, extra: ["--with-proxy"]), environment: bypass)
            #expect(bypassed.status == 0, "\(bypassed.stderr)")
            #expect(proxy.tunnels.count == 1)
            #expect(emulator.issuedSessions.count == 3)
        }
    }

    @Test func malformedProxySettingIsReportedWithoutItsValue() async throws {
        try await withEmulator { _, endpoint in
            let environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "HTTPS_PROXY": "http://user:proxy-secret@"]
            let result = try await Subprocess.rolekitAsync(arguments(endpoint: endpoint, extra: ["--with-proxy"]), environment: environment)
            #expect(result.status != 0)
            #expect(result.stderr.contains("HTTPS_PROXY"))
            #expect(!result.stderr.contains("proxy-secret"))
        }
    }
}
