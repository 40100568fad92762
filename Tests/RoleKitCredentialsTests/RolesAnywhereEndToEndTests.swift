import Foundation
import RoleKitCredentials
import RoleKitEmulator
import RoleKitServices
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
import RoleKitTransport
import Testing

@Suite("Roles Anywhere end to end (emulator over loopback)")
struct RolesAnywhereEndToEndTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var leaf: String
        var withIntermediates: Bool
        var testDescription: String { "\(leaf) \(withIntermediates ? "with intermediates, root anchor" : "alone, bundle anchor")" }
    }

    static let cases: [Case] = ["rsa2048", "p256", "p384"].flatMap { [Case(leaf: $0, withIntermediates: true), Case(leaf: $0, withIntermediates: false)] }

    @Test(arguments: cases)
    func leafObtainsCredentials(_ testCase: Case) async throws {
        try await withEmulator { fixture, transport in
            let pki = fixture.pki
            let provider = fixture.provider(
                certificate: pki.path("\(testCase.leaf).pem"), key: pki.path("\(testCase.leaf).pkcs8.key"),
                intermediates: testCase.withIntermediates ? pki.path("intermediate-ca.pem") : nil,
                anchor: testCase.withIntermediates ? "root" : "bundle",
                transport: transport
            )
            let before = Date()
            let credentials = try await provider.credentials()
            #expect(credentials.accessKeyId.hasPrefix("ASIA") && credentials.accessKeyId.count == 20)
            #expect(credentials.secretAccessKey.count == 40)
            #expect(credentials.sessionToken?.isEmpty == false)
            let expiration = try #require(credentials.expiration)
            #expect(abs(expiration.timeIntervalSince(before) - 3600) < 30)
            let issued = try #require(fixture.emulator.issuedSessions.first { $0.accessKeyId == credentials.accessKeyId })
            #expect(issued.roleArn == EmulatorFixture.role)
            // Without a session name the service uses the serial in hex; the emulator follows.
            #expect(issued.subject.contains(testCase.leaf))
            // Cached on the second call.
            #expect(try await provider.credentials() == credentials)
            #expect(fixture.emulator.issuedSessions.count == 1)
        }
    }

    @Test func createSessionReturnsTheWholeResponse() async throws {
        try await withEmulator { fixture, transport in
            let pki = fixture.pki
            let provider = fixture.provider(
                certificate: pki.path("p256.pem"), key: pki.path("p256.pkcs8.key"), intermediates: pki.path("intermediate-ca.pem"),
                profile: "names", duration: 7200, sessionName: "alice@example", transport: transport
            )
            let output = try await provider.createSession()
            let set = try #require(output.credentialSet.first)
            #expect(set.roleArn == EmulatorFixture.role)
            #expect(set.assumedRoleUser?.arn == "arn:aws:sts::123456789012:assumed-role/rolekit-test/alice@example")
            #expect(set.assumedRoleUser?.assumedRoleId?.hasPrefix("AROA") == true)
            #expect(set.sourceIdentity == "p256")
            #expect(set.packedPolicySize != nil)
            #expect(output.subjectArn?.hasPrefix("arn:aws:rolesanywhere:us-east-1:123456789012:subject/") == true)
            let credentials = try RolesAnywhereCredentialProvider.credentials(from: output)
            let expiration = try #require(credentials.expiration)
            #expect(abs(expiration.timeIntervalSinceNow - 7200) < 30)
            // createSession never caches.
            _ = try await provider.createSession()
            #expect(fixture.emulator.issuedSessions.count == 2)
        }
    }

    struct Rejection: Sendable, CustomTestStringConvertible {
        var name: String
        var leaf: String
        var key: String
        var intermediates: Bool = true
        var anchor = "root"
        var profile = "main"
        var role = EmulatorFixture.role
        var duration = 3600
        var sessionName: String?
        var expected: RolesAnywhereError.Code
        var testDescription: String { name }
    }

    static let rejections: [Rejection] = [
        Rejection(name: "revoked leaf", leaf: "revoked.pem", key: "revoked.key", intermediates: false, anchor: "bundle", expected: .untrustedCertificate),
        Rejection(name: "leaf from another CA", leaf: "other-leaf.pem", key: "other-leaf.key", expected: .untrustedCertificate),
        Rejection(name: "expired leaf", leaf: "expired.pem", key: "expired.key", expected: .untrustedCertificate),
        Rejection(name: "leaf not yet valid", leaf: "not-yet-valid.pem", key: "not-yet-valid.key", expected: .untrustedCertificate),
        Rejection(name: "root anchor without the intermediate", leaf: "p256.pem", key: "p256.pkcs8.key", intermediates: false, expected: .untrustedCertificate),
        Rejection(name: "disabled trust anchor", leaf: "p256.pem", key: "p256.pkcs8.key", anchor: "off", expected: .untrustedCertificate),
        Rejection(name: "disabled profile", leaf: "p256.pem", key: "p256.pkcs8.key", profile: "off", expected: .profileDisabled),
        Rejection(name: "role not in the profile", leaf: "p256.pem", key: "p256.pkcs8.key", role: EmulatorFixture.otherRole, expected: .accessDenied),
        Rejection(name: "session name on a profile that refuses it", leaf: "p256.pem", key: "p256.pkcs8.key", sessionName: "bob", expected: .sessionNameNotAllowed),
        Rejection(name: "unknown profile", leaf: "p256.pem", key: "p256.pkcs8.key", profile: "missing", expected: .resourceNotFound),
        Rejection(name: "unknown trust anchor", leaf: "p256.pem", key: "p256.pkcs8.key", anchor: "missing", expected: .resourceNotFound),
        Rejection(name: "duration above the profile's", leaf: "p256.pem", key: "p256.pkcs8.key", duration: 7200, expected: .validation),
    ]

    @Test(arguments: rejections)
    func rejected(_ rejection: Rejection) async throws {
        try await withEmulator { fixture, transport in
            let pki = fixture.pki
            let provider = fixture.provider(
                certificate: pki.path(rejection.leaf), key: pki.path(rejection.key),
                intermediates: rejection.intermediates ? pki.path("intermediate-ca.pem") : nil,
                anchor: rejection.anchor, profile: rejection.profile, role: rejection.role, duration: rejection.duration,
                sessionName: rejection.sessionName, transport: transport
            )
            let error = await #expect(throws: RolesAnywhereError.self) { try await provider.credentials() }
            #expect(error?.code == rejection.expected, "\(error.map(String.init(describing:)) ?? "")")
            #expect(error?.status.map { $0 >= 400 && $0 < 500 } == true)
            #expect(fixture.emulator.issuedSessions.isEmpty)
            // A certificate that does not chain to the anchor leaves no subject behind (anyone
            // can sign with a self-made certificate); one that chains is recorded even when
            // refused later (a disabled profile, a role not in it).
            let subjects = try fixture.emulator.store.all(.subject)
            if rejection.name == "revoked leaf" {
                #expect(subjects.count == 1, "a revoked leaf chains: its failure is recorded")
            } else if rejection.expected == .untrustedCertificate || rejection.expected == .invalidSignature {
                #expect(subjects.isEmpty, "\(rejection.name): \(subjects.count) subjects recorded")
            }
        }
    }

    @Test func invalidInputIsRejectedBeforeSending() async throws {
        try await withEmulator { fixture, transport in
            let pki = fixture.pki
            let inputs: [(String, String, String, Int)] = [
                ("arn:aws:rolesanywhere:us-east-1:123456789012:profile/x", "arn:aws:iam::123456789012:role/r", "arn:aws:rolesanywhere:us-east-1:123456789012:profile/x", 3600),
                ("arn:aws:rolesanywhere:us-east-1:123456789012:profile/x", "arn:aws:iam::123456789012:user/r", "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t", 3600),
                ("arn:aws:rolesanywhere:eu-west-1:123456789012:profile/x", "arn:aws:iam::123456789012:role/r", "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t", 3600),
                ("arn:aws:rolesanywhere:us-east-1:12345:profile/x", "arn:aws:iam::123456789012:role/r", "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t", 3600),
                ("arn:aws:rolesanywhere:us-east-1:123456789012:profile/x", "arn:aws:iam::123456789012:role/r", "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t", 899),
                ("arn:aws:rolesanywhere:us-east-1:123456789012:profile/x", "arn:aws:iam::123456789012:role/r", "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t", 43_201),
            ]
            for (profile, role, anchor, duration) in inputs {
                let provider = RolesAnywhereCredentialProvider(
                    configuration: .init(certificate: pki.path("p256.pem"), privateKey: pki.path("p256.pkcs8.key"), durationSeconds: duration, profileArn: profile, roleArn: role, trustAnchorArn: anchor, endpoint: fixture.endpoint),
                    transport: transport
                )
                let error = await #expect(throws: RolesAnywhereError.self) { try await provider.createSession() }
                #expect(error?.code == .invalidInput)
            }
            let wrongRegion = RolesAnywhereCredentialProvider(
                configuration: .init(region: "eu-west-1", certificate: pki.path("p256.pem"), privateKey: pki.path("p256.pkcs8.key"), profileArn: fixture.profileArn("main"), roleArn: EmulatorFixture.role, trustAnchorArn: fixture.anchorArn("root"), endpoint: fixture.endpoint),
                transport: transport
            )
            let error = await #expect(throws: RolesAnywhereError.self) { try await wrongRegion.createSession() }
            #expect(error?.code == .invalidInput)
            #expect(fixture.emulator.issuedSessions.isEmpty)
        }
    }

    @Test func wrongKeyForTheCertificateFailsBeforeSending() async throws {
        try await withEmulator { fixture, transport in
            let pki = fixture.pki
            let provider = fixture.provider(certificate: pki.path("p256.pem"), key: pki.path("p384.pkcs8.key"), intermediates: pki.path("intermediate-ca.pem"), transport: transport)
            await #expect(throws: (any Error).self) { try await provider.credentials() }
            #expect(fixture.emulator.issuedSessions.isEmpty)
        }
    }

    @Test func clockSkewIsCorrectedFromTheServerDate() async throws {
        // The local clock is 20 minutes slow: the first attempt is outside the ±5 minute window,
        // the transport reads the server's Date header and retries once with the offset.
        let clock = OffsetWallClock(offset: -20 * 60)
        try await withEmulator(clock: clock) { fixture, transport in
            let pki = fixture.pki
            let provider = fixture.provider(certificate: pki.path("p256.pem"), key: pki.path("p256.pkcs8.key"), intermediates: pki.path("intermediate-ca.pem"), transport: transport)
            let output = try await provider.createSession()
            #expect(output.credentialSet.count == 1)
            // The offset comes from the server's Date header: 20 minutes, give or take the
            // response time (generous, for loaded CI machines); without the correction it is 0.
            #expect(abs(transport.currentClockOffset - 20 * 60) < 120)
        }
    }

    @Test func certificateAndKeyAreReloadedWhenTheFilesChange() async throws {
        try await withEmulator { fixture, transport in
            let pki = fixture.pki
            let certificate = try pki.scratchFile("rotating.pem", pki.bytes("p256.pem"))
            let key = URL(fileURLWithPath: certificate).deletingLastPathComponent().appendingPathComponent("rotating.key").path
            try Data(pki.bytes("p256.pkcs8.key")).write(to: URL(fileURLWithPath: key))
            let provider = fixture.provider(certificate: certificate, key: key, intermediates: pki.path("intermediate-ca.pem"), transport: transport)
            _ = try await provider.createSession()
            // Rotate: a new certificate and key replace the files (as cert-manager or a renewal job would).
            try Data(pki.bytes("p384.pem")).write(to: URL(fileURLWithPath: certificate))
            try Data(pki.bytes("p384.pkcs8.key")).write(to: URL(fileURLWithPath: key))
            _ = try await provider.createSession()
            let subjects = Set(fixture.emulator.issuedSessions.map(\.subject))
            #expect(subjects.count == 2)
            #expect(subjects.contains { $0.contains("p256") } && subjects.contains { $0.contains("p384") })
        }
    }
}
