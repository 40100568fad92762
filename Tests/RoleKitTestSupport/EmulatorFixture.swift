import Foundation
import RoleKitCredentials
import RoleKitEmulator
import RoleKitIdentity
import RoleKitServices
import RoleKitTesting
import RoleKitTransport

/// The emulator on a loopback port, configured with the test PKI:
/// - trust anchor `root`: the root CA only (clients must send the intermediate);
/// - trust anchor `bundle`: root and intermediate, with the intermediate's CRL (revoked.pem);
/// - trust anchor `off`: disabled;
/// - profiles `main` (enabled, every test role), `off` (disabled), `names` (accepts
///   roleSessionName, at most 2 hours).
package final class EmulatorFixture: Sendable {
    package static let role = "arn:aws:iam::123456789012:role/rolekit-test"
    package static let otherRole = "arn:aws:iam::123456789012:role/not-in-profile"

    package let pki = TestPKI.shared
    package let configuration: EmulatorConfiguration
    package let emulator: RolesAnywhereEmulator
    package let server: EmulatorServer
    package let port: Int

    package var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// IAM Identity Center of the SSO tests: sign-ins approved at once, two accounts.
    package static let ssoConfiguration = SSOEmulatorConfiguration(
        accounts: [
            .init(accountId: "123456789012", accountName: "Main", roles: ["AdministratorAccess", "ReadOnly"]),
            .init(accountId: "210987654321", accountName: "Sandbox", roles: ["Developer"]),
        ],
        autoApprove: true, userName: "sso-tester"
    )

    package init(sso: SSOEmulatorConfiguration = EmulatorFixture.ssoConfiguration) async throws {
        let pki = TestPKI.shared
        let configuration = EmulatorConfiguration(
            trustAnchors: [
                .init(id: "root", name: "root", certificateBundle: pki.path("root-ca.pem")),
                .init(id: "bundle", name: "bundle", certificateBundle: pki.path("ca-bundle.pem")),
                .init(id: "off", name: "off", certificateBundle: pki.path("ca-bundle.pem"), enabled: false),
            ],
            profiles: [
                .init(id: "main", name: "main", roleArns: [Self.role]),
                .init(id: "off", name: "off", roleArns: [Self.role], enabled: false),
                .init(id: "names", name: "names", roleArns: [Self.role], durationSeconds: 7200, acceptRoleSessionName: true),
            ],
            crls: [.init(id: "crl", name: "intermediate", trustAnchorId: "bundle", crl: pki.path("intermediate.crl.pem"))],
            sso: sso
        )
        self.configuration = configuration
        emulator = try RolesAnywhereEmulator(configuration: configuration)
        server = EmulatorServer(rolesAnywhere: emulator)
        port = try await server.start()
    }

    package func stop() async { await server.stop() }

    package func anchorArn(_ id: String) -> String { "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/\(id)" }
    package func profileArn(_ id: String) -> String { "arn:aws:rolesanywhere:us-east-1:123456789012:profile/\(id)" }

    /// A provider for `certificate`/`key` fixtures against this emulator.
    package func provider(
        certificate: String, key: String, intermediates: String? = nil, anchor: String = "root", profile: String = "main",
        role: String = EmulatorFixture.role, duration: Int = 3600, sessionName: String? = nil,
        transport: HTTPTransport, clock: any WallClock = SystemWallClock()
    ) -> RolesAnywhereCredentialProvider {
        RolesAnywhereCredentialProvider(
            configuration: .init(
                certificate: certificate, privateKey: key, intermediates: intermediates, durationSeconds: duration,
                profileArn: profileArn(profile), roleArn: role, trustAnchorArn: anchorArn(anchor), roleSessionName: sessionName, endpoint: endpoint
            ),
            passphrase: .value(Passphrase(TestPKI.passphrase)),
            transport: transport,
            clock: clock
        )
    }
}

/// Runs `body` with a started emulator and a transport, and always cleans both up.
package func withEmulator(
    transport configuration: HTTPTransport.Configuration = .init(retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5))),
    clock: any WallClock = SystemWallClock(),
    _ body: (EmulatorFixture, HTTPTransport) async throws -> Void
) async throws {
    let fixture = try await EmulatorFixture()
    let transport = try HTTPTransport(configuration: configuration, clock: clock)
    try await withTeardown({ try await body(fixture, transport) }, teardown: {
        try await transport.shutdown()
        await fixture.stop()
    })
}
