import Foundation
import RoleKitCredentials
import RoleKitServices
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
import RoleKitTransport
import Testing

/// Cache keys and cache files shared with botocore: expected keys come from botocore's own
/// `_create_cache_key` (scripts/reference/botocore_cache_key.py), and each side reads the other's
/// files (scripts/reference/botocore_cache_interop.py).
@Suite("botocore cache compatibility")
struct BotocoreCacheInteropTests {
    struct KeyCase: Sendable {
        var input: AssumeRoleInput
        var generated: Bool
    }

    static let role = "arn:aws:iam::123456789012:role/demo"

    static let cases: [KeyCase] = [
        KeyCase(input: AssumeRoleInput(roleArn: role, roleSessionName: "x"), generated: true),
        KeyCase(input: AssumeRoleInput(roleArn: role, roleSessionName: "configured-name"), generated: false),
        KeyCase(input: AssumeRoleInput(roleArn: "arn:aws:iam::123456789012:role/path/with/slashes", roleSessionName: "x", durationSeconds: 3600), generated: true),
        KeyCase(input: AssumeRoleInput(roleArn: role, roleSessionName: "x", externalId: "ext-1"), generated: true),
        KeyCase(input: AssumeRoleInput(roleArn: role, roleSessionName: "x", durationSeconds: 3600, externalId: "ext-1", serialNumber: "arn:aws:iam::123456789012:mfa/alice"), generated: true),
        KeyCase(input: AssumeRoleInput(roleArn: role, roleSessionName: "s", externalId: "ünïcødé-✓ 😀"), generated: false),
        KeyCase(input: AssumeRoleInput(roleArn: role, roleSessionName: "x", policy: .json(#"{"Version": "2012-10-17", "Statement": [{"Resource": "arn:aws:s3:::b/k/*", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"]}]}"#)), generated: true),
        KeyCase(input: AssumeRoleInput(roleArn: role, roleSessionName: "x", policy: .json(#"{"Statement":[{"Condition":{"StringEquals":{"aws:PrincipalTag/Team":"Ü"}},"Effect":"Deny","Action":"*","Resource":"*"}],"Version":"2012-10-17"}"#)), generated: true),
        KeyCase(input: AssumeRoleInput(roleArn: role, roleSessionName: "x", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], tags: [STSTag(key: "Project", value: "Blue/Green"), STSTag(key: "Team", value: "Ops")], transitiveTagKeys: ["Project"], sourceIdentity: "alice"), generated: true),
        KeyCase(input: AssumeRoleInput(roleArn: "arn:aws-cn:iam::123456789012:role/中文", roleSessionName: "name@example.com"), generated: false),
        KeyCase(input: AssumeRoleInput(roleArn: role, roleSessionName: "x", durationSeconds: 43_200, externalId: "quote\"back\\slash\ttab"), generated: true),
        KeyCase(input: AssumeRoleInput(roleArn: "myrole", roleSessionName: "my_session_name"), generated: false),
    ]

    /// The arguments as botocore's fetcher gets them (JSON for the reference script).
    static func botocoreArguments(_ testCase: KeyCase) -> [String: Any] {
        let input = testCase.input
        var args: [String: Any] = ["RoleArn": input.roleArn, "_generatedSessionName": testCase.generated]
        if !testCase.generated { args["RoleSessionName"] = input.roleSessionName }
        if let value = input.externalId { args["ExternalId"] = value }
        if let value = input.serialNumber { args["SerialNumber"] = value }
        if let value = input.durationSeconds { args["DurationSeconds"] = value }
        if let value = input.policy { args["Policy"] = value.text }
        if !input.policyArns.isEmpty { args["PolicyArns"] = input.policyArns.map { ["arn": $0] } }
        if !input.tags.isEmpty { args["Tags"] = input.tags.map { ["Key": $0.key, "Value": $0.value] } }
        if !input.transitiveTagKeys.isEmpty { args["TransitiveTagKeys"] = input.transitiveTagKeys }
        if let value = input.sourceIdentity { args["SourceIdentity"] = value }
        return args
    }

    @Test func cacheKeysEqualBotocores() async throws {
        let json = try JSONSerialization.data(withJSONObject: Self.cases.map(Self.botocoreArguments))
        let result = try await Subprocess.runAsync([TestEnvironment.python, TestEnvironment.referenceScript("botocore_cache_key.py")], stdin: Array(json))
        #expect(result.status == 0, "\(result.stderr)")
        let expected = result.stdoutText.split(separator: "\n").map(String.init)
        #expect(expected.count == Self.cases.count)
        for (testCase, key) in zip(Self.cases, expected) {
            #expect(AssumeRoleCacheKey.botocore(testCase.input, sessionNameWasGenerated: testCase.generated) == key, "\(AssumeRoleCacheKey.arguments(testCase.input, sessionNameWasGenerated: testCase.generated).dumps)")
        }
    }

    @Test func botocoreUsesAnEntryRoleKitWrote() async throws {
        let directory = NSTemporaryDirectory() + "rolekit-interop-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = JSONFileAssumeRoleCache(directory: directory)
        let input = AssumeRoleInput(roleArn: Self.role, roleSessionName: "generated", durationSeconds: 3600, externalId: "ext-9")
        let key = AssumeRoleCacheKey.botocore(input, sessionNameWasGenerated: true)
        try cache.store(CachedRoleCredentials(
            credentials: Credentials(accessKeyId: "ASIAWRITTENBYROLEKIT", secretAccessKey: "s", sessionToken: "t", expiration: Date().addingTimeInterval(3600)),
            assumedRoleUser: AssumedRoleUser(assumedRoleId: "AROAEXAMPLE:generated", arn: "arn:aws:sts::123456789012:assumed-role/demo/generated")
        ), forKey: key)
        let result = try await Subprocess.runAsync([TestEnvironment.python, TestEnvironment.referenceScript("botocore_cache_interop.py"), "read", directory, Self.role, "--external-id", "ext-9", "--duration", "3600"])
        #expect(result.status == 0, "\(result.stderr)")
        let answer = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any]
        #expect(answer?["access_key"] as? String == "ASIAWRITTENBYROLEKIT")
        #expect(answer?["called_sts"] as? Bool == false)
    }

    @Test func roleKitUsesAnEntryBotocoreWrote() async throws {
        let directory = NSTemporaryDirectory() + "rolekit-interop-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let expiration = ISO8601Timestamp.format(Date().addingTimeInterval(2 * 3600))
        let result = try await Subprocess.runAsync([
            TestEnvironment.python, TestEnvironment.referenceScript("botocore_cache_interop.py"), "write", directory, Self.role, "--external-id", "ext-9",
            "--access-key-id", "ASIAWRITTENBYBOTO001", "--secret", "s", "--token", "t", "--expiration", expiration,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        // Nothing listens on the endpoint: the credentials can only come from botocore's file.
        let transport = try HTTPTransport(configuration: .init(retry: .none))
        let provider = try StaticCredentialProvider(Credentials(accessKeyId: "AKIDBASE00000000", secretAccessKey: "s")).assumingRole(
            .init(roleArn: Self.role, externalId: "ext-9", endpoint: URL(string: "http://127.0.0.1:1")!),
            transport: transport, cache: JSONFileAssumeRoleCache(directory: directory)
        )
        #expect(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix(provider.cacheKey + ".json"))
        let credentials = try await provider.credentials()
        try await transport.shutdown()
        #expect(credentials.accessKeyId == "ASIAWRITTENBYBOTO001")
        #expect(credentials.expiration.map(ISO8601Timestamp.format) == expiration)
    }
}
