import Foundation
import RoleKitCredentials
import RoleKitServices
import RoleKitTesting
import RoleKitTestSupport
import RoleKitTransport
import Testing

/// The container and instance-metadata sources of the default chain, against in-process
/// loopback servers.
@Suite("Container and IMDS sources")
struct ContainerAndIMDSTests {
    static let answer = #"{"Code":"Success","AccessKeyId":"ASIAMETADATA0000001","SecretAccessKey":"meta-secret","Token":"meta-token","Expiration":"2030-01-01T00:00:00Z"}"#

    func withServer<T>(_ actions: [ScriptedHTTPServer.Action], _ body: (Int, HTTPTransport, ScriptedHTTPServer) async throws -> T) async throws -> T {
        let server = ScriptedHTTPServer(actions)
        let port = try await server.start()
        let transport = try HTTPTransport(configuration: .init(retry: .none))
        return try await withTeardown({ try await body(port, transport, server) }, teardown: {
            try await transport.shutdown()
            await server.stop()
        })
    }

    /// The metadata probe gets 20 s here: a loaded CI machine must not turn an answer into "none".
    static func chain(_ transport: HTTPTransport, _ environment: [String: String]) -> DefaultCredentialChain {
        let home = NSTemporaryDirectory() + "rolekit-empty-home-\(UUID().uuidString)"
        var full = ["HOME": home, "AWS_CONFIG_FILE": home + "/none", "AWS_SHARED_CREDENTIALS_FILE": home + "/none"]
        full.merge(environment) { $1 }
        let lookup = full
        return DefaultCredentialChain(transport: transport, cache: nil, instanceMetadataTimeout: .seconds(20), environment: AWSEnvironment(lookup))
    }

    @Test func containerFullURIWithTokenFile() async throws {
        let tokenFile = NSTemporaryDirectory() + "rolekit-container-token-\(UUID().uuidString)"
        try "Bearer from-file\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        try await withServer([.respond(status: 200, body: Self.answer)]) { port, transport, server in
            let chain = Self.chain(transport, [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(port)/v1/credentials?id=7",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored-when-file-set",
                "AWS_EC2_METADATA_DISABLED": "true",
            ])
            let resolution = try #require(try await chain.resolve())
            #expect(resolution.method == "container-role")
            let credentials = try await resolution.provider.credentials()
            #expect(credentials.accessKeyId == "ASIAMETADATA0000001")
            #expect(credentials.sessionToken == "meta-token")
            let request = try #require(server.requests.first)
            #expect(request.uri == "/v1/credentials?id=7")
            #expect(request.header("Authorization") == "Bearer from-file")
        }
    }

    @Test func containerTokenFromTheEnvironment() async throws {
        try await withServer([.respond(status: 200, body: Self.answer)]) { port, transport, server in
            let chain = Self.chain(transport, ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://localhost:\(port)/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "token-123", "AWS_EC2_METADATA_DISABLED": "true"])
            let credentials = try #require(try await chain.resolve()).provider
            _ = try await credentials.credentials()
            #expect(server.requests.first?.header("Authorization") == "token-123")
        }
    }

    @Test(arguments: ["http://10.0.0.5/creds", "http://example.com/creds", "ftp://127.0.0.1/x"])
    func containerHTTPHostsOutsideTheAllowListAreRefused(_ uri: String) async throws {
        let transport = try HTTPTransport()
        let chain = Self.chain(transport, ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri, "AWS_EC2_METADATA_DISABLED": "true"])
        let error = await #expect(throws: CredentialsError.self) { try await chain.resolve() }
        #expect(error?.code == .invalidConfiguration)
        try await transport.shutdown()
    }

    @Test func containerErrorsStopTheChain() async throws {
        try await withServer([.respond(status: 500, body: "oops"), .respond(status: 200, body: "not json")]) { port, transport, server in
            // The chain's clock decides the backoff: a loaded machine cannot stretch it.
            let clock = ManualWallClock(Date())
            let environment = AWSEnvironment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(port)/c", "AWS_EC2_METADATA_DISABLED": "true", "HOME": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent/c", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/c"])
            let chain = DefaultCredentialChain(transport: transport, cache: nil, environment: environment, clock: clock)
            let provider = try #require(try await chain.resolve()).provider
            let first = await #expect(throws: CredentialsError.self) { try await provider.credentials() }
            #expect(first?.code == .retrievalFailed)
            // Right after a failure the same error comes back without a new call (backoff).
            let again = await #expect(throws: CredentialsError.self) { try await provider.credentials() }
            #expect(again?.message == first?.message)
            #expect(server.requests.count == 1)
            clock.advance(by: 1.1)
            let second = await #expect(throws: CredentialsError.self) { try await provider.credentials() }
            #expect(second?.message.contains("not credentials JSON") == true)
        }
    }

    @Test func imdsV2TokenFirst() async throws {
        let actions: [ScriptedHTTPServer.Action] = [
            .respond(status: 200, headers: [("Content-Type", "text/plain")], body: "imds-session-token"),
            .respond(status: 200, headers: [("Content-Type", "text/plain")], body: "my-instance-role\n"),
            .respond(status: 200, body: Self.answer),
        ]
        try await withServer(actions) { port, transport, server in
            let chain = Self.chain(transport, ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(port)"])
            let resolution = try #require(try await chain.resolve())
            #expect(resolution.method == "iam-role")
            #expect(try await resolution.provider.credentials().accessKeyId == "ASIAMETADATA0000001")
            let requests = server.requests
            #expect(requests.map(\.method) == ["PUT", "GET", "GET"])
            #expect(requests[0].uri == "/latest/api/token")
            #expect(requests[0].header("X-aws-ec2-metadata-token-ttl-seconds") == "21600")
            #expect(requests[1].uri == "/latest/meta-data/iam/security-credentials/")
            #expect(requests[2].uri == "/latest/meta-data/iam/security-credentials/my-instance-role")
            #expect(requests[1].header("X-aws-ec2-metadata-token") == "imds-session-token")
            #expect(requests[2].header("X-aws-ec2-metadata-token") == "imds-session-token")
        }
    }

    @Test func imdsV1WhenTheTokenCallIsRefused() async throws {
        let actions: [ScriptedHTTPServer.Action] = [
            .respond(status: 405, body: ""),
            .respond(status: 200, headers: [("Content-Type", "text/plain")], body: "legacy-role"),
            .respond(status: 200, body: Self.answer),
        ]
        try await withServer(actions) { port, transport, server in
            let lookup: @Sendable (String) -> String? = { ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(port)"][$0] }
            let made = InstanceMetadataCredentialProvider(transport: transport, environment: AWSEnvironment(variables: lookup))
            let provider = try #require(made)
            #expect(try await provider.credentials().accessKeyId == "ASIAMETADATA0000001")
            #expect(server.requests.count == 3)
            #expect(server.requests[1].header("X-aws-ec2-metadata-token") == nil)
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func imdsDisabledOrSilentMeansNoCredentials() async throws {
        let transport = try HTTPTransport(configuration: .init(connectTimeout: .milliseconds(300), retry: .none))
        let disabled: @Sendable (String) -> String? = { ["AWS_EC2_METADATA_DISABLED": "true"][$0] }
        let none = InstanceMetadataCredentialProvider(transport: transport, environment: AWSEnvironment(variables: disabled))
        #expect(none == nil)
        // Nothing listens: the chain finds nothing (and does not hang).
        // Port 1: nothing listens there. With a metadata timeout of 100 s a call, a refused
        // connection must not wait for it. The bound is that, not a speed: on a loaded 2-core
        // machine the suite may be descheduled for many seconds.
        let refusedEnvironment = AWSEnvironment(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1", "HOME": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent/c", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/c"])
        let refusing = DefaultCredentialChain(transport: transport, cache: nil, instanceMetadataTimeout: .seconds(100), environment: refusedEnvironment)
        let start = ContinuousClock.now
        let nothing = try await refusing.resolve()
        #expect(nothing == nil)
        #expect(ContinuousClock.now - start < .seconds(90))
        // A metadata service that accepts but never answers: the probe gives up after its timeout.
        let mute = ScriptedHTTPServer([.delay(.seconds(3600), then: .respond(status: 200, body: "late"))])
        let mutePort = try await mute.start()
        let lookup: @Sendable (String) -> String? = { ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(mutePort)", "HOME": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent/c", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/c"][$0] }
        let quick = DefaultCredentialChain(transport: transport, cache: nil, instanceMetadataTimeout: .milliseconds(500), environment: AWSEnvironment(variables: lookup))
        let muteStart = ContinuousClock.now
        let silent = try await quick.resolve()
        #expect(silent == nil)
        // Waiting for the server would take its hour; the bound is far from both that and the
        // 0.5 s probe, since the loaded 2-core CI machine's scheduler has added 25 s to a run.
        #expect(ContinuousClock.now - muteStart < .seconds(300))
        await mute.stop()
        try await transport.shutdown()
    }

    /// `credential_source = EcsContainer` / `Ec2InstanceMetadata`: the role is assumed at
    /// moto_server with the base credentials from the loopback container / IMDS server.
    @Test(arguments: ["EcsContainer", "Ec2InstanceMetadata"])
    func credentialSourceFeedsAnAssumedRole(_ source: String) async throws {
        let home = NSTemporaryDirectory() + "rolekit-credsource-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try """
        [profile worker]
        role_arn = arn:aws:iam::123456789012:role/from-\(source.lowercased())
        credential_source = \(source)
        role_session_name = worker-session
        """.write(toFile: home + "/config", atomically: true, encoding: .utf8)
        let actions: [ScriptedHTTPServer.Action] = source == "EcsContainer"
            ? [.respond(status: 200, body: Self.answer)]
            : [.respond(status: 200, body: "tok"), .respond(status: 200, body: "role-x"), .respond(status: 200, body: Self.answer)]
        try await withServer(actions) { port, transport, server in
            var environment = ["AWS_CONFIG_FILE": home + "/config", "AWS_PROFILE": "worker", "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_STS": MotoServer.endpoint.absoluteString]
            if source == "EcsContainer" {
                environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:\(port)/creds"
                environment["AWS_EC2_METADATA_DISABLED"] = "true"
            } else {
                environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:\(port)"
                environment["AWS_METADATA_SERVICE_TIMEOUT"] = "20"
            }
            let resolution = try #require(try await Self.chain(transport, environment).resolve())
            #expect(resolution.method == "assume-role")
            let credentials = try await resolution.provider.credentials()
            #expect(credentials.accessKeyId.hasPrefix("ASIA"))
            #expect(credentials.accessKeyId != "ASIAMETADATA0000001")
            // The base credentials were fetched from the loopback endpoint.
            #expect(server.requests.count == actions.count)
            let identity = try await STSClient(transport: transport, region: "us-east-1", endpoint: MotoServer.endpoint).getCallerIdentity(credentials: credentials.signingCredentials)
            #expect(identity.arn == "arn:aws:sts::123456789012:assumed-role/from-\(source.lowercased())/worker-session")
        }
    }

    @Test func credentialSourceWithoutItsEndpointIsAClearError() async throws {
        let home = NSTemporaryDirectory() + "rolekit-credsource-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try "[profile c]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = EcsContainer\n".write(toFile: home + "/config", atomically: true, encoding: .utf8)
        let transport = try HTTPTransport(configuration: .init(retry: .none))
        let error = await #expect(throws: CredentialsError.self) {
            _ = try await Self.chain(transport, ["AWS_CONFIG_FILE": home + "/config", "AWS_PROFILE": "c"]).resolve()
        }
        #expect(error?.code == .retrievalFailed)
        #expect(error?.message.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI") == true)
        try await transport.shutdown()
    }
}
