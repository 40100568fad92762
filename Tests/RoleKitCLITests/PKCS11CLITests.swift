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
        let configuration = EmulatorConfiguration(
            trustAnchors: [.init(id: "token", name: "token", certificateBundle: directory + "/ca.pem")],
            profiles: [.init(id: "token", name: "token", roleArns: [role])]
        )
        let server = EmulatorServer(rolesAnywhere: try RolesAnywhereEmulator(configuration: configuration))
        let port = try await server.start()
        try await withTeardown({ try await body("http://127.0.0.1:\(port)") }, teardown: { await server.stop() })
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
}
