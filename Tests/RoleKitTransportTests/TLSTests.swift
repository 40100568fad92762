import Foundation
import RoleKitCredentials
import RoleKitEmulator
import RoleKitServices
import RoleKitTesting
import RoleKitTransport
import Testing

/// HTTPS to the emulator: verification on by default, a private CA through the CA bundle
/// (`AWS_CA_BUNDLE`), and the explicit opt-out.
@Suite("TLS")
struct TLSTests {
    func withTLSEmulator(_ body: (ThrowawayPKI, URL, EmulatorConfiguration) async throws -> Void) async throws {
        let pki = try ThrowawayPKI.make(serverNames: ["localhost", "127.0.0.1"])
        defer { pki.remove() }
        let configuration = EmulatorConfiguration(
            trustAnchors: [.init(id: "root", name: "root", certificateBundle: pki.rootCertificatePath)],
            profiles: [.init(id: "main", name: "main", roleArns: ["arn:aws:iam::123456789012:role/tls"])]
        )
        let server = EmulatorServer(
            rolesAnywhere: try RolesAnywhereEmulator(configuration: configuration),
            configuration: .init(tls: (pki.serverCertificateChainPath!, pki.serverKeyPath!))
        )
        let port = try await server.start()
        do {
            try await body(pki, URL(string: "https://127.0.0.1:\(port)")!, configuration)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    func createSession(_ pki: ThrowawayPKI, _ endpoint: URL, _ configuration: EmulatorConfiguration, transport: HTTPTransport) async throws -> CreateSessionOutput {
        let provider = RolesAnywhereCredentialProvider(
            configuration: .init(
                certificate: pki.leafCertificatePath, privateKey: pki.leafKeyPath, intermediates: pki.intermediatePath,
                profileArn: configuration.profileArn(configuration.profiles[0]), roleArn: "arn:aws:iam::123456789012:role/tls",
                trustAnchorArn: configuration.trustAnchorArn(configuration.trustAnchors[0]), endpoint: endpoint
            ),
            transport: transport
        )
        return try await withTeardown({ try await provider.createSession() }, teardown: { try await transport.shutdown() })
    }

    @Test func untrustedServerCertificateIsRefusedByDefault() async throws {
        try await withTLSEmulator { pki, endpoint, configuration in
            let transport = try HTTPTransport(configuration: .init(retry: .none, caBundlePath: nil))
            let error = await #expect(throws: RolesAnywhereError.self) { try await createSession(pki, endpoint, configuration, transport: transport) }
            #expect(error?.code == .tls, "\(error.map(String.init(describing:)) ?? "")")
            #expect(error?.message.contains("AWS_CA_BUNDLE") == true)
        }
    }

    @Test func privateCAThroughTheCABundle() async throws {
        try await withTLSEmulator { pki, endpoint, configuration in
            let transport = try HTTPTransport(configuration: .init(caBundlePath: pki.rootCertificatePath))
            let output = try await createSession(pki, endpoint, configuration, transport: transport)
            #expect(output.credentialSet.first?.credentials?.accessKeyId.hasPrefix("ASIA") == true)
        }
    }

    @Test func verificationCanBeTurnedOffExplicitly() async throws {
        try await withTLSEmulator { pki, endpoint, configuration in
            let transport = try HTTPTransport(configuration: .init(verifyTLS: false, caBundlePath: nil))
            let output = try await createSession(pki, endpoint, configuration, transport: transport)
            #expect(output.credentialSet.count == 1)
        }
    }

    @Test func unreadableCABundleIsAConfigurationError() {
        let error = #expect(throws: TransportError.self) { try HTTPTransport(configuration: .init(caBundlePath: "/nonexistent/bundle.pem")) }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("AWS_CA_BUNDLE") == true)
    }
}
