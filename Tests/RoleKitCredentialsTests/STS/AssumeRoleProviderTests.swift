import Foundation
import RoleKitCredentials
import RoleKitServices
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
import RoleKitTransport
import Testing

@Suite("AssumeRole validation and helpers")
struct AssumeRoleValidationTests {
    static let role = "arn:aws:iam::123456789012:role/demo"

    static let bad: [(String, AssumeRoleInput)] = [
        ("role ARN of a user", AssumeRoleInput(roleArn: "arn:aws:iam::123456789012:user/bob", roleSessionName: "ok-name")),
        ("role ARN typo", AssumeRoleInput(roleArn: "arn:aws:iam:123456789012:role/demo", roleSessionName: "ok-name")),
        ("short session name", AssumeRoleInput(roleArn: role, roleSessionName: "a")),
        ("session name with space", AssumeRoleInput(roleArn: role, roleSessionName: "my session")),
        ("long session name", AssumeRoleInput(roleArn: role, roleSessionName: String(repeating: "a", count: 65))),
        ("duration too short", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", durationSeconds: 899)),
        ("duration too long", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", durationSeconds: 43_201)),
        ("51 tags", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", tags: (0...50).map { STSTag(key: "k\($0)", value: "v") })),
        ("long tag key", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", tags: [STSTag(key: String(repeating: "k", count: 129), value: "v")])),
        ("long tag value", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", tags: [STSTag(key: "k", value: String(repeating: "v", count: 257))])),
        ("tag with forbidden character", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", tags: [STSTag(key: "k", value: "semi;colon")])),
        ("transitive key not a tag", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", tags: [STSTag(key: "a", value: "b")], transitiveTagKeys: ["c"])),
        ("external id too short", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", externalId: "x")),
        ("external id with space", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", externalId: "has space")),
        ("MFA code of 5 digits", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", serialNumber: "arn:aws:iam::123456789012:mfa/alice", tokenCode: "12345")),
        ("MFA code with letters", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", serialNumber: "arn:aws:iam::123456789012:mfa/alice", tokenCode: "12345a")),
        ("MFA code without serial", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", tokenCode: "123456")),
        ("policy ARN of a role", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", policyArns: ["arn:aws:iam::123456789012:role/x"])),
        ("11 policy ARNs", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", policyArns: (0...10).map { "arn:aws:iam::aws:policy/P\($0)" })),
        ("source identity aws:", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", sourceIdentity: "aws:me")),
        ("inline policy too long", AssumeRoleInput(roleArn: role, roleSessionName: "ok-name", policy: .json(String(repeating: " ", count: 2049)))),
    ]

    @Test(arguments: bad.map(\.0))
    func invalidInputIsRefusedBeforeAnyCall(_ name: String) throws {
        let input = try #require(Self.bad.first { $0.0 == name }?.1)
        let error = #expect(throws: STSError.self) { try input.validate() }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.isEmpty == false)
    }

    @Test func validInputPasses() throws {
        try AssumeRoleInput(
            roleArn: "arn:aws-cn:iam::123456789012:role/a/b/c", roleSessionName: "a_b+c=d,e.f@g-h", durationSeconds: 900,
            tags: (0..<50).map { STSTag(key: "key \($0)", value: "v:/=+-@.") }, transitiveTagKeys: ["KEY 1"], externalId: "ab",
            serialNumber: "GAHT12345678", tokenCode: "000000", sourceIdentity: "alice@example.com"
        ).validate()
    }

    @Test func generatedSessionNamesAreValidAndDistinct() {
        let names = (0..<100).map { _ in RoleSessionName.generate() }
        #expect(names.allSatisfy(RoleSessionName.isValid))
        #expect(Set(names).count == 100)
        #expect(RoleSessionName.isValid(RoleSessionName.generate(prefix: String(repeating: "p", count: 100))))
    }

    @Test func assumedRoleArnsConvert() throws {
        let session = try ARN(parsing: "arn:aws-us-gov:sts::123456789012:assumed-role/deploy/ci-run-7")
        #expect(session.roleArnOfAssumedRoleSession?.description == "arn:aws-us-gov:iam::123456789012:role/deploy")
        let role = try ARN(parsing: "arn:aws:iam::123456789012:role/team/deploy")
        #expect(role.assumedRoleSessionArn(sessionName: "s")?.description == "arn:aws:sts::123456789012:assumed-role/deploy/s")
        #expect(try ARN(parsing: "arn:aws:iam::123456789012:user/x").roleArnOfAssumedRoleSession == nil)
        #expect(throws: ARNError.self) { try ARN(parsing: "arn:nope:iam::123456789012:role/x") }
    }

    @Test func pythonJSONMatchesJsonDumps() throws {
        // Expected texts written by hand from Python's json.dumps(..., sort_keys=True) rules.
        let value = PythonJSON.object([
            "b": .array([.int(1), .bool(true), .null]), "a": .string("x/y \"q\" \u{7f} é 😀"), "A": .double(1.5),
        ])
        #expect(value.dumps == #"{"A": 1.5, "a": "x/y \"q\" \u007f \u00e9 \ud83d\ude00", "b": [1, true, null]}"#)
        let policy = try PythonJSON.parse(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*","Action":"*"}]}"#)
        #expect(policy.dumps == #"{"Statement": [{"Action": "*", "Effect": "Allow", "Resource": "*"}], "Version": "2012-10-17"}"#)
    }

    @Test func cacheKeysMatchBotocoresPublishedVectors() {
        // Vectors from botocore's own tests (tests/unit/test_credentials.py).
        #expect(AssumeRoleCacheKey.botocore(AssumeRoleInput(roleArn: "arn:aws:iam::role/foo-role", roleSessionName: "generated"), sessionNameWasGenerated: true) == "75c539f0711ba78c5b9e488d0add95f178a54d74")
        #expect(AssumeRoleCacheKey.botocore(AssumeRoleInput(roleArn: "myrole", roleSessionName: "my_session_name"), sessionNameWasGenerated: false) == "2964201f5648c8be5b9460a9cf842d73a266daf2")
        let policy = #"{"Statement": [{"Effect": "Allow", "Resource": "*", "Action": "*"}], "Version": "2012-10-17"}"#
        #expect(AssumeRoleCacheKey.botocore(AssumeRoleInput(roleArn: "myrole", roleSessionName: "x", policy: .json(policy)), sessionNameWasGenerated: true) == "176f223d915e82456c253545e192aa21d68f5ab8")
    }
}

/// The assume-role provider with an injected clock against a scripted STS.
@Suite("Assume-role provider")
struct AssumeRoleProviderTests {
    static let base = StaticCredentialProvider(Credentials(accessKeyId: "AKIDBASE00000000", secretAccessKey: "base-secret"), region: "eu-central-1")

    /// An AssumeRole answer expiring `lifetime` seconds after `clock.now()` (computed when sent).
    static func answer(_ clock: ManualWallClock, lifetime: TimeInterval = 3600, key: String) -> ScriptedHTTPServer.Action {
        STSWireFixtures.assumeRoleResponse(expiration: ISO8601Timestamp.format(clock.now().addingTimeInterval(lifetime)), keyId: key)
    }

    func withSTS<T>(_ actions: [ScriptedHTTPServer.Action], clock: ManualWallClock, _ body: (URL, HTTPTransport, ScriptedHTTPServer) async throws -> T) async throws -> T {
        let server = ScriptedHTTPServer(actions)
        let port = try await server.start()
        // The transport's own clock stays real (signing times are not under test here).
        let transport = try HTTPTransport(configuration: .init(retry: .none))
        return try await withTeardown({ try await body(URL(string: "http://127.0.0.1:\(port)")!, transport, server) }, teardown: {
            try await transport.shutdown()
            await server.stop()
        })
    }

    @Test func refreshWindowsKeepLastGoodAndRecover() async throws {
        let clock = ManualWallClock(Date())
        // The STS answers are scripted in order: first, then a failure, then a new set.
        let actions: [ScriptedHTTPServer.Action] = [
            Self.answer(clock, key: "ASIAFIRST00000000001"),
            STSWireFixtures.errorResponse(503, "ServiceUnavailable"),
            STSWireFixtures.errorResponse(503, "ServiceUnavailable"),
            STSWireFixtures.assumeRoleResponse(expiration: ISO8601Timestamp.format(clock.now().addingTimeInterval(3 * 3600)), keyId: "ASIASECOND0000000001"),
        ]
        try await withSTS(actions, clock: clock) { endpoint, transport, server in
            let provider = try AssumeRoleCredentialProvider(
                parent: Self.base, configuration: .init(roleArn: "arn:aws:iam::123456789012:role/demo", endpoint: endpoint),
                transport: transport, clock: clock, refresh: .init(retryInterval: .seconds(1))
            )
            #expect(try await provider.credentials().accessKeyId == "ASIAFIRST00000000001")
            // Advisory window (12 min left): the refresh fails in the background, last good kept.
            clock.advance(by: 48 * 60)
            #expect(try await provider.credentials().accessKeyId == "ASIAFIRST00000000001")
            // Let the background refresh finish (however loaded the machine is).
            for _ in 0..<1000 where provider.isRefreshing { try await Task.sleep(for: .milliseconds(10)) }
            #expect(!provider.isRefreshing)
            #expect(server.requests.count == 2)
            // Mandatory window (5 min left): must refresh; it fails, so the caller sees the error.
            clock.advance(by: 7 * 60)
            await #expect(throws: STSError.self) { try await provider.credentials() }
            #expect(server.requests.count == 3)
            // Backoff: right after the failure the same error comes back without a call.
            await #expect(throws: STSError.self) { try await provider.credentials() }
            #expect(server.requests.count == 3)
            // Recovery: after the backoff (two failures in a row: 2 s) the next call succeeds.
            clock.advance(by: 2)
            #expect(try await provider.credentials().accessKeyId == "ASIASECOND0000000001")
            #expect(server.requests.count == 4)
        }
    }

    @Test func oneTimeMFACodeIsNotReusedOnRefresh() async throws {
        let clock = ManualWallClock(Date())
        try await withSTS([Self.answer(clock, lifetime: 900, key: "ASIAMFA0000000000001")], clock: clock) { endpoint, transport, server in
            let provider = try AssumeRoleCredentialProvider(
                parent: Self.base,
                configuration: .init(roleArn: "arn:aws:iam::123456789012:role/demo", mfa: .init(serialNumber: "arn:aws:iam::123456789012:mfa/alice", tokenCode: .oneTime("123456")), endpoint: endpoint),
                transport: transport, clock: clock
            )
            _ = try await provider.credentials()
            #expect(STSWireFixtures.form(server.requests[0].body)["TokenCode"] == "123456")
            clock.advance(by: 900)
            let error = await #expect(throws: STSError.self) { try await provider.credentials() }
            #expect(error?.code == .mfaCodeRequired)
            #expect(server.requests.count == 1, "no STS call with a stale code")
        }
    }

    @Test func mfaCodeProviderIsAskedAtEachRefresh() async throws {
        let clock = ManualWallClock(Date())
        let asked = LockedBox(0)
        try await withSTS([Self.answer(clock, lifetime: 900, key: "ASIAMFA0000000000001"), STSWireFixtures.assumeRoleResponse(expiration: ISO8601Timestamp.format(clock.now().addingTimeInterval(7200)), keyId: "ASIAMFA0000000000002")], clock: clock) { endpoint, transport, server in
            let provider = try AssumeRoleCredentialProvider(
                parent: Self.base,
                configuration: .init(roleArn: "arn:aws:iam::123456789012:role/demo", mfa: .init(serialNumber: "arn:aws:iam::123456789012:mfa/alice", tokenCode: .provider { _ in
                    asked.value += 1
                    return asked.value == 1 ? "111111" : "222222"
                }), endpoint: endpoint),
                transport: transport, clock: clock
            )
            _ = try await provider.credentials()
            clock.advance(by: 900)
            #expect(try await provider.credentials().accessKeyId == "ASIAMFA0000000000002")
            #expect(server.requests.map { STSWireFixtures.form($0.body)["TokenCode"] } == ["111111", "222222"])
        }
    }

    final class MovingRegion: RegionalCredentialProvider {
        let current = LockedBox("eu-west-1")
        var region: String? { current.value }
        func credentials() async throws -> Credentials { Credentials(accessKeyId: "AKIDMOVING000000", secretAccessKey: "s") }
    }

    @Test func regionModes() async throws {
        let parent = MovingRegion()
        let transport = try HTTPTransport()
        defer { Task { try? await transport.shutdown() } }
        let inherit = try parent.assumingRole(.init(roleArn: "arn:aws:iam::123456789012:role/a", region: .inherit), transport: transport)
        let pinned = try parent.assumingRole(.init(roleArn: "arn:aws:iam::123456789012:role/a", region: .pinned), transport: transport)
        let explicit = try parent.assumingRole(.init(roleArn: "arn:aws:iam::123456789012:role/a", region: .explicit("ap-south-1")), transport: transport)
        parent.current.value = "us-west-2"
        #expect(inherit.region == "us-west-2")
        #expect(pinned.region == "eu-west-1")
        #expect(explicit.region == "ap-south-1")
        // A chain inherits through its links.
        let child = try inherit.assumingRole(.init(roleArn: "arn:aws:iam::123456789012:role/b"))
        #expect(child.region == "us-west-2")
        #expect((child.parent as? AssumeRoleCredentialProvider) === inherit)
        try await transport.shutdown()
    }

    @Test func invalidConfigurationFailsAtCreationUnlessValidationIsOff() throws {
        let transport = try HTTPTransport()
        defer { Task { try? await transport.shutdown() } }
        let error = #expect(throws: STSError.self) { try Self.base.assumingRole(.init(roleArn: "arn:aws:iam::123456789012:role/demo", roleSessionName: "bad name"), transport: transport) }
        #expect(error?.code == .invalidInput)
        _ = try Self.base.assumingRole(.init(roleArn: "arn:aws:iam::123456789012:role/demo", roleSessionName: "bad name", validate: false), transport: transport)
    }

    @Test func fileCacheServesAFreshEntryWithoutCallingSTS() async throws {
        let clock = ManualWallClock(Date())
        let directory = NSTemporaryDirectory() + "rolekit-sts-cache-\(UUID().uuidString)/cli/cache"
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        let cache = JSONFileAssumeRoleCache(directory: directory)
        try await withSTS([Self.answer(clock, key: "ASIACACHED0000000001"), Self.answer(clock, key: "ASIACACHED0000000002")], clock: clock) { endpoint, transport, server in
            let configuration = AssumeRoleCredentialProvider.Configuration(roleArn: "arn:aws:iam::123456789012:role/demo", externalId: "ext-1", endpoint: endpoint)
            let first = try Self.base.assumingRole(configuration, transport: transport, cache: cache, clock: clock)
            let credentials = try await first.credentials()
            let path = cache.path(forKey: first.cacheKey)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            let directoryMode = try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int
            #expect(mode == 0o600 && directoryMode == 0o700)
            // A second provider (another process, say) with the same arguments uses the file.
            let second = try Self.base.assumingRole(configuration, transport: transport, cache: cache, clock: clock)
            #expect(second.cacheKey == first.cacheKey, "a generated session name is not part of the key")
            #expect(try await second.credentials() == credentials)
            #expect(server.requests.count == 1)
            // A corrupt entry is a miss and is overwritten.
            try Data("{\"Credentials\": ".utf8).write(to: URL(fileURLWithPath: path))
            let third = try Self.base.assumingRole(configuration, transport: transport, cache: cache, clock: clock)
            #expect(try await third.credentials().accessKeyId == "ASIACACHED0000000002")
            #expect(cache.entry(forKey: first.cacheKey)?.credentials.accessKeyId == "ASIACACHED0000000002")
        }
    }

    @Test func cacheReadsBotocoreTimestampForms() throws {
        let directory = NSTemporaryDirectory() + "rolekit-sts-forms-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let cache = JSONFileAssumeRoleCache(directory: directory)
        let forms = ["2030-01-02T03:04:05UTC", "2030-01-02T03:04:05Z", "2030-01-02T03:04:05+00:00", "2030-01-02T03:04:05.123456Z", "2030-01-02T04:04:05+01:00"]
        for (index, form) in forms.enumerated() {
            let json = #"{"Credentials": {"AccessKeyId": "ASIAFORMS000000\#(index)", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "\#(form)"}, "AssumedRoleUser": {"AssumedRoleId": "AROA:x", "Arn": "arn:aws:sts::123456789012:assumed-role/r/x"}, "ResponseMetadata": {"RequestId": "r"}}"#
            try Data(json.utf8).write(to: URL(fileURLWithPath: cache.path(forKey: "k\(index)")))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: cache.path(forKey: "k\(index)"))
            let entry = try #require(cache.entry(forKey: "k\(index)"), "\(form)")
            #expect(abs(entry.credentials.expiration!.timeIntervalSince1970 - 1_893_553_445) < 1, "\(form)")
            #expect(entry.assumedRoleUser?.arn == "arn:aws:sts::123456789012:assumed-role/r/x")
        }
    }
}
