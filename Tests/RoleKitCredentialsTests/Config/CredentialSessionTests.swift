import Foundation
import RoleKitCredentials
import RoleKitServices
import RoleKitTesting
import RoleKitTestSupport
import RoleKitTransport
import Testing

/// The library object behind the auth options (awsauthhelper's `Credentials`), against moto_server.
@Suite("Credential session")
struct CredentialSessionTests {
    static let noFiles = AWSEnvironment { name in
        ["HOME": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
         "AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL_STS": MotoServer.endpoint.absoluteString][name]
    }

    func withTransport<T>(_ body: (HTTPTransport) async throws -> T) async throws -> T {
        try await RoleKitTesting.withTransport(.init(retry: .none), body)
    }

    @Test func checksDescribeTheSettings() async throws {
        try await withTransport { (transport: HTTPTransport) async throws -> Void in
            typealias S = CredentialSession.Settings
            func session(_ settings: S) -> CredentialSession { CredentialSession(settings: settings, transport: transport, environment: Self.noFiles) }
            let keys = session(S(accessKeyId: "AKIAKEYS00000000001", secretAccessKey: "s"))
            #expect(keys.hasKeys && !keys.hasSessionKeys && !keys.hasProfile && !keys.hasRole && !keys.hasMFA && !keys.shouldAssumeRole)
            let sessionKeys = session(S(accessKeyId: "A", secretAccessKey: "s", sessionToken: "t"))
            #expect(sessionKeys.hasSessionKeys)
            let idOnly = session(S(accessKeyId: "A"))
            #expect(!idOnly.hasKeys)
            let profileRole = session(S(profile: "p", roleArn: "arn:aws:iam::123456789012:role/r", mfaSerial: "arn:aws:iam::123456789012:mfa/u"))
            #expect(profileRole.hasProfile && profileRole.hasRole && profileRole.hasMFA && profileRole.shouldAssumeRole)
            let roleOnly = session(S(roleArn: "arn:aws:iam::123456789012:role/r"))
            #expect(roleOnly.hasRole && !roleOnly.shouldAssumeRole)
            #expect(keys.region == "us-east-1")
            #expect(keys.forRegion("eu-west-1").region == "eu-west-1")
            #expect(keys.forRegion("eu-west-1").settings.accessKeyId == "AKIAKEYS00000000001")
        }
    }

    @Test func roleIsAssumedThenResetStartsOver() async throws {
        try await withTransport { (transport: HTTPTransport) async throws -> Void in
            let settings = CredentialSession.Settings(accessKeyId: "AKIABASEKEYS0000001", secretAccessKey: "base", region: "us-east-1", roleArn: "arn:aws:iam::123456789012:role/app", roleSessionName: "app-1")
            let session = CredentialSession(settings: settings, transport: transport, environment: Self.noFiles)
            let first = try await session.freeze()
            #expect(session.method == "explicit-keys+assume-role")
            #expect(first.accessKeyId.hasPrefix("ASIA") && first.expiration != nil)
            #expect(try await session.freeze() == first)  // one provider, credentials reused
            let sts = STSClient(transport: transport, region: "us-east-1", endpoint: MotoServer.endpoint)
            #expect(try await sts.getCallerIdentity(credentials: first.signingCredentials).arn == "arn:aws:sts::123456789012:assumed-role/app/app-1")
            session.reset()
            #expect(session.method == nil)
            let second = try await session.freeze()
            #expect(second.accessKeyId != first.accessKeyId)
            // The base credentials stay reachable.
            let (base, source) = try await session.baseProvider()
            #expect(source == .explicitKeys)
            #expect(source.method == "explicit-keys")
            #expect(try await base.credentials().accessKeyId == "AKIABASEKEYS0000001")
            // Process-wide default.
            session.makeDefault()
            #expect(CredentialSession.default === session)
        }
    }

    @Test func mfaSessionWhenNoRoleIsGiven() async throws {
        try await withTransport { (transport: HTTPTransport) async throws -> Void in
            let settings = CredentialSession.Settings(accessKeyId: "AKIABASEKEYS0000002", secretAccessKey: "base", mfaSerial: "arn:aws:iam::123456789012:mfa/user", mfaToken: "123456", mfaSessionLife: 3600)
            let session = CredentialSession(settings: settings, transport: transport, environment: Self.noFiles)
            let credentials = try await session.freeze()
            #expect(session.method == "explicit-keys+mfa-session")
            #expect(credentials.sessionToken != nil && credentials.accessKeyId != "AKIABASEKEYS0000002")
            var missing = settings
            missing.mfaToken = nil
            let error = await #expect(throws: STSError.self) {
                _ = try await CredentialSession(settings: missing, transport: transport, environment: Self.noFiles).freeze()
            }
            #expect(error?.code == .mfaCodeRequired)
        }
    }

    @Test func profileRegionAndMissingCredentials() async throws {
        let folder = NSTemporaryDirectory() + "rolekit-session-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "[profile dev]\naws_access_key_id = AKIADEVKEYS00000001\naws_secret_access_key = dev\nregion = ca-central-1\n".write(toFile: folder + "/config", atomically: true, encoding: .utf8)
        try await withTransport { (transport: HTTPTransport) async throws -> Void in
            let session = CredentialSession(settings: .init(profile: "dev", configPath: folder + "/config"), transport: transport, environment: Self.noFiles)
            #expect(try await session.freeze().accessKeyId == "AKIADEVKEYS00000001")
            #expect(session.method == "config-file")
            #expect(session.region == "ca-central-1")
            let nothing = CredentialSession(settings: .init(), transport: transport, environment: Self.noFiles)
            let error = await #expect(throws: CredentialsError.self) { _ = try await nothing.freeze() }
            #expect(error?.code == .notFound)
        }
    }
}
