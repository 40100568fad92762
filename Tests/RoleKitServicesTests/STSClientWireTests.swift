import Foundation
import RoleKitCredentials
import RoleKitServices
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
import RoleKitTransport
import Testing

/// The STS client against a capturing loopback server: what reaches the wire, and how answers
/// and errors are read.
@Suite("STS client on the wire")
struct STSClientWireTests {
    func withServer<T>(_ actions: [ScriptedHTTPServer.Action], _ body: (STSClient, ScriptedHTTPServer) async throws -> T) async throws -> T {
        let server = ScriptedHTTPServer(actions)
        let port = try await server.start()
        let transport = try HTTPTransport(configuration: .init(retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5))))
        let client = STSClient(transport: transport, region: "eu-west-1", endpoint: URL(string: "http://127.0.0.1:\(port)")!)
        return try await withTeardown({ try await body(client, server) }, teardown: {
            try await transport.shutdown()
            await server.stop()
        })
    }

    @Test func everyAssumeRoleParameterReachesTheWire() async throws {
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/ключ/*"}]}"#
        let input = AssumeRoleInput(
            roleArn: "arn:aws:iam::123456789012:role/path/to/demo", roleSessionName: "session-1",
            policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/team/Extra"],
            policy: .json(policy), durationSeconds: 7200,
            tags: [STSTag(key: "Project", value: "Blue Sky"), STSTag(key: "team:name", value: "a/b=c+d@e"), STSTag(key: "Städte", value: "Zürich")],
            transitiveTagKeys: ["Project", "team:name"], externalId: "ext:id/1", serialNumber: "arn:aws:iam::123456789012:mfa/alice",
            tokenCode: "123456", sourceIdentity: "alice@example.com", additionalParameters: ["ProvidedContexts.member.1.ProviderArn": "arn:aws:iam::aws:contextProvider/IdentityCenter"]
        )
        try input.validate()
        try await withServer([STSWireFixtures.assumeRoleResponse()]) { client, server in
            let output = try await client.assumeRole(input, credentials: STSWireFixtures.credentials)
            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            #expect(request.uri == "/")
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
            let form = STSWireFixtures.form(request.body)
            let expected: [String: String] = [
                "Action": "AssumeRole", "Version": "2011-06-15",
                "RoleArn": "arn:aws:iam::123456789012:role/path/to/demo", "RoleSessionName": "session-1",
                "PolicyArns.member.1.arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "PolicyArns.member.2.arn": "arn:aws:iam::123456789012:policy/team/Extra",
                "Policy": policy, "DurationSeconds": "7200",
                "Tags.member.1.Key": "Project", "Tags.member.1.Value": "Blue Sky",
                "Tags.member.2.Key": "team:name", "Tags.member.2.Value": "a/b=c+d@e",
                "Tags.member.3.Key": "Städte", "Tags.member.3.Value": "Zürich",
                "TransitiveTagKeys.member.1": "Project", "TransitiveTagKeys.member.2": "team:name",
                "ExternalId": "ext:id/1", "SerialNumber": "arn:aws:iam::123456789012:mfa/alice", "TokenCode": "123456",
                "SourceIdentity": "alice@example.com",
                "ProvidedContexts.member.1.ProviderArn": "arn:aws:iam::aws:contextProvider/IdentityCenter",
            ]
            #expect(form == expected)
            // The body is strictly RFC 3986 encoded: no raw spaces, '+' or non-ASCII.
            let raw = String(decoding: request.body, as: UTF8.self)
            #expect(!raw.contains(" ") && !raw.contains("+") && raw.allSatisfy(\.isASCII))
            #expect(raw.contains("Blue%20Sky") && raw.contains("c%2Bd"))
            // Signed for sts in the client's region, with the session token.
            let authorization = try #require(request.header("Authorization"))
            #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"))
            #expect(authorization.contains("/eu-west-1/sts/aws4_request"))
            #expect(request.header("X-Amz-Security-Token") == "session-token-value")
            // The answer.
            #expect(output.credentials.accessKeyId == "ASIAWIRETEST00000001")
            #expect(output.credentials.secretAccessKey == "secret/with+chars")
            #expect(output.credentials.sessionToken == "token&more")
            #expect(output.credentials.expiration == ISO8601Timestamp.parse("2030-01-02T03:04:05Z"))
            #expect(output.assumedRoleUser == AssumedRoleUser(assumedRoleId: "AROA3XFRBF535PLBIFPI4:session-1", arn: "arn:aws:sts::123456789012:assumed-role/demo/session-1"))
            #expect(output.packedPolicySize == 6)
            #expect(output.sourceIdentity == "alice")
            #expect(output.requestId == "c6104cbe-af31-11e0-8154-cbc7ccf896c7")
        }
    }

    @Test func webIdentityIsNotSigned() async throws {
        let response = ScriptedHTTPServer.Action.respond(status: 200, body: """
            <AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>
              <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
              <Audience>client.5498841531868486423.1548@apps.example.com</Audience>
              <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn><AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId></AssumedRoleUser>
              <Credentials><SessionToken>t</SessionToken><SecretAccessKey>s</SecretAccessKey><Expiration>2030-10-24T23:00:23Z</Expiration><AccessKeyId>ASIAWEBIDENTITY00001</AccessKeyId></Credentials>
              <Provider>www.amazon.com</Provider>
            </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>
            """)
        try await withServer([response]) { client, server in
            let output = try await client.assumeRoleWithWebIdentity(.init(roleArn: "arn:aws:iam::123456789012:role/FederatedWebIdentityRole", roleSessionName: "app1", webIdentityToken: "eyJ.token.value", durationSeconds: 3600))
            let request = try #require(server.requests.first)
            #expect(request.header("Authorization") == nil)
            #expect(STSWireFixtures.form(request.body)["WebIdentityToken"] == "eyJ.token.value")
            #expect(STSWireFixtures.form(request.body)["Action"] == "AssumeRoleWithWebIdentity")
            #expect(output.credentials.accessKeyId == "ASIAWEBIDENTITY00001")
            #expect(output.provider == "www.amazon.com")
            #expect(output.subjectFromWebIdentityToken == "amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A")
            #expect(output.audience == "client.5498841531868486423.1548@apps.example.com")
        }
    }

    @Test func getSessionTokenAndCallerIdentity() async throws {
        let token = ScriptedHTTPServer.Action.respond(status: 200, body: """
            <GetSessionTokenResponse><GetSessionTokenResult><Credentials>
              <SessionToken>t</SessionToken><SecretAccessKey>s</SecretAccessKey><Expiration>2030-07-11T19:55:29.611Z</Expiration><AccessKeyId>ASIASESSIONTOKEN0001</AccessKeyId>
            </Credentials></GetSessionTokenResult></GetSessionTokenResponse>
            """)
        let identity = ScriptedHTTPServer.Action.respond(status: 200, body: """
            <GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn><UserId>AIDASAMPLEUSERID</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>
            """)
        try await withServer([token, identity]) { client, server in
            let session = try await client.getSessionToken(.init(durationSeconds: 3600, serialNumber: "arn:aws:iam::123456789012:mfa/alice", tokenCode: "654321"), credentials: STSWireFixtures.credentials)
            #expect(session.accessKeyId == "ASIASESSIONTOKEN0001")
            #expect(abs(session.expiration.timeIntervalSince1970 - 1_910_030_129.611) < 0.01)
            let form = STSWireFixtures.form(server.requests[0].body)
            #expect(form == ["Action": "GetSessionToken", "Version": "2011-06-15", "DurationSeconds": "3600", "SerialNumber": "arn:aws:iam::123456789012:mfa/alice", "TokenCode": "654321"])
            let who = try await client.getCallerIdentity(credentials: STSWireFixtures.credentials)
            #expect(who == CallerIdentity(account: "123456789012", arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDASAMPLEUSERID"))
        }
    }

    @Test(arguments: [
        (403, "AccessDenied", STSError.Code.accessDenied),
        (400, "ExpiredToken", STSError.Code.expiredToken),
        (403, "RegionDisabledException", STSError.Code.regionDisabled),
        (400, "MalformedPolicyDocument", STSError.Code.malformedPolicyDocument),
        (400, "PackedPolicyTooLarge", STSError.Code.packedPolicyTooLarge),
        (400, "InvalidIdentityToken", STSError.Code.invalidIdentityToken),
        (403, "InvalidClientTokenId", STSError.Code.invalidClientToken),
        (400, "ValidationError", STSError.Code.validation),
        (400, "BrandNewError", STSError.Code.unknownServiceError),
    ])
    func errorsAreTypedAndNotRetried(status: Int, code: String, expected: STSError.Code) async throws {
        try await withServer([STSWireFixtures.errorResponse(status, code, "details here"), STSWireFixtures.assumeRoleResponse()]) { client, server in
            let error = await #expect(throws: STSError.self) {
                try await client.assumeRole(.init(roleArn: "arn:aws:iam::123456789012:role/demo", roleSessionName: "s1"), credentials: STSWireFixtures.credentials)
            }
            #expect(error?.code == expected)
            #expect(error?.serviceCode == code)
            #expect(error?.message.contains("details here") == true)
            #expect(error?.requestId == "req-\(code)")
            #expect(server.requests.count == 1)
        }
    }

    @Test(arguments: [(400, "Throttling", STSError.Code.throttled), (400, "IDPCommunicationError", STSError.Code.idpCommunicationError), (503, "ServiceUnavailable", STSError.Code.serviceUnavailable)])
    func retryableErrorsAreRetried(status: Int, code: String, expected: STSError.Code) async throws {
        try await withServer([STSWireFixtures.errorResponse(status, code), STSWireFixtures.errorResponse(status, code), STSWireFixtures.assumeRoleResponse()]) { client, server in
            let output = try await client.assumeRole(.init(roleArn: "arn:aws:iam::123456789012:role/demo", roleSessionName: "s1"), credentials: STSWireFixtures.credentials)
            #expect(output.credentials.accessKeyId == "ASIAWIRETEST00000001")
            #expect(server.requests.count == 3)
            // Each attempt is signed anew.
            #expect(Set(server.requests.compactMap { $0.header("Authorization") }).count >= 1)
        }
        try await withServer(Array(repeating: STSWireFixtures.errorResponse(status, code), count: 3)) { client, server in
            let error = await #expect(throws: STSError.self) {
                try await client.assumeRole(.init(roleArn: "arn:aws:iam::123456789012:role/demo", roleSessionName: "s1"), credentials: STSWireFixtures.credentials)
            }
            #expect(error?.code == expected)
            #expect(server.requests.count == 3)
        }
    }

    @Test(arguments: ["not xml", "<AssumeRoleResponse><AssumeRoleResult></AssumeRoleResult></AssumeRoleResponse>", "<Other/>", "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>soon</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>"])
    func garbageAnswersAreMalformedResponses(body: String) async throws {
        try await withServer([.respond(status: 200, body: body)]) { client, _ in
            let error = await #expect(throws: STSError.self) {
                try await client.assumeRole(.init(roleArn: "arn:aws:iam::123456789012:role/demo", roleSessionName: "s1"), credentials: STSWireFixtures.credentials)
            }
            #expect(error?.code == .malformedResponse)
        }
    }

    @Test func endpointResolutionFollowsBotocore() throws {
        let none: (String) -> String? = { _ in nil }
        #expect(try STSClient.resolveEndpoint(region: "eu-west-1", explicit: nil, environment: none).absoluteString == "https://sts.eu-west-1.amazonaws.com")
        #expect(try STSClient.resolveEndpoint(region: "cn-north-1", explicit: nil, environment: none).absoluteString == "https://sts.cn-north-1.amazonaws.com.cn")
        #expect(try STSClient.resolveEndpoint(region: "aws-global", explicit: nil, environment: none).absoluteString == "https://sts.amazonaws.com")
        let both: (String) -> String? = { ["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1111", "AWS_ENDPOINT_URL": "http://127.0.0.1:2222"][$0] }
        let general: (String) -> String? = { ["AWS_ENDPOINT_URL": "http://127.0.0.1:2222"][$0] }
        let ignored: (String) -> String? = { ["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1111", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"][$0] }
        #expect(try STSClient.resolveEndpoint(region: "us-east-1", explicit: nil, environment: both).absoluteString == "http://127.0.0.1:1111")
        #expect(try STSClient.resolveEndpoint(region: "us-east-1", explicit: nil, environment: general).absoluteString == "http://127.0.0.1:2222")
        #expect(try STSClient.resolveEndpoint(region: "us-east-1", explicit: nil, environment: ignored).absoluteString == "https://sts.us-east-1.amazonaws.com")
        #expect(try STSClient.resolveEndpoint(region: "us-east-1", explicit: URL(string: "http://127.0.0.1:3333"), environment: both).absoluteString == "http://127.0.0.1:3333")
    }
}
