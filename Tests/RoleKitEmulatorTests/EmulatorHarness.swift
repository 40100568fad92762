import Crypto
import Foundation
@testable import RoleKitEmulator
import RoleKitServices
import RoleKitSigning
import RoleKitTesting
import RoleKitTransport
import Testing
import X509

/// An emulator on a ``ManualWallClock`` far from the real time, with a throwaway PKI made at
/// that time, one trust anchor (its root), one profile, and an admin key.
struct EmulatorHarness: Sendable {
    /// 2031-01-01T00:00:00Z: any code reading the system clock instead is years off.
    static let start = Date(timeIntervalSince1970: 1_924_992_000)
    static let role = "arn:aws:iam::123456789012:role/emulator-test"
    static let region = "us-east-1"

    let clock: ManualWallClock
    let admin: EmulatorConfiguration.AdminKey
    let pki: ThrowawayPKI
    let emulator: RolesAnywhereEmulator
    let anchorArn: String
    let profileArn: String

    init(profileDuration: Int = 3600) throws {
        let clock = ManualWallClock(Self.start)
        let admin = EmulatorConfiguration.AdminKey.generate()
        let pki = try ThrowawayPKI.make(now: clock.now())
        let anchor = EmulatorConfiguration.TrustAnchor(id: "anchor", name: "anchor", certificateBundle: pki.rootCertificatePath)
        let profile = EmulatorConfiguration.Profile(id: "profile", name: "profile", roleArns: [Self.role], durationSeconds: profileDuration)
        let configuration = EmulatorConfiguration(trustAnchors: [anchor], profiles: [profile], adminKeys: [admin])
        self.clock = clock
        self.admin = admin
        self.pki = pki
        self.emulator = try RolesAnywhereEmulator(configuration: configuration, clock: clock)
        self.anchorArn = configuration.trustAnchorArn(anchor)
        self.profileArn = configuration.profileArn(profile)
    }

    func remove() { pki.remove() }

    var adminCredentials: SigningCredentials {
        SigningCredentials(accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey)
    }

    /// An STS query-protocol call (`POST /`, form body), signed with `credentials` at the
    /// manual clock's time.
    func stsRequest(_ form: String, credentials: SigningCredentials) -> SigningRequest {
        let request = SigningRequest(
            method: "POST", path: "/",
            headers: [.init("Host", "127.0.0.1"), .init("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(form.utf8)
        )
        return SigV4Signer(credentials: credentials, region: Self.region, service: "sts").sign(request, at: clock.now())
    }

    /// A `CreateSession` call signed with the PKI's leaf (SigV4-X509) at the manual clock's time.
    func createSessionRequest(durationSeconds: Int) throws -> SigningRequest {
        let leaf = try #require(RolesAnywhereEmulator.certificates(pem: try String(contentsOfFile: pki.leafCertificatePath, encoding: .utf8)).first)
        let intermediate = try #require(RolesAnywhereEmulator.certificates(pem: try String(contentsOfFile: pki.intermediatePath, encoding: .utf8)).first)
        let key = try P256.Signing.PrivateKey(pemRepresentation: try String(contentsOfFile: pki.leafKeyPath, encoding: .utf8))
        let signer = try SigV4X509Signer(certificate: leaf, intermediates: [intermediate], key: X509SigningKey(key), region: Self.region)
        let body = try JSONSerialization.data(withJSONObject: [
            "profileArn": profileArn, "roleArn": Self.role, "trustAnchorArn": anchorArn, "durationSeconds": durationSeconds,
        ])
        let request = SigningRequest(
            method: "POST", path: "/sessions",
            headers: [.init("Host", "127.0.0.1"), .init("Content-Type", "application/json")],
            body: Array(body)
        )
        return try signer.sign(request, at: clock.now())
    }

    /// The text of the first `<name>` element of an XML answer.
    static func element(_ name: String, in body: [UInt8]) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }

    static func header(_ name: String, in response: RolesAnywhereEmulator.Response) -> String? {
        response.headers.first(where: { $0.0.lowercased() == name.lowercased() })?.1
    }
}
