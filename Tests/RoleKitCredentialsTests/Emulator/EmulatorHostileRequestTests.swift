import Foundation
import RoleKitCredentials
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
import RoleKitTransport
import Testing

/// Unauthenticated, malformed requests to the emulator: each gets an error answer and the
/// emulator keeps serving (one such form used to end the process before it was authenticated).
@Suite("Emulator: hostile requests")
struct EmulatorHostileRequestTests {
    static let bodies = [
        "=", "&", "==", "=&=", "Action=GetCallerIdentity&=", "%", "%zz=%", "Action", "Action=&Version=",
        String(repeating: "a=b&", count: 50_000), String(repeating: "=", count: 10_000), "Action=AssumeRole&RoleArn=%00",
    ]

    @Test func malformedUnsignedFormsAreRefusedAndTheEmulatorStaysUp() async throws {
        try await withEmulator(transport: .init(retry: .none)) { fixture, transport in
            for body in Self.bodies {
                let request = SigningRequest(method: "POST", path: "/", headers: [.init("Host", "127.0.0.1:\(fixture.port)"), .init("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8))
                do {
                    _ = try await transport.send(request, to: fixture.endpoint, sign: { request, _ in request }, parseError: { _ in ServiceErrorInfo(code: nil, message: nil) })
                    Issue.record("an unsigned request was answered with 2xx: \(body.prefix(40))")
                } catch let error as TransportError {
                    #expect(error.status.map { (400..<500).contains($0) } == true, "\(body.prefix(40)): \(error.message)")
                }
            }
            // Still serving: a real CreateSession succeeds.
            let pki = fixture.pki
            let provider = fixture.provider(certificate: pki.path("p256.pem"), key: pki.path("p256.pkcs8.key"), intermediates: pki.path("intermediate-ca.pem"), transport: transport)
            #expect(try await provider.credentials().accessKeyId.hasPrefix("ASIA"))
        }
    }
}
