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

    /// As aws-vault: the child is marked (ROLEKIT_EXEC), and an exec inside it is refused
    /// (its credentials would replace the outer ones) unless --allow-nested.
    @Test func execRefusesToNestUnlessAllowed() async throws {
        let binary = TestEnvironment.rolekitBinary
        let marked = try await Subprocess.rolekitAsync(["exec", "--", "sh", "-c", "echo \"${ROLEKIT_EXEC:-unset}\""], environment: Self.keys)
        #expect(marked.status == 0)
        #expect(marked.stdoutText != "unset\n" && !marked.stdoutText.isEmpty)
        let nested = try await Subprocess.rolekitAsync(["exec", "--", binary, "exec", "--", "sh", "-c", "echo inner-ran"], environment: Self.keys)
        #expect(nested.status == 1)
        #expect(!nested.stdoutText.contains("inner-ran"))
        #expect(nested.stderr.split(separator: "\n").count == 1 && nested.stderr.contains("--allow-nested"))
        let allowed = try await Subprocess.rolekitAsync(["exec", "--", binary, "exec", "--allow-nested", "--", "sh", "-c", "echo inner-ran $AWS_ACCESS_KEY_ID"], environment: Self.keys)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdoutText == "inner-ran AKIAEXECTEST0000001\n")
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

    /// dotenv read back by python-dotenv (the reader docker-compose-style tools share), against
    /// the JSON format of the same credentials; values dotenv readers disagree on are refused.
    @Test func dotenvIsReadBackByPythonDotenv() async throws {
        let values: [(String, String)] = [
            ("AKIAFROMFLAG0000001", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            ("AKIAFROMFLAG0000002", "spaces and $HOME & <more>"),
        ]
        for (key, secret) in values {
            let arguments = ["--aws-access-key-id", key, "--aws-secret-access-key", secret, "--aws-session-token", "IQoJb3JpZ2luX2VjEXAMPLE+/token=="]
            let dotenv = try await Subprocess.rolekitAsync(["env", "--format", "dotenv"] + arguments, environment: Self.keys)
            #expect(dotenv.status == 0, "\(dotenv.stderr)")
            let json = try await Subprocess.rolekitAsync(["env", "--format", "json"] + arguments, environment: Self.keys)
            let expected = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: String])
            let script = "import dotenv, io, json, sys; print(json.dumps(dotenv.dotenv_values(stream=io.StringIO(sys.stdin.read()), interpolate=False)))"
            let read = try await Subprocess.runAsync([TestEnvironment.python, "-c", script], environment: ["PATH": "/usr/bin:/bin"], stdin: dotenv.stdout)
            #expect(read.status == 0, "\(read.stderr)")
            let parsed = try JSONSerialization.jsonObject(with: Data(read.stdout)) as? [String: String]
            #expect(parsed == expected)
            #expect(expected["AWS_SECRET_ACCESS_KEY"] == secret)
        }
        // A line break never gets this far: credential validation refuses it (not printable).
        let broken = try await Subprocess.rolekitAsync(["env", "--format", "dotenv", "--aws-access-key-id", "AKIAFROMFLAG0000001", "--aws-secret-access-key", "line\nbreak"], environment: Self.keys)
        #expect(broken.status != 0 && broken.stdout.isEmpty && broken.stderr.split(separator: "\n").count == 1)
        #expect(broken.stderr.contains("not printable") && !broken.stderr.contains("break"))
        for secret in ["it's", "back\\slash"] {
            let refused = try await Subprocess.rolekitAsync(["env", "--format", "dotenv", "--aws-access-key-id", "AKIAFROMFLAG0000001", "--aws-secret-access-key", secret], environment: Self.keys)
            #expect(refused.status != 0)
            #expect(refused.stdout.isEmpty)
            #expect(refused.stderr.split(separator: "\n").count == 1)
            #expect(refused.stderr.contains("AWS_SECRET_ACCESS_KEY") && refused.stderr.contains("--format json"))
            #expect(!refused.stderr.contains(secret))
        }
    }

    /// cmd.exe `set "NAME=value"` lines; % and quotes (which cmd would expand or end on) are refused.
    @Test func cmdFormat() async throws {
        let ok = try await Subprocess.rolekitAsync(["env", "--format", "cmd", "--aws-access-key-id", "AKIAFROMFLAG0000001", "--aws-secret-access-key", "a&b|c<d>e^f", "--aws-session-token", "tok/en+=="], environment: Self.keys)
        #expect(ok.status == 0, "\(ok.stderr)")
        let lines = ok.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.contains("set \"AWS_ACCESS_KEY_ID=AKIAFROMFLAG0000001\""))
        #expect(lines.contains("set \"AWS_SECRET_ACCESS_KEY=a&b|c<d>e^f\""))
        #expect(lines.contains("set \"AWS_SESSION_TOKEN=tok/en+==\""))
        #expect(lines.allSatisfy { $0.hasPrefix("set \"") && $0.hasSuffix("\"") })
        for secret in ["100%", "say \"hi\"", "bang!"] {
            let refused = try await Subprocess.rolekitAsync(["env", "--format", "cmd", "--aws-access-key-id", "AKIAFROMFLAG0000001", "--aws-secret-access-key", secret], environment: Self.keys)
            #expect(refused.status != 0 && refused.stdout.isEmpty)
            #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("--format json"))
            #expect(!refused.stderr.contains(secret))
        }
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
