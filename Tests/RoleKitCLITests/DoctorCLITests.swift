import Foundation
import RoleKitTestSupport
import Testing

/// `rolekit doctor`: a healthy setup passes every check it can run, and each check is made to
/// fail (or warn) by the input that should break it. Certificates come from the test PKI or
/// openssl; the clock check asks the emulator and a Python server whose clock is 10 minutes
/// ahead.
@Suite("doctor", .serialized)
struct DoctorCLITests {
    typealias Serve = ServeUpdateCLITests
    static let anchor = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/0a1b2c3d-0000-4000-8000-000000000001"
    static let profile = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/0a1b2c3d-0000-4000-8000-000000000002"
    static let role = "arn:aws:iam::123456789012:role/doctor"

    /// A home with an AWS config, and keys copied in owner-only.
    final class Home {
        let folder = NSTemporaryDirectory() + "rolekit-doctor-\(UUID().uuidString)"
        init(config: String = "[profile ok]\naws_access_key_id = AKIADOCTOREXAMPLE01\naws_secret_access_key = doctor-EXAMPLE-secret\n") throws {
            try FileManager.default.createDirectory(atPath: folder + "/.aws", withIntermediateDirectories: true)
            try config.write(toFile: folder + "/.aws/config", atomically: true, encoding: .utf8)
        }
        deinit { try? FileManager.default.removeItem(atPath: folder) }

        /// `name` of the test PKI copied here with `mode`.
        func key(_ name: String, mode: Int = 0o600) throws -> String {
            let path = folder + "/" + name
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.copyItem(atPath: TestPKI.shared.path(name), toPath: path)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            return path
        }

        var environment: [String: String] {
            Serve.cleanEnvironment(["HOME": folder, "AWS_CONFIG_FILE": folder + "/.aws/config", "AWS_SHARED_CREDENTIALS_FILE": folder + "/.aws/credentials"])
        }
    }

    struct Report {
        var status: Int32
        var checks: [String: (status: String, detail: String)]
        var stderr: String
        func status(of check: String) -> String { checks[check]?.status ?? "absent" }
    }

    static func doctor(_ arguments: [String], home: Home) async throws -> Report {
        let result = try await Subprocess.rolekitAsync(["doctor", "--output", "json"] + arguments, environment: home.environment)
        let object = try? JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any]
        var checks: [String: (String, String)] = [:]
        for item in object?["checks"] as? [[String: String]] ?? [] { checks[item["check"] ?? ""] = (item["status"] ?? "", item["detail"] ?? "") }
        return Report(status: result.status, checks: checks, stderr: result.stderr + result.stdoutText)
    }

    func roleFlags(_ home: Home, certificate: String = "p256.pem", key: String = "p256.pkcs8.key", endpoint: String? = nil) throws -> [String] {
        var flags = [
            "--certificate", TestPKI.shared.path(certificate), "--private-key", try home.key(key), "--intermediates", TestPKI.shared.path("intermediate-ca.pem"),
            "--trust-anchor-bundle", TestPKI.shared.path("ca-bundle.pem"), "--trust-anchor-arn", Self.anchor, "--profile-arn", Self.profile, "--role-arn", Self.role,
        ]
        if let endpoint { flags += ["--endpoint", endpoint] } else { flags.append("--offline") }
        return flags
    }

    @Test func aHealthySetupPasses() async throws {
        let (emulator, endpoint, _, _) = try await Serve.emulator()
        defer { emulator.stop() }
        let home = try Home()
        let report = try await Self.doctor(try roleFlags(home, endpoint: endpoint) + ["--region", "us-east-1", "--role-session-name", "alice"], home: home)
        #expect(report.status == 0, "\(report.stderr)")
        for check in ["certificate and key", "expiry", "chain to trust anchor", "ARNs and regions", "clock", "file modes", "profiles"] {
            #expect(report.status(of: check) == "ok", "\(check): \(report.checks[check] ?? ("", ""))")
        }
        #expect(report.status(of: "SSO tokens") == "skipped")
        // The table form too, one line per check.
        let table = try await Subprocess.rolekitAsync(["doctor"] + (try roleFlags(home)), environment: home.environment)
        #expect(table.status == 0 && table.stdoutText.contains("ok       certificate and key"), "\(table.stdoutText)")
    }

    @Test func aKeyOfAnotherCertificateFails() async throws {
        let home = try Home()
        let report = try await Self.doctor(try roleFlags(home, key: "p384.pkcs8.key"), home: home)
        #expect(report.status == 1)
        #expect(report.status(of: "certificate and key") == "failed", "\(report.stderr)")
    }

    @Test func aCertificateOfAnotherCAFailsTheChain() async throws {
        let home = try Home()
        let report = try await Self.doctor(try roleFlags(home, certificate: "other-leaf.pem", key: "other-leaf.key"), home: home)
        #expect(report.status(of: "chain to trust anchor") == "failed", "\(report.stderr)")
        #expect(report.checks["chain to trust anchor"]?.detail.contains("Untrusted signing certificate") == true)
    }

    @Test func expiredAndSoonExpiringCertificates() async throws {
        let home = try Home()
        let expired = try await Self.doctor(try roleFlags(home, certificate: "expired.pem", key: "expired.key"), home: home)
        #expect(expired.status(of: "expiry") == "failed", "\(expired.stderr)")
        // A leaf valid for 10 more days, issued by the test intermediate with openssl.
        let pki = TestPKI.shared
        let key = home.folder + "/soon.key"
        let csr = home.folder + "/soon.csr"
        let cert = home.folder + "/soon.pem"
        for command in [
            ["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key],
            ["openssl", "req", "-new", "-key", key, "-subj", "/CN=soon", "-out", csr],
            ["openssl", "x509", "-req", "-in", csr, "-CA", pki.path("intermediate-ca.pem"), "-CAkey", pki.path("intermediate-ca.key"), "-CAcreateserial", "-days", "10", "-out", cert],
        ] {
            let run = try await Subprocess.runAsync(command, currentDirectory: home.folder)
            try #require(run.status == 0, "\(run.stderr)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        let soon = try await Self.doctor(
            ["--certificate", cert, "--private-key", key, "--intermediates", pki.path("intermediate-ca.pem"), "--trust-anchor-bundle", pki.path("ca-bundle.pem"), "--offline"], home: home
        )
        #expect(soon.status(of: "expiry") == "warning", "\(soon.stderr)")
        #expect(soon.checks["expiry"]?.detail.contains("expires in 9 days") == true || soon.checks["expiry"]?.detail.contains("expires in 10 days") == true)
        #expect(soon.status == 0, "a warning alone does not fail")
    }

    @Test func inconsistentARNsAndABadSessionNameFail() async throws {
        let home = try Home()
        let euProfile = "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/0a1b2c3d-0000-4000-8000-000000000002"
        let report = try await Self.doctor(
            ["--trust-anchor-arn", Self.anchor, "--profile-arn", euProfile, "--role-arn", "arn:aws:iam::123456789012:user/not-a-role", "--region", "us-west-2", "--role-session-name", "x", "--offline"],
            home: home
        )
        let detail = report.checks["ARNs and regions"]?.detail ?? ""
        #expect(report.status(of: "ARNs and regions") == "failed")
        #expect(detail.contains("in us-east-1 but the profile in eu-west-1") && detail.contains("--region us-west-2 differs") && detail.contains("--role-arn is not an IAM role ARN"), "\(detail)")
        #expect(report.status(of: "role session name") == "failed")
    }

    @Test func aClockTenMinutesOffFails() async throws {
        let script = """
            import http.server, email.utils, time, sys
            class H(http.server.BaseHTTPRequestHandler):
                def date_time_string(self, timestamp=None): return email.utils.formatdate(time.time() + 600, usegmt=True)
                def do_GET(self):
                    self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers()
                def log_message(self, *args): pass
            server = http.server.HTTPServer(("127.0.0.1", 0), H)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.python)
        process.arguments = ["-c", script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // SIGKILL: Foundation starts children with signals blocked, so SIGTERM would wait.
        defer { kill(process.processIdentifier, SIGKILL) }
        let port = await Subprocess.readUntil(output, marker: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let home = try Home()
        let report = try await Self.doctor(["--trust-anchor-arn", Self.anchor, "--endpoint", "http://127.0.0.1:\(port)"], home: home)
        #expect(report.status(of: "clock") == "failed", "\(report.stderr)")
        #expect(report.checks["clock"]?.detail.contains("behind") == true, "\(report.checks["clock"] ?? ("", ""))")
    }

    @Test func aWorldReadableKeyFails() async throws {
        let home = try Home()
        var flags = try roleFlags(home)
        flags[3] = try home.key("p256.pkcs8.key", mode: 0o644)
        let report = try await Self.doctor(flags, home: home)
        #expect(report.status(of: "file modes") == "failed")
        #expect(report.checks["file modes"]?.detail.contains("mode 644; chmod 600 it") == true, "\(report.checks["file modes"] ?? ("", ""))")
    }

    @Test func anUnresolvableProfileAndAMissingSSOTokenFail() async throws {
        let home = try Home(config: """
            [profile broken]
            role_arn = arn:aws:iam::123456789012:role/x
            [sso-session corp]
            sso_start_url = https://corp.awsapps.com/start
            sso_region = us-east-1
            [profile dev]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = Dev
            """)
        let report = try await Self.doctor([], home: home)
        #expect(report.status == 1)
        #expect(report.status(of: "profiles") == "failed")
        #expect(report.checks["profiles"]?.detail.contains("broken:") == true, "\(report.checks["profiles"] ?? ("", ""))")
        #expect(report.status(of: "SSO tokens") == "failed")
        #expect(report.checks["SSO tokens"]?.detail.contains("sso-session corp: no token; run rolekit sso login --profile dev") == true, "\(report.checks["SSO tokens"] ?? ("", ""))")
    }

    /// --control-plane reads the trust anchor (its CA bundle then checks the chain) and the
    /// profile from the emulator's control plane: a session name fails while the profile does
    /// not accept one and passes once `rolekit profiles update` turns that on; a role the
    /// profile does not list fails.
    @Test func controlPlaneChecksTheAnchorAndTheProfile() async throws {
        let (emulator, endpoint, _, _) = try await Serve.emulator()
        defer { emulator.stop() }
        let adminFile = try #require(emulator.word(containing: "/admin-credentials"))
        let home = try Home()
        var environment = home.environment
        environment["AWS_SHARED_CREDENTIALS_FILE"] = adminFile
        environment["AWS_PROFILE"] = "rolekit-emulator"
        // A trust anchor and a profile made through the control plane (API-shaped ids).
        func create(_ arguments: [String], _ resource: String, _ field: String) async throws -> String {
            let result = try await Subprocess.rolekitAsync(arguments + ["--enabled", "--endpoint-url", endpoint, "--output", "json"], environment: environment)
            try #require(result.status == 0, "\(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any]
            return try #require((object?[resource] as? [String: Any])?[field] as? String, "\(result.stdoutText)")
        }
        let anchor = try await create(["trust-anchors", "create", "--name", "doctor", "--certificate-bundle", TestPKI.shared.path("ca-bundle.pem")], "trustAnchor", "trustAnchorArn")
        let profile = try await create(["profiles", "create", "--name", "doctor", "--role-arn", Serve.role], "profile", "profileArn")
        func doctor(_ extra: [String]) async throws -> Report {
            let result = try await Subprocess.rolekitAsync(
                ["doctor", "--output", "json", "--control-plane", "--endpoint", endpoint, "--certificate", TestPKI.shared.path("p256.pem"), "--private-key", try home.key("p256.pkcs8.key"),
                 "--intermediates", TestPKI.shared.path("intermediate-ca.pem"), "--trust-anchor-arn", anchor, "--profile-arn", profile] + extra,
                environment: environment
            )
            let object = try? JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any]
            var checks: [String: (String, String)] = [:]
            for item in object?["checks"] as? [[String: String]] ?? [] { checks[item["check"] ?? ""] = (item["status"] ?? "", item["detail"] ?? "") }
            return Report(status: result.status, checks: checks, stderr: result.stderr + result.stdoutText)
        }
        let before = try await doctor(["--role-arn", Serve.role, "--role-session-name", "alice"])
        #expect(before.status(of: "trust anchor") == "ok", "\(before.stderr)")
        #expect(before.status(of: "profile") == "ok", "\(before.stderr)")
        #expect(before.status(of: "chain to trust anchor") == "ok", "the anchor's own bundle checks the chain: \(before.stderr)")
        #expect(before.status(of: "role session name") == "failed", "\(before.stderr)")
        let update = try await Subprocess.rolekitAsync(["profiles", "update", "--id", profile, "--accept-role-session-name", "true", "--endpoint-url", endpoint], environment: environment)
        #expect(update.status == 0, "\(update.stderr)")
        let after = try await doctor(["--role-arn", Serve.role, "--role-session-name", "alice"])
        #expect(after.status(of: "role session name") == "ok", "\(after.stderr)")
        #expect(after.status == 0, "\(after.stderr)")
        let otherRole = try await doctor(["--role-arn", "arn:aws:iam::123456789012:role/not-in-the-profile"])
        #expect(otherRole.status(of: "profile") == "failed", "\(otherRole.stderr)")
    }
}
