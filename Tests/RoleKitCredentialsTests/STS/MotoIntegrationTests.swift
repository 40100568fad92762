import Foundation
import RoleKitCredentials
import RoleKitServices
import RoleKitTesting
import RoleKitTestSupport
import RoleKitTransport
import Testing

/// STS against moto_server, a third-party implementation.
@Suite("STS against moto_server")
struct MotoIntegrationTests {
    static let base = StaticCredentialProvider(Credentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), region: "us-east-1")

    func withTransport<T>(_ body: (HTTPTransport) async throws -> T) async throws -> T {
        try await RoleKitTesting.withTransport(.init(retry: .none), body)
    }

    @Test func chainOfDepthThreeAndCallerIdentityThroughIt() async throws {
        try await withTransport { transport in
            let endpoint = MotoServer.endpoint
            let first = try Self.base.assumingRole(.init(roleArn: "arn:aws:iam::123456789012:role/first", roleSessionName: "link-1", endpoint: endpoint), transport: transport)
            let second = try first.assumingRole(.init(roleArn: "arn:aws:iam::123456789012:role/second", roleSessionName: "link-2", endpoint: endpoint))
            let third = try second.assumingRole(.init(roleArn: "arn:aws:iam::123456789012:role/third", roleSessionName: "link-3", durationSeconds: 900, endpoint: endpoint))
            let credentials = try await third.credentials()
            #expect(credentials.accessKeyId.hasPrefix("ASIA"))
            #expect(credentials.sessionToken != nil)
            // Each link called STS with its parent's credentials.
            #expect(first.lastResponse?.assumedRoleUser?.arn == "arn:aws:sts::123456789012:assumed-role/first/link-1")
            #expect(second.lastResponse?.assumedRoleUser?.arn == "arn:aws:sts::123456789012:assumed-role/second/link-2")
            let client = STSClient(transport: transport, region: "us-east-1", endpoint: endpoint)
            let identity = try await client.getCallerIdentity(credentials: credentials.signingCredentials)
            #expect(identity.arn == "arn:aws:sts::123456789012:assumed-role/third/link-3")
            #expect(identity.account == "123456789012")
            // The parent chain is reachable from the child.
            #expect((third.parent as? AssumeRoleCredentialProvider) === second)
            #expect((second.parent as? AssumeRoleCredentialProvider) === first)
        }
    }

    @Test func everyParameterIsAcceptedByMoto() async throws {
        try await withTransport { transport in
            let provider = try Self.base.assumingRole(
                .init(
                    roleArn: "arn:aws:iam::123456789012:role/tagged", roleSessionName: "tagged-session",
                    policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], policy: .json(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#),
                    durationSeconds: 1800, tags: [STSTag(key: "Project", value: "Blue")], transitiveTagKeys: ["Project"], externalId: "ext-123",
                    sourceIdentity: "alice", region: .explicit("eu-west-1"), endpoint: MotoServer.endpoint
                ),
                transport: transport
            )
            let credentials = try await provider.credentials()
            let expiration = try #require(credentials.expiration)
            #expect(abs(expiration.timeIntervalSinceNow - 1800) < 120)
        }
    }

    @Test func mfaSessionToken() async throws {
        try await withTransport { transport in
            let client = STSClient(transport: transport, region: "us-east-1", endpoint: MotoServer.endpoint)
            let session = try await client.getSessionToken(.init(durationSeconds: 900, serialNumber: "arn:aws:iam::123456789012:mfa/alice", tokenCode: "123456"), credentials: try await Self.base.credentials().signingCredentials)
            #expect(!session.accessKeyId.isEmpty)
            #expect(!session.sessionToken.isEmpty)
            #expect(session.expiration > Date())
        }
    }

    @Test func webIdentity() async throws {
        try await withTransport { transport in
            let client = STSClient(transport: transport, region: "us-east-1", endpoint: MotoServer.endpoint)
            let output = try await client.assumeRoleWithWebIdentity(.init(roleArn: "arn:aws:iam::123456789012:role/web", roleSessionName: "web-session", webIdentityToken: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl", durationSeconds: 900))
            #expect(output.credentials.accessKeyId.hasPrefix("ASIA"))
            #expect(output.assumedRoleUser?.arn.contains("assumed-role/web/web-session") == true)
        }
    }

    @Test func webIdentityProviderReadsTheTokenFileAtEachRefresh() async throws {
        let file = NSTemporaryDirectory() + "rolekit-web-token-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvbmUifQ.c2ln\n".write(toFile: file, atomically: true, encoding: .utf8)
        let environment = ["AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/web", "AWS_WEB_IDENTITY_TOKEN_FILE": file, "AWS_ROLE_SESSION_NAME": "pod-1", "AWS_REGION": "eu-west-1"]
        var configuration = try #require(WebIdentityCredentialProvider.Configuration.fromEnvironment(AWSEnvironment(environment)))
        #expect(configuration.region == "eu-west-1")
        configuration.endpoint = MotoServer.endpoint
        try await withTransport { transport in
            let clock = ManualWallClock(Date())
            let provider = try WebIdentityCredentialProvider(configuration: configuration, transport: transport, clock: clock)
            let first = try await provider.credentials()
            #expect(first.accessKeyId.hasPrefix("ASIA"))
            #expect(try await provider.credentials() == first)
            // In the mandatory window (moto's sessions last an hour): the next call reads the
            // (rotated) file and calls STS again.
            clock.advance(by: 55 * 60)
            try "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0d28ifQ.c2ln".write(toFile: file, atomically: true, encoding: .utf8)
            let second = try await provider.credentials()
            #expect(second.accessKeyId != first.accessKeyId)
            // A missing file is a clear file error naming the path (botocore: FileNotFoundError).
            try FileManager.default.removeItem(atPath: file)
            clock.advance(by: 3 * 3600)
            let error = await #expect(throws: CredentialsError.self) { try await provider.credentials() }
            #expect(error?.code == .io)
            #expect(error?.message.contains(file) == true)
        }
    }

    @Test func cliAgainstMotoThroughEnvironmentEndpoint() async throws {
        let environment = [
            "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(),
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "AWS_ENDPOINT_URL_STS": MotoServer.endpoint.absoluteString, "AWS_REGION": "us-east-1",
        ]
        let whoami = try await Subprocess.rolekitAsync(["whoami"], environment: environment)
        #expect(whoami.status == 0, "\(whoami.stderr)")
        #expect(whoami.stdoutText.contains("\"Account\": \"123456789012\""))

        let chained = try await Subprocess.rolekitAsync([
            "assume-role", "--via-role-arn", "arn:aws:iam::123456789012:role/one", "--via-role-arn", "arn:aws:iam::123456789012:role/two",
            "--role-arn", "arn:aws:iam::123456789012:role/three", "--role-session-name", "cli-chain", "--output", "env",
        ], environment: environment)
        #expect(chained.status == 0, "\(chained.stderr)")
        var childEnvironment = environment
        for line in chained.stdoutText.split(separator: "\n") {
            let assignment = line.dropFirst("export ".count)
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            childEnvironment[parts[0]] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        #expect(childEnvironment["AWS_SESSION_TOKEN"] != nil && childEnvironment["AWS_CREDENTIAL_EXPIRATION"] != nil)
        let asRole = try await Subprocess.rolekitAsync(["whoami"], environment: childEnvironment)
        #expect(asRole.status == 0, "\(asRole.stderr)")
        #expect(asRole.stdoutText.contains("assumed-role/three/cli-chain"))

        let process = try await Subprocess.rolekitAsync(["assume-role", "--role-arn", "arn:aws:iam::123456789012:role/one", "--output", "process"], environment: environment)
        #expect(process.status == 0, "\(process.stderr)")
        #expect(process.stdoutText.hasPrefix("{\"Version\":1,\"AccessKeyId\":\"ASIA"))

        // --cache: the second run is answered from the AWS CLI cache (moto would issue new keys).
        let cacheDirectory = NSTemporaryDirectory() + "rolekit-cli-cache-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: cacheDirectory) }
        let cached = ["assume-role", "--role-arn", "arn:aws:iam::123456789012:role/one", "--external-id", "ext-1", "--cache", "--cache-dir", cacheDirectory]
        let firstCached = try await Subprocess.rolekitAsync(cached, environment: environment)
        let secondCached = try await Subprocess.rolekitAsync(cached, environment: environment)
        #expect(firstCached.status == 0 && secondCached.status == 0, "\(firstCached.stderr)\(secondCached.stderr)")
        #expect(firstCached.stdout == secondCached.stdout)
        #expect(firstCached.stdoutText.contains("\"AssumedRoleUser\""))
        let files = try FileManager.default.contentsOfDirectory(atPath: cacheDirectory)
        #expect(files.count == 1)
        #expect(try FileManager.default.attributesOfItem(atPath: cacheDirectory + "/" + files[0])[.posixPermissions] as? Int == 0o600)

        let token = try await Subprocess.rolekitAsync(["session-token", "--serial-number", "arn:aws:iam::123456789012:mfa/alice", "--token-code", "123456", "--output", "process"], environment: environment)
        #expect(token.status == 0, "\(token.stderr)")

        let badCode = try await Subprocess.rolekitAsync(["session-token", "--serial-number", "arn:aws:iam::123456789012:mfa/alice", "--token-code", "12ab"], environment: environment)
        #expect(badCode.status != 0)
        #expect(badCode.stderr.split(separator: "\n").count == 1)
        #expect(badCode.stderr.contains("6 digits"))

        var noCredentials = environment
        noCredentials["AWS_ACCESS_KEY_ID"] = nil
        let missing = try await Subprocess.rolekitAsync(["whoami"], environment: noCredentials)
        #expect(missing.status != 0)
        #expect(missing.stderr.hasPrefix("rolekit: no AWS credentials"))
        #expect(missing.stderr.split(separator: "\n").count == 1)
    }
}
