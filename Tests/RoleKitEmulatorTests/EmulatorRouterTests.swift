import Foundation
@testable import RoleKitEmulator
import RoleKitServices
import RoleKitSigning
import RoleKitTesting
import RoleKitTransport
import Testing

/// The Hummingbird router answers as the emulator's own dispatch always did.
@Suite("Emulator: routing")
struct EmulatorRouterTests {
    /// Sends `request` unsigned (or already signed) and returns the response, 2xx or not.
    static func send(_ request: SigningRequest, port: Int, transport: HTTPTransport) async throws -> HTTPResponse {
        let endpoint = try #require(URL(string: "http://127.0.0.1:\(port)"))
        var request = request
        if request.firstHeader(named: "host") == nil { request.headers.append(.init("Host", "127.0.0.1:\(port)")) }
        do {
            return try await transport.send(request, to: endpoint, maxAttempts: 1, sign: { request, _ in request }, parseError: { _ in ServiceErrorInfo(code: nil, message: nil) })
        } catch let error as TransportError {
            return try #require(error.response, "\(error)")
        }
    }

    static func withServer(_ body: (EmulatorHarness, Int, HTTPTransport) async throws -> Void) async throws {
        let harness = try EmulatorHarness()
        defer { harness.remove() }
        let server = EmulatorServer(rolesAnywhere: harness.emulator, configuration: .init(maximumBodyBytes: 4096))
        let port = try await server.start()
        let transport = try HTTPTransport(configuration: .init(retry: .none), clock: harness.clock)
        try await withTeardown({ try await body(harness, port, transport) }, teardown: {
            try await transport.shutdown()
            await server.stop()
        })
    }

    static func expectUnknownOperation(_ response: HTTPResponse, _ method: String, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 404, sourceLocation: sourceLocation)
        #expect(response.header("X-Amzn-ErrorType") == "UnknownOperationException", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/json", sourceLocation: sourceLocation)
        #expect(response.header("x-amzn-RequestId")?.count == 36, sourceLocation: sourceLocation)
        #expect(response.bodyText == #"{"message":"The emulator does not implement \#(method) \#(path)"}"#, sourceLocation: sourceLocation)
    }

    @Test func anUnknownPathIsAnUnknownOperation() async throws {
        try await Self.withServer { _, port, transport in
            for path in ["/nothing", "/trustanchors/", "//trustanchors", "/sessions/", "/a/b/c/d"] {
                let response = try await Self.send(SigningRequest(method: "GET", path: path), port: port, transport: transport)
                Self.expectUnknownOperation(response, "GET", path)
            }
        }
    }

    @Test func aWrongMethodIsAnUnknownOperation() async throws {
        try await Self.withServer { _, port, transport in
            for (method, path) in [("DELETE", "/trustanchors"), ("GET", "/sessions"), ("PUT", "/sessions"), ("POST", "/profile/00000000-0000-0000-0000-000000000000"), ("HEAD", "/trustanchors")] {
                let response = try await Self.send(SigningRequest(method: method, path: path), port: port, transport: transport)
                if method == "HEAD" {
                    #expect(response.status == 404)
                    #expect(response.header("X-Amzn-ErrorType") == "UnknownOperationException")
                } else {
                    Self.expectUnknownOperation(response, method, path)
                }
            }
        }
    }

    @Test func theRootWithoutAnActionIsAnUnknownOperationAndWithOneIsSTS() async throws {
        try await Self.withServer { _, port, transport in
            Self.expectUnknownOperation(try await Self.send(SigningRequest(method: "GET", path: "/"), port: port, transport: transport), "GET", "/")
            Self.expectUnknownOperation(try await Self.send(SigningRequest(method: "POST", path: "/", body: Array("x=1".utf8)), port: port, transport: transport), "POST", "/")
            // STS authenticates before reading anything else, whatever the method.
            for method in ["POST", "PUT"] {
                let form = SigningRequest(method: method, path: "/", headers: [.init("Content-Type", "application/x-www-form-urlencoded")], body: Array("Action=GetCallerIdentity&Version=2011-06-15".utf8))
                let response = try await Self.send(form, port: port, transport: transport)
                #expect(response.status == 403)
                #expect(response.header("Content-Type") == "text/xml")
                #expect(response.bodyText.contains("<Code>MissingAuthenticationTokenException</Code>"))
            }
        }
    }

    @Test func controlPlaneRoutesAuthenticateFirstAndKeepTheirIdCheck() async throws {
        try await Self.withServer { harness, port, transport in
            // Unsigned: refused before the path's id is looked at.
            let unsigned = try await Self.send(SigningRequest(method: "GET", path: "/trustanchor/"), port: port, transport: transport)
            #expect(unsigned.status == 403)
            #expect(unsigned.header("X-Amzn-ErrorType") == "MissingAuthenticationTokenException")
            #expect(unsigned.bodyText == #"{"message":"Missing Authentication Token"}"#)
            let signer = SigV4Signer(credentials: harness.adminCredentials, region: EmulatorHarness.region, service: "rolesanywhere")
            func signed(_ method: String, _ path: String, query: String = "") -> SigningRequest {
                signer.sign(SigningRequest(method: method, path: path, query: query, headers: [.init("Host", "127.0.0.1:\(port)")]), at: harness.clock.now())
            }
            // Empty and short ids reach the operation, whose id check answers.
            for (method, path) in [("GET", "/trustanchor/"), ("POST", "/trustanchor//enable"), ("GET", "/trustanchor/abc")] {
                let response = try await Self.send(signed(method, path), port: port, transport: transport)
                #expect(response.status == 400, "\(method) \(path)")
                #expect(response.bodyText == #"{"message":"1 validation error detected: Value at 'trustAnchorId' failed to satisfy constraint: Member must have length 36"}"#)
            }
            // Percent-encoded ids are decoded.
            let missing = try await Self.send(signed("GET", "/trustanchor/00000000-0000-0000-0000-00000000000%30"), port: port, transport: transport)
            #expect(missing.status == 404)
            #expect(missing.bodyText == #"{"message":"Trust anchor 00000000-0000-0000-0000-000000000000 not found"}"#)
            // The configured trust anchor is listed.
            let listed = try await Self.send(signed("GET", "/trustanchors", query: "pageSize=1"), port: port, transport: transport)
            #expect(listed.status == 200)
            #expect(listed.bodyText.contains(#""trustAnchorId":"anchor""#))
        }
    }

    @Test func aBodyOverTheLimitIs413WhateverThePath() async throws {
        try await Self.withServer { _, port, transport in
            for path in ["/sessions", "/nothing", "/"] {
                let response = try await Self.send(SigningRequest(method: "POST", path: path, body: Array(repeating: 0x61, count: 5000)), port: port, transport: transport)
                #expect(response.status == 413)
                #expect(response.header("X-Amzn-ErrorType") == "ValidationException")
                #expect(response.bodyText == #"{"message":"The request body is too large"}"#)
            }
        }
    }

    @Test func everyModelOperationHasOneRoute() {
        let names = ControlPlaneEmulator.routes.map(\.operation.name)
        #expect(Set(names).count == names.count)
        #expect(Set(names) == Set(RoleKitServices.RolesAnywhere.Operation.all.map(\.name)))
        #expect(ControlPlaneEmulator.routes.allSatisfy { $0.operation.name.hasPrefix("Create") == ($0.successStatus == 201) })
    }

    @Test func routingPathsMarkEmptySegments() {
        #expect(EmulatorRoutingPath.routable("/") == nil)
        #expect(EmulatorRoutingPath.routable("/trustanchors") == nil)
        #expect(EmulatorRoutingPath.routable("/trustanchors/") == "/trustanchors/%00")
        #expect(EmulatorRoutingPath.routable("/trustanchor//enable") == "/trustanchor/%00/enable")
        #expect(EmulatorRoutingPath.parameterValue("%00") == "")
        #expect(EmulatorRoutingPath.parameterValue("a%2Fb") == "a/b")
    }
}
