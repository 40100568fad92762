import Foundation
import RoleKitTestSupport
import Testing

/// `serve` and `update` under systemd: readiness, status, watchdog and stopping notifications
/// to a real `AF_UNIX` datagram socket (the service manager's side is Python's, in
/// scripts/reference/systemd_peer.py), and socket activation, both from
/// `systemd-socket-activate` and with sockets passed by hand to check what serve refuses.
@Suite("serve and update under systemd", .serialized)
struct SystemdCLITests {
    typealias Serve = ServeUpdateCLITests

    static var peer: String { TestEnvironment.referenceScript("systemd_peer.py") }

    /// What the notify peer saw.
    struct Notifications: Decodable {
        var messages: [String]
        var status: Int32
        var timed_out: Bool

        /// The notification assigning `name` (the first), as its lines.
        func first(with assignment: String) -> [String]? {
            messages.map { $0.split(separator: "\n").map(String.init) }.first { $0.contains(assignment) }
        }
    }

    static func notifications(watchdogs: Int, environment: [String: String], _ arguments: [String]) async throws -> Notifications {
        let socket = NSTemporaryDirectory() + "rolekit-notify-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: socket) }
        let result = try await Subprocess.runAsync(
            [TestEnvironment.python, peer, "notify", socket, String(watchdogs), "--", TestEnvironment.rolekitBinary] + arguments,
            environment: Serve.cleanEnvironment(environment)
        )
        #expect(result.status == 0, "\(result.stderr)")
        let last = result.stdoutText.split(separator: "\n").last.map(String.init) ?? ""
        return try JSONDecoder().decode(Notifications.self, from: Data(last.utf8))
    }

    @Test func serveNotifiesReadinessStatusWatchdogAndStopping() async throws {
        let (emulator, endpoint, anchor, profile) = try await Serve.emulator()
        defer { emulator.stop() }
        let seen = try await Self.notifications(
            watchdogs: 2, environment: ["WATCHDOG_USEC": "200000"],
            ["serve", "--port", "0"] + Serve.rolesAnywhereFlags(anchor: anchor, profile: profile, endpoint: endpoint)
        )
        #expect(!seen.timed_out, "\(seen.messages)")
        #expect(seen.status == 0)
        let ready = try #require(seen.first(with: "READY=1"), "\(seen.messages)")
        let status = ready.first { $0.hasPrefix("STATUS=") } ?? ""
        #expect(status.hasPrefix("STATUS=serving on 127.0.0.1:"), "\(status)")
        #expect(status.contains("credentials valid until 20"), "\(status)")
        #expect(seen.messages.filter { $0 == "WATCHDOG=1" }.count >= 2)
        #expect(seen.messages.last == "STOPPING=1", "\(seen.messages)")
        // Readiness comes after the endpoint answers: nothing before it but keep-alives.
        let readyIndex = try #require(seen.messages.firstIndex { $0.contains("READY=1") })
        #expect(seen.messages[..<readyIndex].allSatisfy { $0 == "WATCHDOG=1" })
    }

    /// Without a watchdog for this process (WATCHDOG_PID names another), no keep-alives.
    @Test func serveSendsNoKeepAlivesForAnotherProcessesWatchdog() async throws {
        let (emulator, endpoint, anchor, profile) = try await Serve.emulator()
        defer { emulator.stop() }
        let seen = try await Self.notifications(
            watchdogs: 0, environment: ["WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"],
            ["serve", "--port", "0"] + Serve.rolesAnywhereFlags(anchor: anchor, profile: profile, endpoint: endpoint)
        )
        #expect(seen.first(with: "READY=1") != nil, "\(seen.messages)")
        #expect(!seen.messages.contains("WATCHDOG=1"), "\(seen.messages)")
    }

    /// update reports readiness after its first write, with the file in the status; the
    /// credential_process it runs for its source profile does not see NOTIFY_SOCKET.
    @Test func updateNotifiesAfterTheFirstWriteAndHidesTheSocketFromItsSource() async throws {
        let home = NSTemporaryDirectory() + "rolekit-notify-update-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let marker = home + "/seen-notify-socket"
        let script = home + "/source.py"
        try """
        import datetime, json, os, sys
        open(sys.argv[1], "w").write(os.environ.get("NOTIFY_SOCKET", "absent") + " " + os.environ.get("WATCHDOG_USEC", "absent"))
        expiry = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        print(json.dumps({"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "SessionToken": "EXAMPLE-session-token", "Expiration": expiry}))
        """.write(toFile: script, atomically: true, encoding: .utf8)
        try """
        [profile source]
        credential_process = \(TestEnvironment.python) \(script) \(marker)
        """.write(toFile: home + "/config", atomically: true, encoding: .utf8)
        let credentials = home + "/credentials"
        let seen = try await Self.notifications(
            watchdogs: 1, environment: ["HOME": home, "AWS_CONFIG_FILE": home + "/config", "WATCHDOG_USEC": "400000"],
            ["update", "--source-profile", "source", "--profile", "served", "--credentials-file", credentials]
        )
        #expect(!seen.timed_out, "\(seen.messages)")
        #expect(seen.status == 0)
        let ready = try #require(seen.first(with: "READY=1"), "\(seen.messages)")
        let status = ready.first { $0.hasPrefix("STATUS=") } ?? ""
        #expect(status.hasPrefix("STATUS=wrote [served] to \(credentials), valid until 20"), "\(ready)")
        #expect(seen.messages.last == "STOPPING=1")
        #expect(try String(contentsOfFile: marker, encoding: .utf8) == "absent absent")
        #expect(try String(contentsOfFile: credentials, encoding: .utf8).contains("aws_access_key_id = AKIAIOSFODNN7EXAMPLE"))
    }

    /// The real `systemd-socket-activate` listens and starts serve at the first connection;
    /// boto3's first IMDS request is answered on the passed socket.
    @Test func serveTakesTheSocketSystemdSocketActivatePasses() async throws {
        guard let activate = ["/usr/bin/systemd-socket-activate", "/bin/systemd-socket-activate", "/usr/lib/systemd/systemd-socket-activate"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("skipped serveTakesTheSocketSystemdSocketActivatePasses: systemd-socket-activate is not installed (Debian package systemd)")
            return
        }
        let (emulator, endpoint, anchor, profile) = try await Serve.emulator()
        defer { emulator.stop() }
        let free = try await Subprocess.runAsync([TestEnvironment.python, "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        let port = try #require(Int(free.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)))
        let process = Process()
        // Under a parent that stays the child Foundation watches: systemd-socket-activate closes
        // every descriptor but the socket before it execs, Foundation's exit-notification one
        // too, and Foundation would then block its process monitor in waitpid on a live child.
        process.executableURL = URL(fileURLWithPath: TestEnvironment.python)
        process.arguments = [
            Self.peer, "supervise", "--", activate, "--listen", "127.0.0.1:\(port)", "--", TestEnvironment.rolekitBinary, "serve", "--port", "1",
        ] + Serve.rolesAnywhereFlags(anchor: anchor, profile: profile, endpoint: endpoint)
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // It says on standard error when it listens ("Listening on 127.0.0.1:PORT as 3.").
        let said = await Subprocess.readUntil(errors, marker: " as 3.")
        try #require(said.contains("Listening on 127.0.0.1:\(port)"), "systemd-socket-activate did not listen: \(said)")
        let (method, arn) = try await Serve.boto3(
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(port)/", "AWS_METADATA_SERVICE_TIMEOUT": "20", "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "3"],
            endpoint: endpoint
        )
        #expect(method == "iam-role")
        #expect(arn.hasPrefix("arn:aws:sts::123456789012:assumed-role/served/"))
        let banner = await Subprocess.readUntil(output, marker: "AWS_EC2_METADATA_SERVICE_ENDPOINT")
        #expect(banner.contains("http://127.0.0.1:\(port)/"), "serve announces the passed socket, not --port: \(banner)")
        let servePID = try #require(banner.split(separator: "\n").first { $0.hasPrefix("child-pid ") }.flatMap { Int32($0.dropFirst(10)) })
        #expect(kill(servePID, SIGTERM) == 0)
        #expect(await Subprocess.waitForExit(process) == 0, "SIGTERM stops the activated serve cleanly")
    }

    /// Sockets serve must not use: each refused with one line saying what is wrong, before any
    /// credentials are fetched (the endpoint given is closed, so a fetch would fail otherwise).
    @Test(arguments: [
        ("any", "listens on 0.0.0.0, not 127.0.0.1 or ::1; add --allow-non-loopback"),
        ("udp", "is not a stream (TCP) socket"),
        ("unlistened", "is not listening"),
        ("two", "passed 2 sockets; serve listens on one"),
    ])
    func serveRefusesUnsuitablePassedSockets(kind: String, message: String) async throws {
        let flags = Serve.rolesAnywhereFlags(
            anchor: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/0a1b2c3d-0000-4000-8000-000000000001",
            profile: "arn:aws:rolesanywhere:us-east-1:123456789012:profile/0a1b2c3d-0000-4000-8000-000000000002",
            endpoint: "https://127.0.0.1:1"
        )
        let result = try await Subprocess.runAsync([TestEnvironment.python, Self.peer, "pass", kind, "--", TestEnvironment.rolekitBinary, "serve"] + flags, environment: Serve.cleanEnvironment([:]))
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}

/// The example units under contrib/systemd pass `systemd-analyze verify` with no complaint
/// (it exits 0 on most findings, so its output is what is checked), with ExecStart pointing at
/// the built rolekit.
@Suite("contrib/systemd units")
struct SystemdUnitTests {
    /// The ExecStart= command of a unit, its continuation lines joined.
    static func execStart(_ unit: String) -> String {
        var command = ""
        var inside = false
        for line in unit.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("ExecStart=") { inside = true }
            guard inside else { continue }
            command += line.hasSuffix("\\") ? line.dropLast() + " " : line
            if !line.hasSuffix("\\") { break }
        }
        return command
    }

    @Test func contribUnitsVerify() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else {
            print("skipped contribUnitsVerify: systemd-analyze is not installed (Debian package systemd)")
            return
        }
        let source = TestEnvironment.repositoryRoot.appendingPathComponent("contrib/systemd").path
        let work = NSTemporaryDirectory() + "rolekit-units-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work + "/runtime", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let units = try FileManager.default.contentsOfDirectory(atPath: source).filter { $0.hasSuffix(".service") || $0.hasSuffix(".socket") }
        #expect(Set(units) == ["rolekit-serve.service", "rolekit-serve.socket", "rolekit-update@.service"])
        for unit in units {
            let text = try String(contentsOfFile: source + "/" + unit, encoding: .utf8).replacingOccurrences(of: "/usr/local/bin/rolekit", with: TestEnvironment.rolekitBinary)
            try text.write(toFile: work + "/" + unit, atomically: true, encoding: .utf8)
        }
        let system = try await Subprocess.runAsync(["/usr/bin/systemd-analyze", "verify", work + "/rolekit-serve.service", work + "/rolekit-serve.socket"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(system.status == 0 && system.stderr.isEmpty && system.stdoutText.isEmpty, "\(system.stderr)\(system.stdoutText)")
        try FileManager.default.copyItem(atPath: work + "/rolekit-update@.service", toPath: work + "/rolekit-update@default.service")
        let user = try await Subprocess.runAsync(
            ["/usr/bin/systemd-analyze", "--user", "verify", work + "/rolekit-update@default.service"], environment: ["PATH": "/usr/bin:/bin", "XDG_RUNTIME_DIR": work + "/runtime", "HOME": work]
        )
        #expect(user.status == 0 && user.stderr.isEmpty && user.stdoutText.isEmpty, "\(user.stderr)\(user.stdoutText)")
        // Every long option the units give serve and update is one they accept.
        for (unit, command) in [("rolekit-serve.service", "serve"), ("rolekit-update@.service", "update")] {
            let help = try await Subprocess.rolekitAsync([command, "--help"])
            let text = try String(contentsOfFile: source + "/" + unit, encoding: .utf8)
            let options = Set(Self.execStart(text).split(separator: " ").filter { $0.hasPrefix("--") }.map(String.init))
            #expect(!options.isEmpty)
            for option in options { #expect(help.stdoutText.contains(option), "\(unit) passes \(option), which \(command) does not take") }
        }
    }
}
