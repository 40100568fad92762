import Foundation
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// The `rolekit` binary, run as a user runs it.
@Suite struct CLITests {
    @Test func version() async throws {
        let result = try await Subprocess.rolekitAsync(["version"])
        #expect(result.status == 0)
        #expect(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test(arguments: ["rsa2048.pem", "rsa4096.der", "p256.pem", "p384.pem", "serial-high-bit.pem", "serial-leading-zero-nibble.pem"])
    func readCertificateData(_ file: String) async throws {
        let pki = TestPKI.shared
        let result = try await Subprocess.rolekitAsync(["read-certificate-data", "--certificate", pki.path(file)])
        #expect(result.status == 0, "\(result.stderr)")
        // Member order as aws_signing_helper prints it.
        #expect(result.stdoutText.hasPrefix("{\"keyType\":"))
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout)) as! [String: Any]
        let pem = file.replacingOccurrences(of: ".der", with: ".pem")
        let isRSA = file.hasPrefix("rsa")
        #expect(json["keyType"] as? String == (isRSA ? "RSA" : "EC"))
        #expect(json["serialNumber"] as? String == pki.serials[pem])
        #expect(json["supportedAlgorithms"] as? [String] == (isRSA ? ["RSASHA256", "RSASHA384", "RSASHA512"] : ["ECSHA256", "ECSHA384", "ECSHA512"]))
        let der = try await Subprocess.runAsync(["openssl", "x509", "-in", pki.path(pem), "-outform", "DER"])
        #expect(json["certificateData"] as? String == Data(der.stdout).base64EncodedString())
    }

    @Test func readCertificateDataFromPKCS12() async throws {
        let pki = TestPKI.shared
        let result = try await Subprocess.rolekitAsync(["read-certificate-data", "--certificate", pki.path("p256.legacy-nopass.p12")])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout)) as! [String: Any]
        #expect(json["serialNumber"] as? String == pki.serials["p256.pem"])
    }

    @Test(arguments: [
        ("rsa2048.pem", "rsa2048.pkcs1.key", "SHA256"),
        ("rsa2048.pem", "rsa2048.pkcs8.key", "SHA384"),
        ("rsa3072.pem", "rsa3072.pkcs8.key", "SHA512"),
        ("rsa4096.pem", "rsa4096.pkcs1.key", "SHA256"),
    ])
    func signStringRSAIsExact(_ certificate: String, _ key: String, _ digest: String) async throws {
        let pki = TestPKI.shared
        let expected = try await ReferenceSigner.signString(certificate: pki.path(certificate), key: pki.path(key), digest: digest.lowercased())
        let text = try await Subprocess.rolekitAsync(["sign-string", "--certificate", pki.path(certificate), "--private-key", pki.path(key), "--format", "text", "--digest", digest])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdoutText == expected.signature! + "\n")
        let json = try await Subprocess.rolekitAsync(["sign-string", "--certificate", pki.path(certificate), "--private-key", pki.path(key), "--digest", digest])
        #expect(json.stdoutText == "\"\(expected.signature!)\"\n")
        let bin = try await Subprocess.rolekitAsync(["sign-string", "--certificate", pki.path(certificate), "--private-key", pki.path(key), "--format", "bin", "--digest", digest])
        #expect(bin.stdout == [UInt8](hex: expected.signature!))
    }

    @Test(arguments: [("p256.pem", "p256.sec1.key", "SHA256"), ("p384.pem", "p384.pkcs8.key", "SHA256"), ("p384.pem", "p384.sec1-params.key", "SHA384"), ("p256.pem", "p256.pkcs8.der", "SHA512")])
    func signStringECVerifies(_ certificate: String, _ key: String, _ digest: String) async throws {
        let pki = TestPKI.shared
        let reference = try await ReferenceSigner.signString(certificate: pki.path(certificate), key: nil)
        let result = try await Subprocess.rolekitAsync(["sign-string", "--certificate", pki.path(certificate), "--private-key", pki.path(key), "--format", "text", "--digest", digest])
        #expect(result.status == 0, "\(result.stderr)")
        let signature = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await ReferenceSigner.verify(certificate: pki.path(certificate), message: [UInt8](hex: reference.payload)!, signatureHex: signature, digest: digest.lowercased()))
    }

    @Test func signStringWithPKCS12AsCertificate() async throws {
        let pki = TestPKI.shared
        let expected = try await ReferenceSigner.signString(certificate: pki.path("rsa2048.pem"), key: pki.path("rsa2048.pkcs8.key"))
        let result = try await Subprocess.rolekitAsync(["sign-string", "--certificate", pki.path("rsa2048.nopass.p12"), "--format", "text"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == expected.signature! + "\n")
        let withPassword = try await Subprocess.rolekitAsync(["sign-string", "--certificate", pki.path("rsa2048.legacy.p12"), "--pkcs8-password", TestPKI.passphrase, "--format", "text"])
        #expect(withPassword.stdoutText == expected.signature! + "\n")
    }

    @Test func passphraseFlagsFromEnvironmentAndFile() async throws {
        let pki = TestPKI.shared
        var environment = ProcessInfo.processInfo.environment
        environment["MY_KEY_PASS"] = TestPKI.passphrase
        let env = try await Subprocess.rolekitAsync(["sign-string", "--certificate", pki.path("rsa2048.pem"), "--private-key", pki.path("rsa2048.pbes2-sha256-aes256.key"), "--passphrase-env", "MY_KEY_PASS"], environment: environment)
        #expect(env.status == 0, "\(env.stderr)")
        let passFile = try pki.scratchFile("pass", text: TestPKI.passphrase + "\n")
        let file = try await Subprocess.rolekitAsync(["sign-string", "--certificate", pki.path("rsa2048.pem"), "--private-key", pki.path("rsa2048.pbes2-sha256-aes256.key"), "--passphrase-file", passFile])
        #expect(file.status == 0, "\(file.stderr)")
        #expect(env.stdoutText == file.stdoutText)
        let both = try await Subprocess.rolekitAsync(["sign-string", "--certificate", pki.path("rsa2048.pem"), "--private-key", pki.path("rsa2048.pkcs8.key"), "--passphrase-file", passFile, "--pkcs8-password", "x"])
        #expect(both.status != 0)
        #expect(both.stderr.contains("at most one"))
    }

    @Test func tildeIsExpanded() async throws {
        let pki = TestPKI.shared
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = pki.directory.path
        let result = try await Subprocess.rolekitAsync(["read-certificate-data", "--certificate", "~/p256.pem"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func errorsAreOneLineAndExitNonZero() async throws {
        let pki = TestPKI.shared
        let result = try await Subprocess.rolekitAsync(["sign-string", "--certificate", pki.path("p256.pem"), "--private-key", pki.path("p256.pbes2-sha256-aes256.key"), "--pkcs8-password", "wrong-secret-value"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("wrong passphrase"))
        #expect(!result.stderr.contains("wrong-secret-value"))
    }

    @Test func noTerminalMeansAClearErrorNotAHang() async throws {
        let pki = TestPKI.shared
        // setsid detaches from any controlling terminal, as under CI or credential_process.
        let result = try await Subprocess.runAsync(["setsid", "-w", TestEnvironment.rolekitBinary, "sign-string", "--certificate", pki.path("p256.pem"), "--private-key", pki.path("p256.pbes2-sha256-aes256.key")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no terminal"), "stderr: \(result.stderr)")
    }

    @Test func promptsOnTheTerminalWithoutEcho() async throws {
        let pki = TestPKI.shared
        let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/reference/tty_prompt.py").path
        let result = try await Subprocess.runAsync([
            TestEnvironment.python, script, "--answer", TestPKI.passphrase, "--",
            TestEnvironment.rolekitBinary, "sign-string", "--certificate", pki.path("rsa2048.pem"),
            "--private-key", pki.path("rsa2048.pbes2-sha256-aes256.key"), "--format", "text",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try await ReferenceSigner.signString(certificate: pki.path("rsa2048.pem"), key: pki.path("rsa2048.pkcs8.key"))
        let transcript = result.stdoutText
        #expect(transcript.contains("Passphrase for"))
        #expect(transcript.contains(expected.signature!))
        // Echo was off: the typed passphrase never appears on the terminal.
        #expect(!transcript.contains(TestPKI.passphrase))
    }

    @Test func unreadableFileIsReportedAsSuch() async throws {
        let pki = TestPKI.shared
        let path = try pki.scratchFile("secret.pem", try pki.bytes("p256.pem"))
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: pki.directory.path)
        // Root reads any file, so run as an unprivileged user when we are root.
        var command = [TestEnvironment.rolekitBinary, "read-certificate-data", "--certificate", path]
        if getuid() == 0 {
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command
        }
        let result = try await Subprocess.runAsync(command)
        #expect(result.status == 1)
        #expect(result.stderr.contains("permission denied"), "stderr: \(result.stderr)")
    }
}
