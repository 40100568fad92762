import Foundation
import RoleKitCredentials
import RoleKitEndpoints
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
import RoleKitTransport
import Synchronization
import Testing

/// A credential source the test controls: it answers with the next credentials or fails.
final class ControlledSource: CredentialProvider {
    private let state = Mutex<(next: Credentials?, failure: String?, calls: Int)>((nil, nil, 0))

    func answer(_ credentials: Credentials) { state.withLock { $0.next = credentials; $0.failure = nil } }
    func fail(_ message: String) { state.withLock { $0.failure = message } }
    var calls: Int { state.withLock { $0.calls } }

    func credentials() async throws -> Credentials {
        let (next, failure) = state.withLock { state -> (Credentials?, String?) in
            state.calls += 1
            return (state.next, state.failure)
        }
        if let failure { throw CredentialsError(.retrievalFailed, failure) }
        guard let next else { throw CredentialsError(.notFound, "nothing yet") }
        return next
    }
}

/// The IMDSv2 and container endpoints over real loopback HTTP.
@Suite("Local credential endpoints")
struct CredentialEndpointServerTests {
    struct Answer {
        var status: Int
        var body: String
        var headers: [(String, String)]
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    /// One HTTP request, any status (no retries).
    static func request(_ transport: HTTPTransport, port: Int, _ method: String, _ path: String, _ headers: [(String, String)] = []) async throws -> Answer {
        let request = SigningRequest(method: method, path: path, headers: [.init("Host", "127.0.0.1:\(port)")] + headers.map { .init($0.0, $0.1) })
        do {
            let response = try await transport.send(request, to: URL(string: "http://127.0.0.1:\(port)")!, sign: { request, _ in request }, parseError: { _ in ServiceErrorInfo(code: nil, message: nil) })
            return Answer(status: response.status, body: response.bodyText, headers: response.headers)
        } catch let error as TransportError {
            let response = try #require(error.response, "\(error)")
            return Answer(status: response.status, body: response.bodyText, headers: response.headers)
        }
    }

    static let first = Credentials(accessKeyId: "ASIAFIRSTSERVED00001", secretAccessKey: "first-secret", sessionToken: "first-token", expiration: Date(timeIntervalSince1970: 2_000_003_600))
    static let second = Credentials(accessKeyId: "ASIASECONDSERVED0002", secretAccessKey: "second-secret", sessionToken: "second-token", expiration: Date(timeIntervalSince1970: 2_000_010_000))

    func withServer(mode: CredentialEndpointServer.Mode, maximumTokens: Int = 256, _ body: (Int, HTTPTransport, ControlledSource, ManualWallClock, ServedCredentials) async throws -> Void) async throws {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 2_000_000_000))
        let source = ControlledSource()
        source.answer(Self.first)
        let served = ServedCredentials(provider: source, clock: clock)
        try await served.start()
        let server = CredentialEndpointServer(configuration: .init(port: 0, hopLimit: nil, mode: mode, maximumTokens: maximumTokens), credentials: served, clock: clock)
        let port = try await server.start()
        let transport = try HTTPTransport(configuration: .init(retry: .none))
        try await withTeardown({ try await body(port, transport, source, clock, served) }, teardown: {
            try await transport.shutdown()
            await server.stop()
        })
    }

    @Test func imdsV2FlowAndEveryRefusal() async throws {
        try await withServer(mode: .instanceMetadata(roleName: "demo-role")) { port, transport, _, clock, _ in
            func call(_ method: String, _ path: String, _ headers: [(String, String)] = []) async throws -> Answer {
                try await Self.request(transport, port: port, method, path, headers)
            }
            // Token: TTL 1–21600 (default 21600), echoed.
            let issued = try await call("PUT", "/latest/api/token", [("x-aws-ec2-metadata-token-ttl-seconds", "300")])
            #expect(issued.status == 200 && issued.body.count == 100)
            #expect(issued.header("x-aws-ec2-metadata-token-ttl-seconds") == "300")
            let token = issued.body
            for bad in ["0", "21601", "abc", "-5"] {
                #expect(try await call("PUT", "/latest/api/token", [("x-aws-ec2-metadata-token-ttl-seconds", bad)]).status == 400, "TTL \(bad)")
            }
            #expect(try await call("PUT", "/latest/api/token").header("x-aws-ec2-metadata-token-ttl-seconds") == "21600")
            // X-Forwarded-For is refused, on the token call and on reads.
            #expect(try await call("PUT", "/latest/api/token", [("X-Forwarded-For", "10.0.0.1")]).status == 400)
            #expect(try await call("GET", "/latest/meta-data/iam/security-credentials/", [("x-aws-ec2-metadata-token", token), ("X-Forwarded-For", "10.0.0.1")]).status == 400)
            // No token, a wrong one: 401. IMDSv1 is not served.
            #expect(try await call("GET", "/latest/meta-data/iam/security-credentials/").status == 401)
            #expect(try await call("GET", "/latest/meta-data/iam/security-credentials/demo-role", [("x-aws-ec2-metadata-token", "made-up")]).status == 401)
            // The role name, then the credentials document.
            let name = try await call("GET", "/latest/meta-data/iam/security-credentials/", [("x-aws-ec2-metadata-token", token)])
            #expect(name.status == 200 && name.body == "demo-role")
            #expect(try await call("GET", "/latest/meta-data/iam/security-credentials", [("x-aws-ec2-metadata-token", token)]).body == "demo-role")
            let document = try await call("GET", "/latest/meta-data/iam/security-credentials/demo-role", [("x-aws-ec2-metadata-token", token)])
            #expect(document.status == 200)
            let json = try JSONSerialization.jsonObject(with: Data(document.body.utf8)) as? [String: String]
            #expect(json?["Code"] == "Success" && json?["Type"] == "AWS-HMAC")
            #expect(json?["AccessKeyId"] == "ASIAFIRSTSERVED00001" && json?["Token"] == "first-token")
            #expect(json?["Expiration"] == "2033-05-18T04:33:20Z")
            #expect(json?["LastUpdated"] == "2033-05-18T03:33:20Z")
            #expect(try await call("GET", "/latest/meta-data/iam/security-credentials/other-role", [("x-aws-ec2-metadata-token", token)]).status == 404)
            #expect(try await call("POST", "/latest/meta-data/iam/security-credentials/demo-role", [("x-aws-ec2-metadata-token", token)]).status == 405)
            #expect(try await call("GET", "/latest/api/token").status == 405)
            // The token expires with its TTL.
            clock.advance(by: 301)
            #expect(try await call("GET", "/latest/meta-data/iam/security-credentials/", [("x-aws-ec2-metadata-token", token)]).status == 401)
        }
    }

    @Test func atMost256TokensTheEarliestExpiringGoesFirst() async throws {
        try await withServer(mode: .instanceMetadata(roleName: "r")) { port, transport, _, _, _ in
            // The first token expires earliest (TTL 60); 256 more with a long TTL push it out.
            let early = try await Self.request(transport, port: port, "PUT", "/latest/api/token", [("x-aws-ec2-metadata-token-ttl-seconds", "60")]).body
            var tokens: [String] = []
            for _ in 0..<256 {
                tokens.append(try await Self.request(transport, port: port, "PUT", "/latest/api/token", [("x-aws-ec2-metadata-token-ttl-seconds", "3600")]).body)
            }
            #expect(Set(tokens).count == 256)
            #expect(try await Self.request(transport, port: port, "GET", "/latest/meta-data/iam/security-credentials/", [("x-aws-ec2-metadata-token", early)]).status == 401)
            #expect(try await Self.request(transport, port: port, "GET", "/latest/meta-data/iam/security-credentials/", [("x-aws-ec2-metadata-token", tokens[0])]).status == 200)
            #expect(try await Self.request(transport, port: port, "GET", "/latest/meta-data/iam/security-credentials/", [("x-aws-ec2-metadata-token", tokens[255])]).status == 200)
        }
    }

    /// The upstream fails during a refresh: the last good credentials are served while valid,
    /// then an error status (never empty or expired credentials), then recovery.
    @Test func upstreamFailureKeepsLastGoodThenErrorsThenRecovers() async throws {
        try await withServer(mode: .instanceMetadata(roleName: "r")) { port, transport, source, clock, served in
            let token = try await Self.request(transport, port: port, "PUT", "/latest/api/token").body
            func document() async throws -> Answer {
                try await Self.request(transport, port: port, "GET", "/latest/meta-data/iam/security-credentials/r", [("x-aws-ec2-metadata-token", token)])
            }
            // In the refresh window (4 minutes left) the upstream fails.
            clock.advance(by: 3600 - 240)
            source.fail("upstream down")
            #expect(await served.refresh() == false)
            let kept = try await document()
            #expect(kept.status == 200 && kept.body.contains("ASIAFIRSTSERVED00001"))
            #expect(served.nextRefreshDelay() <= .seconds(5))  // retried soon, with backoff
            #expect(await served.refresh() == false)
            #expect(served.nextRefreshDelay() == .seconds(10))
            // Past expiry: an error status, not expired or empty credentials.
            clock.advance(by: 241)
            let failed = try await document()
            #expect(failed.status == 503)
            #expect(!failed.body.contains("ASIA") && failed.body.contains("upstream down"))
            // The upstream recovers.
            source.answer(Self.second)
            #expect(await served.refresh() == true)
            let recovered = try await document()
            #expect(recovered.status == 200 && recovered.body.contains("ASIASECONDSERVED0002"))
        }
    }

    @Test func startFailsFastAndEmptyOrExpiredCredentialsAreRefused() async throws {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 2_000_000_000))
        let source = ControlledSource()
        source.fail("no route to the service")
        let served = ServedCredentials(provider: source, clock: clock)
        await #expect(throws: CredentialsError.self) { try await served.start() }
        guard case .failure = served.current() else { Issue.record("served credentials before any fetch"); return }
        source.answer(Credentials(accessKeyId: "", secretAccessKey: "x"))
        await #expect(throws: ServedCredentials.Unavailable.self) { try await served.start() }
        source.answer(Credentials(accessKeyId: "ASIAEXPIREDSERVED001", secretAccessKey: "x", expiration: Date(timeIntervalSince1970: 1_999_999_000)))
        await #expect(throws: ServedCredentials.Unavailable.self) { try await served.start() }
        // Any provider's answer passes the one validation before it is served.
        source.answer(Credentials(accessKeyId: "ASIAINJECTEDSERVE001", secretAccessKey: "x", sessionToken: "t\r\nX-Injected: y", expiration: Date(timeIntervalSince1970: 2_000_003_600)))
        await #expect(throws: ServedCredentials.Unavailable.self) { try await served.start() }
    }

    @Test func refreshIsScheduledBeforeExpiryWithJitter() async throws {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 2_000_000_000))
        let source = ControlledSource()
        source.answer(Self.first)  // expires in 3600 s
        let served = ServedCredentials(provider: source, configuration: .init(refreshBefore: .seconds(300), jitter: .seconds(60)), clock: clock)
        try await served.start()
        // The first set: anywhere from 5% of its lifetime (180 s) to its refresh time, so hosts
        // started together do not refresh together.
        let first = served.nextRefreshDelay()
        #expect(first <= .seconds(3300) && first >= .seconds(180), "\(first)")
        // Later sets: 5 minutes before expiry, minus up to a minute of jitter.
        clock.advance(by: first.timeInterval)
        source.answer(Credentials(accessKeyId: "ASIASECONDSERVED001", secretAccessKey: "x", sessionToken: "t", expiration: clock.now().addingTimeInterval(3600)))
        #expect(await served.refresh())
        let next = served.nextRefreshDelay()
        #expect(next <= .seconds(3300) && next >= .seconds(3240), "\(next)")

        let unspread = ServedCredentials(provider: source, configuration: .init(refreshBefore: .seconds(300), jitter: .seconds(60), firstRefreshSpreadFrom: nil), clock: clock)
        try await unspread.start()
        let delay = unspread.nextRefreshDelay()
        #expect(delay <= .seconds(3300) && delay >= .seconds(3240), "\(delay)")
    }

    /// Credentials living shorter than the refresh lead (2 minutes here, against 5 minutes plus
    /// a minute of jitter) are refreshed after a quarter to a half of their life, not every
    /// retry interval: each refresh asks upstream, so a loop of immediate refreshes is a storm
    /// (seen with the emulator's 20 s sessions). Failed refreshes retry before the last good
    /// credentials run out, whatever the backoff has grown to.
    @Test func shortLivedCredentialsAreNotRefreshedInALoop() async throws {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 2_000_000_000))
        let source = ControlledSource()
        func issue() { source.answer(Credentials(accessKeyId: "ASIASHORTLIVED000001", secretAccessKey: "x", sessionToken: "t", expiration: clock.now().addingTimeInterval(120))) }
        issue()
        let served = ServedCredentials(provider: source, configuration: .init(refreshBefore: .seconds(300), jitter: .seconds(60), firstRefreshSpreadFrom: nil), clock: clock)
        try await served.start()
        for round in 0..<50 {
            let delay = served.nextRefreshDelay()
            #expect(delay >= .seconds(30) && delay <= .seconds(60), "round \(round): \(delay)")
            clock.advance(by: delay.timeInterval)
            issue()
            #expect(await served.refresh())
        }
        #expect(source.calls == 51)
        // The upstream fails from 10 s before expiry: retries come within half of what is left.
        clock.advance(by: 110)
        source.fail("upstream down")
        for _ in 0..<3 {
            #expect(await served.refresh() == false)
            let left = try #require(served.current().get().credentials.expiration).timeIntervalSince(clock.now())
            let delay = served.nextRefreshDelay()
            #expect(delay <= .seconds(5) && delay.timeInterval <= max(1, left / 2) + 0.001, "\(delay) with \(left) s left")
            clock.advance(by: delay.timeInterval)
        }
    }

    @Test func containerEndpointNeedsItsToken() async throws {
        let file = NSTemporaryDirectory() + "rolekit-serve-token-\(UUID().uuidString)"
        try "Bearer one-0123456789\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let mode = CredentialEndpointServer.Mode.container(token: { try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines) })
        try await withServer(mode: mode) { port, transport, _, _, _ in
            #expect(try await Self.request(transport, port: port, "GET", "/credentials").status == 401)
            #expect(try await Self.request(transport, port: port, "GET", "/credentials", [("Authorization", "Bearer two-0123456789")]).status == 403)
            // Credentials only on the announced path.
            #expect(try await Self.request(transport, port: port, "GET", "/other", [("Authorization", "Bearer one-0123456789")]).status == 404)
            let answer = try await Self.request(transport, port: port, "GET", "/credentials", [("Authorization", "Bearer one-0123456789")])
            #expect(answer.status == 200)
            let json = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: String]
            #expect(json?["AccessKeyId"] == "ASIAFIRSTSERVED00001" && json?["Token"] == "first-token" && json?["Expiration"] != nil)
            // The token file is read at each request, so it can rotate.
            try "Bearer two-0123456789".write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try await Self.request(transport, port: port, "GET", "/credentials", [("Authorization", "Bearer two-0123456789")]).status == 200)
            #expect(try await Self.request(transport, port: port, "GET", "/credentials", [("Authorization", "Bearer one-0123456789")]).status == 403)
            // A token shorter than 16 characters is refused for every request, even when matched.
            try "short".write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try await Self.request(transport, port: port, "GET", "/credentials", [("Authorization", "short")]).status == 500)
            try "".write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try await Self.request(transport, port: port, "GET", "/credentials", [("Authorization", "")]).status != 200)
        }
    }

    /// 500 idle sockets, a slow drip and an oversize body (scripts/reference/serve_abuse.py,
    /// raw sockets) while a well-behaved client keeps asking: it is answered every time.
    @Test func serveKeepsAnsweringUnderAbuse() async throws {
        let source = ControlledSource()
        source.answer(Self.first)
        let served = ServedCredentials(provider: source)
        try await served.start()
        let configuration = CredentialEndpointServer.Configuration(
            port: 0, hopLimit: nil, mode: .instanceMetadata(roleName: "abused"),
            maximumConnections: 64, requestTimeout: .seconds(2), idleTimeout: .seconds(3)
        )
        let server = CredentialEndpointServer(configuration: configuration, credentials: served)
        let port = try await server.start()
        let result = try await Subprocess.runAsync(
            [TestEnvironment.python, TestEnvironment.referenceScript("serve_abuse.py"), String(port), "abused", "6"], environment: ["PATH": "/usr/bin:/bin"]
        )
        await server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any], "\(result.stdoutText)")
        let ok = report["good_ok"] as? Int ?? 0
        #expect(ok >= 10, "\(report)")
        #expect(report["good_fail"] as? Int == 0, "\(report)")
        // Every idle socket was closed by the server (evicted at the cap or timed out).
        #expect(report["idle_opened"] as? Int == 500, "\(report)")
        #expect(report["idle_closed_by_server"] as? Int == 500, "\(report)")
        // The drip is cut off by the 2 s request timeout, long before its 20 s head is complete.
        let drip = try #require(report["drip_closed_after_seconds"] as? Double, "\(report)")
        #expect(drip < 6, "\(report)")
        #expect(report["oversize_status"] as? Int == 413, "\(report)")
        #expect(server.openConnections == 0 || server.openConnections <= 64)
    }

    /// The IP TTL of the responses, seen from outside: a client socket with IP_MINTTL drops
    /// packets below its minimum (scripts/reference/ttl_probe.py).
    @Test(arguments: [1, 64])
    func hopLimitSetsTheTTLOfResponses(_ hopLimit: Int) async throws {
        let source = ControlledSource()
        source.answer(Self.first)
        let served = ServedCredentials(provider: source)
        try await served.start()
        let server = CredentialEndpointServer(configuration: .init(port: 0, hopLimit: hopLimit, mode: .instanceMetadata(roleName: "r")), credentials: served)
        let port = try await server.start()
        func probe(_ minimum: Int, timeout: Int) async throws -> String {
            let result = try await Subprocess.runAsync(
                [TestEnvironment.python, TestEnvironment.referenceScript("ttl_probe.py"), String(port), String(minimum), String(timeout)], environment: ["PATH": "/usr/bin:/bin"]
            )
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try await probe(hopLimit, timeout: 15) == "answer 200")
        #expect(try await probe(hopLimit + 1, timeout: 2) == "no-answer")
        await server.stop()
    }
}
