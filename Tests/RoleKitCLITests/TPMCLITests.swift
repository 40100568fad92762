import Foundation
import RoleKitEmulator
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// `credential-process` and `sign-string` with keys in a real software TPM (swtpm, started by
/// scripts/test), against the emulator; signatures checked by openssl with the public key the
/// TPM stack exported.
@Suite("TPM 2.0 from the command line", .serialized)
struct TPMCLITests {
    static let role = "arn:aws:iam::123456789012:role/tpm-role"
    static var hasTPM: Bool { TestTPM.isAvailable }
    static let skipReason = Comment(rawValue: TestTPM.skipReason)

    static func environment(password: String = TestTPM.password) -> [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "ROLEKIT_TEST_TPM_PASSWORD": password]
    }

    /// An emulator trusting the TPM fixture's CA, with a profile for `role`.
    static func withTPMEmulator(_ directory: String, _ body: (String) async throws -> Void) async throws {
        try await HardwareKeyFixtures.withEmulator(trusting: directory + "/ca.pem", id: "tpm", role: role) { endpoint, _ in try await body(endpoint) }
    }

    static func credentialProcess(_ endpoint: String, certificate: String, key: String, tpm: [String]) -> [String] {
        ["credential-process", "--certificate", certificate, "--private-key", key] + tpm + [
            "--trust-anchor-arn", "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/tpm",
            "--profile-arn", "arn:aws:rolesanywhere:us-east-1:123456789012:profile/tpm", "--role-arn", role, "--endpoint", endpoint,
        ]
    }

    @Test(.enabled(if: hasTPM, skipReason), arguments: ["handle", "p256", "p384", "rsa"])
    func credentialProcessWithATPMKey(_ name: String) async throws {
        try await TestTPM.exclusive {
            let directory = try #require(TestTPM.directory)
            let tcti = try #require(TestTPM.tcti)
            let key = name == "handle" ? "handle:0x81000001" : directory + "/\(name).key.pem"
            var flags = ["--tpm-tcti", tcti]
            if name == "handle" { flags.append("--no-tpm-key-password") }
            if name == "p384" { flags += ["--tpm-key-password-env", "ROLEKIT_TEST_TPM_PASSWORD"] }
            try await Self.withTPMEmulator(directory) { endpoint in
                let result = try await Subprocess.rolekitAsync(Self.credentialProcess(endpoint, certificate: directory + "/\(name).pem", key: key, tpm: flags), environment: Self.environment())
                #expect(result.status == 0, "\(result.stderr)")
                let output = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any]
                #expect(output?["Version"] as? Int == 1)
                #expect((output?["AccessKeyId"] as? String)?.hasPrefix("ASIA") == true)
                #expect(result.stderr.isEmpty, "the TPM stack must not write to stderr: \(result.stderr)")
            }
        }
    }

    @Test(.enabled(if: hasTPM, skipReason))
    func aWrongPasswordOrNoTPMIsOneClearLine() async throws {
        try await TestTPM.exclusive {
            let directory = try #require(TestTPM.directory)
            let tcti = try #require(TestTPM.tcti)
            try await Self.withTPMEmulator(directory) { endpoint in
                let wrong = try await Subprocess.rolekitAsync(
                    Self.credentialProcess(endpoint, certificate: directory + "/p384.pem", key: directory + "/p384.key.pem", tpm: ["--tpm-tcti", tcti, "--tpm-key-password-env", "ROLEKIT_TEST_TPM_PASSWORD"]),
                    environment: Self.environment(password: "wrong-EXAMPLE-password")
                )
                #expect(wrong.status == 1)
                #expect(wrong.stderr.contains("incorrect TPM key password") && !wrong.stderr.contains("wrong-EXAMPLE-password"), "\(wrong.stderr)")
                #expect(wrong.stderr.split(separator: "\n").count == 1, "\(wrong.stderr)")
                let absent = try await Subprocess.rolekitAsync(
                    Self.credentialProcess(endpoint, certificate: directory + "/p256.pem", key: directory + "/p256.key.pem", tpm: ["--tpm-tcti", "swtpm:host=127.0.0.1,port=1"]),
                    environment: Self.environment()
                )
                #expect(absent.status == 1)
                #expect(absent.stderr.contains("cannot reach the TPM"), "\(absent.stderr)")
                #expect(absent.stderr.split(separator: "\n").count == 1, "\(absent.stderr)")
            }
        }
    }

    static var noTPMDevice: Bool { !FileManager.default.fileExists(atPath: "/dev/tpmrm0") && !FileManager.default.fileExists(atPath: "/dev/tpm0") }

    /// Without --tpm-tcti, TPM2TOOLS_TCTI or TPM_DEVICE, only the kernel's devices are tried:
    /// never the TSS's default list, whose simulator port on loopback anyone may open.
    @Test(.enabled(if: hasTPM && noTPMDevice, "needs the swtpm fixture and a machine without /dev/tpmrm0 and /dev/tpm0"))
    func withoutATCTIOnlyTheDevicesAreTried() async throws {
        let directory = try #require(TestTPM.directory)
        let result = try await Subprocess.rolekitAsync(
            ["sign-string", "--certificate", directory + "/p256.pem", "--private-key", directory + "/p256.key.pem"], environment: Self.environment()
        )
        #expect(result.status == 1)
        #expect(result.stderr.contains("no TPM: /dev/tpmrm0 and /dev/tpm0 do not exist"), "\(result.stderr)")
    }

    @Test(.enabled(if: hasTPM, skipReason))
    func signStringWithAHandleKeyVerifiesWithOpenSSL() async throws {
        try await TestTPM.exclusive {
            let directory = try #require(TestTPM.directory)
            let tcti = try #require(TestTPM.tcti)
            // TPM2TOOLS_TCTI is read when --tpm-tcti is not given.
            var environment = Self.environment()
            environment["TPM2TOOLS_TCTI"] = tcti
            let signed = try await Subprocess.rolekitAsync(
                ["sign-string", "--certificate", directory + "/handle.pem", "--private-key", "handle:81000001", "--no-tpm-key-password", "--format", "bin"], environment: environment
            )
            #expect(signed.status == 0, "\(signed.stderr)")
            let work = NSTemporaryDirectory() + "rolekit-tpm-cli-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: work) }
            try Data(signed.stdout).write(to: URL(fileURLWithPath: work + "/sig"))
            // sign-string signs aws_signing_helper's payload: its text, "1", SHA-256("IAM RA" + the raw public key).
            let payload = """
                import base64, hashlib, sys
                der = base64.b64decode(''.join(l for l in open(sys.argv[1]) if not l.startswith('-----')))
                open(sys.argv[2], 'wb').write(b'AWS Roles Anywhere Credential Helper Signing Test1' + hashlib.sha256(b'IAM RA' + der[-65:]).digest())
                """
            #expect(try await Subprocess.runAsync([TestEnvironment.python, "-c", payload, directory + "/handle.pub.pem", work + "/msg"]).status == 0)
            let verify = try await Subprocess.runAsync(["openssl", "dgst", "-sha256", "-verify", directory + "/handle.pub.pem", "-signature", work + "/sig", work + "/msg"])
            #expect(verify.stdoutText.contains("Verified OK"), "\(verify.stdoutText) \(verify.stderr)")
        }
    }

    /// A key file that needs a password, and no password flag: the helper's prompt on the
    /// terminal, echo off; a wrong answer is asked again.
    @Test(.enabled(if: hasTPM, skipReason))
    func theKeyPasswordIsAskedOnTheTerminalWithoutEcho() async throws {
        try await TestTPM.exclusive {
            let directory = try #require(TestTPM.directory)
            let tcti = try #require(TestTPM.tcti)
            let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/reference/tty_prompt.py").path
            let result = try await Subprocess.runAsync(
                [
                    TestEnvironment.python, script, "--answer", TestTPM.password, "--", TestEnvironment.rolekitBinary, "sign-string", "--certificate", directory + "/p384.pem",
                    "--private-key", directory + "/p384.key.pem", "--tpm-tcti", tcti, "--format", "text",
                ],
                environment: Self.environment()
            )
            #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
            #expect(result.stdoutText.contains("Please enter your TPM key password:"), "\(result.stdoutText)")
            #expect(result.stdoutText.contains(/[0-9a-f]{100,}/), "a signature was printed: \(result.stdoutText)")
            #expect(!result.stdoutText.contains(TestTPM.password))
        }
    }
}
