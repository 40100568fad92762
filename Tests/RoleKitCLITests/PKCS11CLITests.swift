import Foundation
import RoleKitEmulator
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// `credential-process`, `sign-string` and `read-certificate-data` with keys and certificates on
/// a real SoftHSM2 token (made by scripts/test), against the emulator; signatures checked by
/// openssl, expected values taken from the token's own files.
@Suite("PKCS#11 from the command line", .serialized)
struct PKCS11CLITests {
    static let module = TestToken.module
    static let role = "arn:aws:iam::123456789012:role/token-role"
    static var tokenDirectory: String? { TestToken.directory }
    static var hasToken: Bool { TestToken.isAvailable }
    static let skipReason = Comment(rawValue: TestToken.skipReason)

    static func environment(_ directory: String, pin: String = "1234") -> [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "SOFTHSM2_CONF": directory + "/softhsm2.conf", "ROLEKIT_TEST_PIN": pin]
    }

    /// An emulator trusting the token's CA, with a profile for `role`.
    static func withTokenEmulator(_ directory: String, _ body: (String) async throws -> Void) async throws {
        try await HardwareKeyFixtures.withEmulator(trusting: directory + "/ca.pem", id: "token", role: role) { endpoint, _ in try await body(endpoint) }
    }

    static func credentialProcess(_ endpoint: String, certificate: String, key: String? = nil) -> [String] {
        ["credential-process", "--certificate", certificate] + (key.map { ["--private-key", $0] } ?? []) + [
            "--pkcs11-lib", module, "--pin-env", "ROLEKIT_TEST_PIN",
            "--trust-anchor-arn", "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/token",
            "--profile-arn", "arn:aws:rolesanywhere:us-east-1:123456789012:profile/token", "--role-arn", role, "--endpoint", endpoint,
        ]
    }

    @Test(.enabled(if: hasToken, skipReason), arguments: ["rsa2048", "ec256", "ec384"])
    func credentialProcessWithTheCertificateAndKeyOnTheToken(_ label: String) async throws {
        let directory = try #require(Self.tokenDirectory)
        try await Self.withTokenEmulator(directory) { endpoint in
            let result = try await Subprocess.rolekitAsync(Self.credentialProcess(endpoint, certificate: "pkcs11:token=rk-test;object=\(label)"), environment: Self.environment(directory))
            #expect(result.status == 0, "\(result.stderr)")
            let output = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any]
            #expect(output?["Version"] as? Int == 1)
            #expect((output?["AccessKeyId"] as? String)?.hasPrefix("ASIA") == true)
        }
    }

    @Test(.enabled(if: hasToken, skipReason))
    func aCertificateFileWithATokenKeyAndFailures() async throws {
        let directory = try #require(Self.tokenDirectory)
        try await Self.withTokenEmulator(directory) { endpoint in
            let hybrid = try await Subprocess.rolekitAsync(
                Self.credentialProcess(endpoint, certificate: directory + "/ec256.pem", key: "pkcs11:token=rk-test;id=%02"), environment: Self.environment(directory)
            )
            #expect(hybrid.status == 0, "\(hybrid.stderr)")
            let wrong = try await Subprocess.rolekitAsync(Self.credentialProcess(endpoint, certificate: "pkcs11:token=rk-test;object=ec256"), environment: Self.environment(directory, pin: "9999"))
            #expect(wrong.status == 1)
            #expect(wrong.stderr.contains("PIN") && !wrong.stderr.contains("9999"), "\(wrong.stderr)")
            #expect(wrong.stderr.split(separator: "\n").count == 1)
            var noModule = Self.credentialProcess(endpoint, certificate: "pkcs11:token=rk-test;object=ec256")
            noModule[noModule.firstIndex(of: Self.module) ?? 0] = "/nonexistent/libpkcs11.so"
            let missing = try await Subprocess.rolekitAsync(noModule, environment: Self.environment(directory))
            #expect(missing.status == 1 && missing.stderr.contains("Failed to load provider library /nonexistent/libpkcs11.so"), "\(missing.stderr)")
        }
    }

    @Test(.enabled(if: hasToken, skipReason))
    func readCertificateDataAndSignStringFromTheToken() async throws {
        let directory = try #require(Self.tokenDirectory)
        let uri = "pkcs11:token=rk-test;object=ec256"
        let read = try await Subprocess.rolekitAsync(["read-certificate-data", "--certificate", uri, "--pkcs11-lib", Self.module, "--pin-env", "ROLEKIT_TEST_PIN"], environment: Self.environment(directory))
        #expect(read.status == 0, "\(read.stderr)")
        let data = try JSONSerialization.jsonObject(with: Data(read.stdout)) as? [String: Any]
        #expect(data?["certificateData"] as? String == (try Data(contentsOf: URL(fileURLWithPath: directory + "/ec256.der"))).base64EncodedString())
        // sign-string signs aws_signing_helper's payload: its text, "1", SHA-256("IAM RA" + the raw public key).
        let signed = try await Subprocess.rolekitAsync(["sign-string", "--certificate", uri, "--pkcs11-lib", Self.module, "--pin-env", "ROLEKIT_TEST_PIN", "--format", "bin"], environment: Self.environment(directory))
        #expect(signed.status == 0, "\(signed.stderr)")
        let work = NSTemporaryDirectory() + "rolekit-p11-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try Data(signed.stdout).write(to: URL(fileURLWithPath: work + "/sig"))
        let payload = "import hashlib, sys; point = open(sys.argv[1], 'rb').read()[-65:]; open(sys.argv[2], 'wb').write(b'AWS Roles Anywhere Credential Helper Signing Test1' + hashlib.sha256(b'IAM RA' + point).digest())"
        #expect(try await Subprocess.runAsync([TestEnvironment.python, "-c", payload, directory + "/ec256.pub.der", work + "/msg"]).status == 0)
        let verify = try await Subprocess.runAsync(["openssl", "dgst", "-sha256", "-verify", directory + "/ec256.pub.pem", "-signature", work + "/sig", work + "/msg"])
        #expect(verify.stdoutText.contains("Verified OK"), "\(verify.stdoutText) \(verify.stderr)")
    }

    /// `serve` with a token key while the token is pulled and put back. The emulator issues
    /// sessions that expire 20 s after issue; serve's first refresh comes between 1 s (5% of the
    /// lifetime) and 10 s, and the token is pulled as soon as serve is listening, so every
    /// refresh attempt in the next 12 s fails and the last credentials are still served. Failed
    /// attempts are retried within half of those credentials' remaining life, so once the
    /// token is back new ones arrive. The token is a private copy of the run's (its own
    /// SOFTHSM2_CONF), so pulling it touches no other test.
    @Test(.enabled(if: hasToken, skipReason))
    func aTokenPulledDuringServeKeepsTheLastCredentialsAndRecovers() async throws {
        let directory = try #require(Self.tokenDirectory)
        let work = NSTemporaryDirectory() + "rolekit-p11-pull-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work + "/tokens", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        for name in try FileManager.default.contentsOfDirectory(atPath: directory + "/tokens") {
            try FileManager.default.copyItem(atPath: directory + "/tokens/" + name, toPath: work + "/tokens/" + name)
        }
        let tokenFolder = try #require(try FileManager.default.contentsOfDirectory(atPath: work + "/tokens").first)
        try "directories.tokendir = \(work)/tokens\nobjectstore.backend = file\nlog.level = ERROR\n".write(toFile: work + "/softhsm2.conf", atomically: true, encoding: .utf8)
        try "container-token-EXAMPLE-\(UUID().uuidString)".write(toFile: work + "/authorization", atomically: true, encoding: .utf8)
        try await HardwareKeyFixtures.withEmulator(trusting: directory + "/ca.pem", id: "token", role: Self.role, sessionLifetimeSeconds: 20) { endpoint, emulator in
            var environment = Self.environment(directory)
            environment["SOFTHSM2_CONF"] = work + "/softhsm2.conf"
            let serve = try await ServeUpdateCLITests.Background(
                ["serve", "--container", "--token-file", work + "/authorization", "--port", "0"]
                    + Self.credentialProcess(endpoint, certificate: "pkcs11:token=rk-test;object=ec256").dropFirst(),
                until: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", environment: environment
            )
            defer { serve.stop() }
            try FileManager.default.moveItem(atPath: work + "/tokens/" + tokenFolder, toPath: work + "/pulled")
            let uri = try #require(serve.word(containing: "/credentials"))
            /// The AccessKeyId serve answers with now.
            func served() async throws -> String {
                let script = "import json, sys, urllib.request; r = urllib.request.Request(sys.argv[1], headers={'Authorization': open(sys.argv[2]).read()}); print(json.load(urllib.request.build_opener(urllib.request.ProxyHandler({})).open(r, timeout=20))['AccessKeyId'])"
                let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", script, uri, work + "/authorization"])
                #expect(result.status == 0, "\(result.stderr)")
                return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let first = try await served()
            #expect(first.hasPrefix("ASIA"))
            try await Task.sleep(for: .seconds(10.5))
            #expect(try await served() == first, "the refresh without the token must keep the last credentials")
            try await Task.sleep(for: .seconds(1))
            #expect(try await served() == first)
            #expect(emulator.issuedSessions.count == 1, "no session can be signed while the token is out")
            try FileManager.default.moveItem(atPath: work + "/pulled", toPath: work + "/tokens/" + tokenFolder)
            try await Task.sleep(for: .seconds(9))
            let second = try await served()
            #expect(second.hasPrefix("ASIA") && second != first, "after the token is back, new credentials")
            // One session after the token came back, perhaps a second one (20 s sessions are
            // refreshed after 5–10 s); a refresh loop would have made many more.
            #expect((2...3).contains(emulator.issuedSessions.count), "\(emulator.issuedSessions.count) sessions")
        }
    }

    /// Without a PIN flag the PIN is asked on the terminal, echo off (the helper's prompt).
    @Test(.enabled(if: hasToken, skipReason))
    func thePINIsAskedOnTheTerminalWithoutEcho() async throws {
        let directory = try #require(Self.tokenDirectory)
        let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/reference/tty_prompt.py").path
        let result = try await Subprocess.runAsync(
            [TestEnvironment.python, script, "--answer", "1234", "--", TestEnvironment.rolekitBinary, "sign-string", "--certificate", "pkcs11:token=rk-test;object=ec256", "--pkcs11-lib", Self.module, "--format", "text"],
            environment: Self.environment(directory)
        )
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        #expect(result.stdoutText.contains("Please enter your user PIN:"), "\(result.stdoutText)")
        // The signature is the one long hex run; the PIN appears nowhere else.
        let withoutSignature = result.stdoutText.replacing(/[0-9a-f]{40,}/, with: "")
        #expect(withoutSignature.count < result.stdoutText.count - 100, "a signature was printed")
        #expect(!withoutSignature.contains("1234"), "\(withoutSignature)")
    }
}
