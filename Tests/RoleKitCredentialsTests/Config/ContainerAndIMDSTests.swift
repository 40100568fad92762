import Foundation
import RoleKitCredentials
import RoleKitTesting
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
        do {
            let result = try await body(port, transport, server)
            try await transport.shutdown()
            await server.stop()
            return result
        } catch {
            try? await transport.shutdown()
            await server.stop()
            throw error
        }
    }

    static func chain(_ transport: HTTPTransport, _ environment: [String: String]) -> DefaultCredentialChain {
        let home = NSTemporaryDirectory() + "rolekit-empty-home-\(UUID().uuidString)"
        var full = ["HOME": home, "AWS_CONFIG_FILE": home + "/none", "AWS_SHARED_CREDENTIALS_FILE": home + "/none"]
        full.merge(environment) { $1 }
        let lookup = full
        return DefaultCredentialChain(transport: transport, cache: nil, environment: { lookup[$0] })
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
        try await withServer([.respond(status: 500, body: "oops"), .respond(status: 200, body: "not json")]) { port, transport, _ in
            let chain = Self.chain(transport, ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(port)/c", "AWS_EC2_METADATA_DISABLED": "true"])
            let provider = try #require(try await chain.resolve()).provider
            let first = await #expect(throws: CredentialsError.self) { try await provider.credentials() }
            #expect(first?.code == .retrievalFailed)
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
            let made = InstanceMetadataCredentialProvider(transport: transport, environment: lookup)
            let provider = try #require(made)
            #expect(try await provider.credentials().accessKeyId == "ASIAMETADATA0000001")
            #expect(server.requests.count == 3)
            #expect(server.requests[1].header("X-aws-ec2-metadata-token") == nil)
        }
    }

    @Test func imdsDisabledOrSilentMeansNoCredentials() async throws {
        let transport = try HTTPTransport(configuration: .init(connectTimeout: .milliseconds(300), retry: .none))
        let disabled: @Sendable (String) -> String? = { ["AWS_EC2_METADATA_DISABLED": "true"][$0] }
        let none = InstanceMetadataCredentialProvider(transport: transport, environment: disabled)
        #expect(none == nil)
        // Nothing listens: the chain finds nothing (and does not hang).
        let probe = ScriptedHTTPServer([])
        let port = try await probe.start()
        await probe.stop()
        let start = ContinuousClock.now
        let nothing = try await Self.chain(transport, ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(port)"]).resolve()
        #expect(nothing == nil)
        #expect(ContinuousClock.now - start < .seconds(3))
        try await transport.shutdown()
    }
}
