import Foundation
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// `rolekit trust-anchors|profiles|crls|subjects|tags` against `rolekit emulator --data-dir`,
/// run as a user runs them.
@Suite("Control-plane commands", .serialized)
struct ControlPlaneCLITests {
    static let role = "arn:aws:iam::123456789012:role/cli-control-plane"

    /// A running `rolekit emulator` process and the environment to reach it.
    final class RunningEmulator {
        let process = Process()
        let endpoint: String
        /// The admin key id, and the 0600 credentials file the emulator wrote its secret to.
        let adminKeyId: String
        let adminFile: String

        init(dataDirectory: String) async throws {
            process.executableURL = URL(fileURLWithPath: TestEnvironment.rolekitBinary)
            process.arguments = ["emulator", "--port", "0", "--data-dir", dataDirectory]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let banner = await Subprocess.readUntil(output, marker: "AWS_PROFILE=")
            let words = banner.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "=" })
            guard let url = words.first(where: { $0.hasPrefix("http://127.0.0.1:") }), let key = words.first(where: { $0.hasPrefix("AKIA") }),
                let file = words.first(where: { $0.hasSuffix("/admin-credentials") })
            else {
                process.terminate()
                throw CocoaError(.fileReadUnknown)
            }
            endpoint = String(url)
            adminKeyId = String(key)
            adminFile = String(file)
        }

        /// SIGTERM without waiting (for `defer`).
        func stop() {
            if process.isRunning { process.terminate() }
        }

        /// SIGTERM, then wait for the exit off the cooperative threads.
        func stopAndWait() async {
            stop()
            await Subprocess.waitForExit(process)
        }

        var environment: [String: String] {
            ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "AWS_SHARED_CREDENTIALS_FILE": adminFile, "AWS_PROFILE": "rolekit-emulator",
             "AWS_CONFIG_FILE": "/nonexistent", "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_ROLESANYWHERE": endpoint, "AWS_EC2_METADATA_DISABLED": "true"]
        }

        func run(_ arguments: [String]) async throws -> Subprocess.Result {
            try await Subprocess.rolekitAsync(arguments, environment: environment)
        }

        func json(_ arguments: [String]) async throws -> [String: Any] {
            let result = try await run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any] ?? [:]
        }
    }

    @Test func resourcesThroughTheCLIAndAcrossARestart() async throws {
        let directory = NSTemporaryDirectory() + "rolekit-cli-emulator-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pki = TestPKI.shared
        var emulator = try await RunningEmulator(dataDirectory: directory)
        defer { emulator.stop() }

        let anchor = try await emulator.json(["trust-anchors", "create", "--name", "cli-anchor", "--certificate-bundle", pki.path("ca-bundle.pem"), "--enabled", "--tag", "team=cli"])["trustAnchor"] as? [String: Any]
        let anchorArn = try #require(anchor?["trustAnchorArn"] as? String)
        let anchorId = try #require(anchor?["trustAnchorId"] as? String)
        #expect(anchor?["enabled"] as? Bool == true)
        var profileArns: [String] = []
        for index in 0..<3 {
            let profile = try await emulator.json(["profiles", "create", "--name", "cli-\(index)", "--role-arn", Self.role, "--enabled", "--duration-seconds", "1800"])["profile"] as? [String: Any]
            profileArns.append(try #require(profile?["profileArn"] as? String))
        }
        // Pagination: every page by default, --max-items stops early, --page-size is passed on.
        let all = try await emulator.json(["profiles", "list", "--page-size", "1"])["profiles"] as? [[String: Any]]
        #expect(all?.compactMap { $0["profileArn"] as? String } == profileArns)
        let two = try await emulator.json(["profiles", "list", "--max-items", "2", "--page-size", "1"])["profiles"] as? [[String: Any]]
        #expect(two?.count == 2)
        // Table and text output.
        let table = try await emulator.run(["profiles", "list", "--output", "table"])
        let lines = table.stdoutText.split(separator: "\n")
        #expect(lines.count == 5, "\(table.stdoutText)")
        #expect(lines.first?.hasPrefix("name") == true && lines.first?.contains("profileId") == true)
        let text = try await emulator.run(["trust-anchors", "list", "--output", "text"])
        #expect(text.stdoutText.hasPrefix("cli-anchor\t\(anchorId)\tTrue\t"), "\(text.stdoutText)")
        // Update, disable, enable by id or ARN.
        let updated = try await emulator.json(["profiles", "update", "--id", profileArns[0], "--name", "renamed", "--accept-role-session-name", "true"])["profile"] as? [String: Any]
        #expect(updated?["name"] as? String == "renamed" && updated?["acceptRoleSessionName"] as? Bool == true)
        #expect((try await emulator.json(["trust-anchors", "disable", "--id", anchorId])["trustAnchor"] as? [String: Any])?["enabled"] as? Bool == false)
        #expect((try await emulator.json(["trust-anchors", "enable", "--id", anchorArn])["trustAnchor"] as? [String: Any])?["enabled"] as? Bool == true)
        // CRLs and tags.
        let crl = try await emulator.json(["crls", "import", "--name", "cli-crl", "--crl", pki.path("intermediate.crl.pem"), "--trust-anchor-arn", anchorArn])["crl"] as? [String: Any]
        #expect(crl?["enabled"] as? Bool == false)
        let crlTable = try await emulator.run(["crls", "list", "--output", "table"])
        #expect(crlTable.stdoutText.contains("crlBytes") && !crlTable.stdoutText.contains("crlData"))
        #expect(try await emulator.run(["tags", "add", "--resource-arn", profileArns[1], "--tag", "a=1", "--tag", "b=2"]).status == 0)
        #expect(try await emulator.run(["tags", "remove", "--resource-arn", profileArns[1], "--key", "a"]).status == 0)
        let tags = try await emulator.json(["tags", "list", "--resource-arn", profileArns[1]])["tags"] as? [[String: String]]
        #expect(tags == [["key": "b", "value": "2"]])
        // A CreateSession makes a subject, visible with `subjects list`.
        let session = try await Subprocess.rolekitAsync([
            "credential-process", "--certificate", pki.path("p256.pem"), "--private-key", pki.path("p256.pkcs8.key"), "--intermediates", pki.path("intermediate-ca.pem"),
            "--trust-anchor-arn", anchorArn, "--profile-arn", profileArns[2], "--role-arn", Self.role, "--endpoint", emulator.endpoint, "--session-duration", "900",
        ])
        #expect(session.status == 0, "\(session.stderr)")
        let subjects = try await emulator.json(["subjects", "list"])["subjects"] as? [[String: Any]]
        #expect(subjects?.count == 1)
        // Failures are one line, with the service's code.
        let missing = try await emulator.run(["profiles", "get", "--id", "00000000-0000-0000-0000-000000000000"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("rolekit: GetProfile: ResourceNotFoundException") && missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")
        // The generated secret sits in a 0600 file inside the data directory.
        #expect(emulator.adminFile == directory + "/admin-credentials")
        #expect(try FileManager.default.attributesOfItem(atPath: emulator.adminFile)[.posixPermissions] as? Int == 0o600)
        var wrongKey = emulator.environment
        wrongKey["AWS_PROFILE"] = nil
        wrongKey["AWS_ACCESS_KEY_ID"] = emulator.adminKeyId
        wrongKey["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        let denied = try await Subprocess.rolekitAsync(["profiles", "list"], environment: wrongKey)
        #expect(denied.status == 1 && denied.stderr.contains("InvalidSignatureException"))
        #expect(!denied.stderr.contains("not-the-secret"))

        // Restart on the same data directory: everything is still there.
        await emulator.stopAndWait()
        let firstKey = emulator.adminKeyId
        emulator = try await RunningEmulator(dataDirectory: directory)
        #expect(emulator.adminKeyId == firstKey, "the admin key is kept with the state")
        let after = try await emulator.json(["profiles", "list"])["profiles"] as? [[String: Any]]
        #expect(after?.compactMap { $0["profileArn"] as? String } == profileArns)
        #expect((try await emulator.json(["tags", "list", "--resource-arn", anchorArn])["tags"] as? [[String: String]]) == [["key": "team", "value": "cli"]])
        #expect(try await emulator.run(["profiles", "delete", "--id", profileArns[0]]).status == 0)
        #expect((try await emulator.json(["profiles", "list"])["profiles"] as? [[String: Any]])?.count == 2)
    }
}
