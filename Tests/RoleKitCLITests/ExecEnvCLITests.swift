import Foundation
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// `rolekit exec`, `rolekit env` and the shared auth options, run as a user runs them.
@Suite("exec, env and auth options", .serialized)
struct ExecEnvCLITests {
    /// Environment keys, and an `AWS_PROFILE` exec must not pass on. The profile exists (a
    /// region only): as botocore, RoleKit refuses an `AWS_PROFILE` naming no profile even when
    /// environment keys are set (corpus case 102).
    static let keys: [String: String] = {
        let file = NSTemporaryDirectory() + "rolekit-exec-credentials-\(UUID().uuidString)"
        try? "[should-be-removed]\nregion = eu-north-1\n".write(toFile: file, atomically: true, encoding: .utf8)
        return [
            "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "AWS_SHARED_CREDENTIALS_FILE": file, "AWS_CONFIG_FILE": file + ".missing",
            "AWS_ACCESS_KEY_ID": "AKIAEXECTEST0000001", "AWS_SECRET_ACCESS_KEY": "exec-secret-value", "AWS_PROFILE": "should-be-removed", "AWS_REGION": "eu-north-1",
        ]
    }()

    @Test func execPassesCredentialsAndTheExitStatus() async throws {
        let result = try await Subprocess.rolekitAsync(["exec", "--", "sh", "-c", "echo \"$AWS_ACCESS_KEY_ID|$AWS_REGION|${AWS_PROFILE:-unset}|$AWS_DEFAULT_REGION\"; exit 7"], environment: Self.keys)
        #expect(result.status == 7)
        #expect(!result.signalled)
        #expect(result.stdoutText == "AKIAEXECTEST0000001|eu-north-1|unset|eu-north-1\n")
    }

    @Test(arguments: [("KILL", Int32(9)), ("TERM", Int32(15)), ("INT", Int32(2))])
    func execDiesByTheChildsSignal(_ name: String, _ number: Int32) async throws {
        let result = try await Subprocess.rolekitAsync(["exec", "--", "sh", "-c", "kill -\(name) $$; sleep 5"], environment: Self.keys)
        #expect(result.signalled, "status \(result.status), stderr \(result.stderr)")
        #expect(result.status == number)
    }

    @Test func execForwardsSignalsToTheChild() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.rolekitBinary)
        process.arguments = ["exec", "--", "sh", "-c", "trap 'echo got-term; exit 3' TERM; echo ready; while true; do sleep 0.1; done"]
        process.environment = Self.keys
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Wait until the child runs (however slow the machine), then a little for the forwarder.
        let ready = await Subprocess.readUntil(output, marker: "ready")
        #expect(ready.contains("ready"))
        try await Task.sleep(for: .milliseconds(300))
        process.terminate()  // SIGTERM to rolekit, forwarded to the child
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 3)
        #expect(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("got-term"))
    }

    @Test func execWithoutACommandOrCredentialsFailsInOneLine() async throws {
        let none = try await Subprocess.rolekitAsync(["exec"], environment: Self.keys)
        #expect(none.status != 0 && none.stderr.split(separator: "\n").count == 1)
        let missing = try await Subprocess.rolekitAsync(["exec", "--", "true"], environment: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()])
        #expect(missing.status != 0)
        #expect(missing.stderr.hasPrefix("rolekit: no AWS credentials"))
        let notFound = try await Subprocess.rolekitAsync(["exec", "--", "/nonexistent/tool"], environment: Self.keys)
        #expect(notFound.status != 0 && notFound.stderr.contains("cannot run tool"))
    }

    @Test func envFormats() async throws {
        let sh = try await Subprocess.rolekitAsync(["env"], environment: Self.keys)
        #expect(sh.status == 0)
        let evaluated = try await Subprocess.runAsync(["sh", "-c", sh.stdoutText + "\necho \"$AWS_ACCESS_KEY_ID $AWS_SECRET_ACCESS_KEY\""], environment: ["PATH": "/usr/bin:/bin"])
        #expect(evaluated.stdoutText == "AKIAEXECTEST0000001 exec-secret-value\n")
        let json = try await Subprocess.rolekitAsync(["env", "--format", "json", "--aws-access-key-id", "AKIAFROMFLAG0000001", "--aws-secret-access-key", "it's \"quoted\"", "--aws-session-token", "tok"], environment: Self.keys)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: String]
        #expect(object?["AWS_ACCESS_KEY_ID"] == "AKIAFROMFLAG0000001")
        #expect(object?["AWS_SECRET_ACCESS_KEY"] == "it's \"quoted\"")
        #expect(object?["AWS_SESSION_TOKEN"] == "tok")
        let fish = try await Subprocess.rolekitAsync(["env", "--format", "fish", "--aws-access-key-id", "AKIAFROMFLAG0000001", "--aws-secret-access-key", "it's"], environment: Self.keys)
        #expect(fish.stdoutText.contains("set -gx AWS_SECRET_ACCESS_KEY 'it\\'s';"))
        let powershell = try await Subprocess.rolekitAsync(["env", "--format", "powershell", "--aws-access-key-id", "AKIAFROMFLAG0000001", "--aws-secret-access-key", "it's"], environment: Self.keys)
        #expect(powershell.stdoutText.contains("$Env:AWS_SECRET_ACCESS_KEY = 'it''s'"))
    }

    @Test(arguments: [
        (["--auth-type", "keys", "--profile", "p"], "--profile and --role are not allowed"),
        (["--auth-type", "profile"], "--profile is missing"),
        (["--auth-type", "profile_role", "--profile", "p"], "--role is missing"),
        (["--auth-type", "keys_with_session"], "--aws-session-token is missing"),
        (["--auth-type", "config"], "--config-path is missing"),
        (["--mfa-token", "12345", "--mfa-serial", "arn:aws:iam::123456789012:mfa/a"], "6 digits"),
        (["--aws-access-key-id", "A", "--profile", "p"], "not both"),
    ])
    func authTypeValidationNamesWhatIsWrong(_ arguments: [String], _ message: String) async throws {
        let result = try await Subprocess.rolekitAsync(["env"] + arguments, environment: Self.keys)
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func profilesAndRolesThroughTheAuthOptions() async throws {
        let folder = NSTemporaryDirectory() + "rolekit-auth-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "[base]\naws_access_key_id = AKIABASEPROFILE0001\naws_secret_access_key = base-secret\n".write(toFile: folder + "/credentials", atomically: true, encoding: .utf8)
        try "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = base\nrole_session_name = via-profile\nregion = eu-west-3\n".write(toFile: folder + "/config", atomically: true, encoding: .utf8)
        let environment = ["PATH": "/usr/bin:/bin", "HOME": folder, "AWS_ENDPOINT_URL_STS": MotoServer.endpoint.absoluteString]
        let files = ["--config-path", folder + "/config", "--credentials-path", folder + "/credentials"]
        let base = try await Subprocess.rolekitAsync(["exec", "--profile", "base", "--auth-debug"] + files + ["--", "sh", "-c", "echo $AWS_ACCESS_KEY_ID"], environment: environment)
        #expect(base.status == 0, "\(base.stderr)")
        #expect(base.stdoutText == "AKIABASEPROFILE0001\n")
        #expect(base.stderr.contains("shared-credentials-file"))
        #expect(!base.stderr.contains("base-secret"))
        // The role profile assumes through moto; whoami with the exported keys shows the role.
        let role = try await Subprocess.rolekitAsync(["env", "--profile", "deploy", "--format", "json", "--auth-debug"] + files, environment: environment)
        #expect(role.status == 0, "\(role.stderr)")
        #expect(role.stderr.contains("assume-role"))
        let variables = try JSONSerialization.jsonObject(with: Data(role.stdout)) as? [String: String] ?? [:]
        var child = environment
        child.merge(variables) { $1 }
        child["AWS_REGION"] = "us-east-1"
        let who = try await Subprocess.rolekitAsync(["whoami"], environment: child)
        #expect(who.stdoutText.contains("assumed-role/deploy/via-profile"), "\(who.stderr)")
        // --role on top of a profile assumes one more role.
        let chained = try await Subprocess.rolekitAsync(["env", "--profile", "base", "--role", "arn:aws:iam::123456789012:role/extra", "--role-session-name", "extra-1", "--format", "json", "--region", "us-east-1"] + files, environment: environment)
        #expect(chained.status == 0, "\(chained.stderr)")
        var second = environment
        second.merge(try JSONSerialization.jsonObject(with: Data(chained.stdout)) as? [String: String] ?? [:]) { $1 }
        let whoSecond = try await Subprocess.rolekitAsync(["whoami"], environment: second)
        #expect(whoSecond.stdoutText.contains("assumed-role/extra/extra-1"), "\(whoSecond.stderr)")
    }
}
