import Foundation
@testable import RoleKitEmulator
import RoleKitServices
import RoleKitSigning
import RoleKitTesting
import RoleKitTransport
import Testing

/// Every expiration and time check of the emulator comes from the one injected clock.
@Suite("Emulator: one injected clock")
struct EmulatorClockTests {
    static let assumeRoleForm = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fchained&RoleSessionName=clock-test&DurationSeconds=1800"

    @Test func stsAssumeRoleExpirationIsTheInjectedClockPlusTheDuration() throws {
        let harness = try EmulatorHarness()
        defer { harness.remove() }
        let sts = STSEmulator(rolesAnywhere: harness.emulator)
        let response = sts.handle(harness.stsRequest(Self.assumeRoleForm, credentials: harness.adminCredentials))
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        let expiration = try #require(EmulatorHarness.element("Expiration", in: response.body))
        #expect(ISO8601Timestamp.parse(expiration) == EmulatorHarness.start.addingTimeInterval(1800))
        #expect(expiration == "2031-01-01T00:30:00Z")
        let accessKeyId = try #require(EmulatorHarness.element("AccessKeyId", in: response.body))
        #expect(harness.emulator.issuedSession(accessKeyId: accessKeyId)?.expiration == EmulatorHarness.start.addingTimeInterval(1800))
    }

    @Test func theServedSTSUsesTheEmulatorsClock() async throws {
        // The server used to make its STS with the system clock: a request signed in 2031 was
        // refused as "Signature expired", and AssumeRole expirations were real-time.
        let harness = try EmulatorHarness()
        defer { harness.remove() }
        let server = EmulatorServer(rolesAnywhere: harness.emulator)
        let port = try await server.start()
        let transport = try HTTPTransport(configuration: .init(retry: .none), clock: harness.clock)
        try await withTeardown({
            let endpoint = try #require(URL(string: "http://127.0.0.1:\(port)"))
            let signer = SigV4Signer(credentials: harness.adminCredentials, region: EmulatorHarness.region, service: "sts")
            let request = SigningRequest(method: "POST", path: "/", headers: [.init("Host", "127.0.0.1:\(port)"), .init("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: Array(Self.assumeRoleForm.utf8))
            let response = try await transport.send(request, to: endpoint, sign: { request, date in signer.sign(request, at: date) }, parseError: { _ in ServiceErrorInfo(code: nil, message: nil) })
            #expect(EmulatorHarness.element("Expiration", in: response.body) == "2031-01-01T00:30:00Z")
        }, teardown: {
            try await transport.shutdown()
            await server.stop()
        })
    }

    @Test func createSessionExpirationFollowsTheClockAndExpiredKeysAreRefusedBySTS() async throws {
        let harness = try EmulatorHarness()
        defer { harness.remove() }
        let response = await harness.emulator.createSession(try harness.createSessionRequest(durationSeconds: 900))
        #expect(response.status == 201, "\(String(decoding: response.body, as: UTF8.self))")
        // The answer is what RoleKitServices' client reads.
        let output = try JSONDecoder().decode(CreateSessionOutput.self, from: Data(response.body))
        let credentials = try #require(output.credentialSet.first?.credentials)
        #expect(credentials.expiration == "2031-01-01T00:15:00Z")
        #expect(ISO8601Timestamp.parse(credentials.expiration) == EmulatorHarness.start.addingTimeInterval(900))
        #expect(output.credentialSet.first?.assumedRoleUser?.arn?.hasPrefix("arn:aws:sts::123456789012:assumed-role/emulator-test/") == true)

        let sts = STSEmulator(rolesAnywhere: harness.emulator)
        let session = SigningCredentials(accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken)
        let identity = "Action=GetCallerIdentity&Version=2011-06-15"
        let live = sts.handle(harness.stsRequest(identity, credentials: session))
        #expect(live.status == 200, "\(String(decoding: live.body, as: UTF8.self))")
        #expect(EmulatorHarness.element("Arn", in: live.body)?.hasPrefix("arn:aws:sts::123456789012:assumed-role/emulator-test/") == true)

        // One second past the expiration, signed at the new time: the keys are unknown.
        harness.clock.advance(by: 901)
        let expired = sts.handle(harness.stsRequest(identity, credentials: session))
        #expect(expired.status == 403)
        #expect(EmulatorHarness.element("Code", in: expired.body) == "UnrecognizedClientException")
    }

    @Test func assumeRoleSessionsExpireOnTheSameClock() throws {
        let harness = try EmulatorHarness()
        defer { harness.remove() }
        let sts = STSEmulator(rolesAnywhere: harness.emulator)
        let assumed = sts.handle(harness.stsRequest(Self.assumeRoleForm, credentials: harness.adminCredentials))
        let accessKeyId = try #require(EmulatorHarness.element("AccessKeyId", in: assumed.body))
        let secretAccessKey = try #require(EmulatorHarness.element("SecretAccessKey", in: assumed.body))
        let sessionToken = try #require(EmulatorHarness.element("SessionToken", in: assumed.body))
        let session = SigningCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
        let identity = "Action=GetCallerIdentity&Version=2011-06-15"
        harness.clock.advance(by: 1799)
        #expect(sts.handle(harness.stsRequest(identity, credentials: session)).status == 200)
        harness.clock.advance(by: 2)
        #expect(sts.handle(harness.stsRequest(identity, credentials: session)).status == 403)
    }

    @Test func createSessionChecksTheSignatureWindowOnTheClock() async throws {
        let harness = try EmulatorHarness()
        defer { harness.remove() }
        let request = try harness.createSessionRequest(durationSeconds: 900)
        harness.clock.advance(by: 301)
        let response = await harness.emulator.createSession(request)
        #expect(response.status == 403)
        #expect(EmulatorHarness.header("X-Amzn-ErrorType", in: response) == "AccessDeniedException")
        #expect(String(decoding: response.body, as: UTF8.self).contains("Signature expired: 20310101T000000Z is now earlier than 20310101T000001Z"))
    }

    @Test func controlPlaneTimestampsComeFromTheClock() throws {
        let harness = try EmulatorHarness()
        defer { harness.remove() }
        harness.clock.advance(by: 42.7)
        let signer = SigV4Signer(credentials: harness.adminCredentials, region: EmulatorHarness.region, service: "rolesanywhere")
        let body = #"{"name":"p","roleArns":["arn:aws:iam::123456789012:role/r"]}"#
        let request = signer.sign(SigningRequest(method: "POST", path: "/profiles", headers: [.init("Host", "127.0.0.1"), .init("Content-Type", "application/json")], body: Array(body.utf8)), at: harness.clock.now())
        let response = try #require(harness.emulator.controlPlane.handle(request))
        #expect(response.status == 201)
        let profile = try JSONDecoder().decode(RolesAnywhere.ProfileDetailResponse.self, from: Data(response.body)).profile
        #expect(profile?.createdAt == EmulatorHarness.start.addingTimeInterval(42))
    }

    @Test func theNowClosureInitializersStillWork() throws {
        let date = EmulatorHarness.start
        let emulator = try RolesAnywhereEmulator(configuration: EmulatorConfiguration(), now: { date })
        #expect(emulator.clock.now() == date)
        #expect(emulator.controlPlane.clock.now() == date)
        #expect(STSEmulator(rolesAnywhere: emulator).clock.now() == date)
        #expect(STSEmulator(rolesAnywhere: emulator, now: { date.addingTimeInterval(1) }).clock.now() == date.addingTimeInterval(1))
    }
}
