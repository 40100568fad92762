public import FoundationEssentials
public import RoleKitTransport
import RoleKitServices
import SwiftASN1
import X509
import Synchronization

/// The emulated Roles Anywhere service: verifies `CreateSession` requests as AWS does and
/// issues credentials.
///
/// `CreateSession` runs in three steps (see `RolesAnywhereEmulator+CreateSession.swift`):
/// authenticate (`SigV4X509Authenticator`: the SigV4-X509 `Authorization` header and
/// signature, RSA and ECDSA, in the ±5-minute clock window; then `CertificateTrust`: the chain
/// to an enabled trust anchor, the validity period, revocation by the trust anchor's CRLs),
/// authorize (`CreateSessionAuthorization`: the profile exists, is enabled, lists the role,
/// its session-name and instance-property rules, the duration bounds), and issue
/// (`CreateSessionIssuer`). Errors come back in the AWS shape.
///
/// Every time comes from one injected `WallClock` (``clock``), shared with the control plane
/// and the emulator's STS.
public final class RolesAnywhereEmulator: Sendable {
    /// A response to send: status, headers and body.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]
    }

    public let configuration: EmulatorConfiguration
    /// Trust anchors, profiles, CRLs and subjects (seeded from the configuration).
    public let store: EmulatorStore
    /// The control-plane operations on the same store.
    public let controlPlane: ControlPlaneEmulator
    /// The clock of every time check and expiration: this emulator's, its control plane's and
    /// (unless given another) its STS's.
    public let clock: any WallClock
    /// IAM Identity Center (OIDC, pages, portal), on the same clock and sessions.
    public var sso: SSOEmulator { ssoBox.withLock { $0 } ?? makeSSO() }
    private let ssoBox = Mutex<SSOEmulator?>(nil)
    private let issued = Mutex<[String: IssuedSession]>([:])

    /// A session the emulator issued (kept for the STS side and for tests).
    public struct IssuedSession: Sendable, Hashable {
        public var accessKeyId: String
        public var secretAccessKey: String
        public var sessionToken: String
        public var roleArn: String
        public var sessionName: String
        public var expiration: Date
        public var subject: String
    }

    /// Loads trust anchors, profiles and CRLs of `configuration` into `store` (an in-memory one
    /// when `nil`); resources already in the store keep their state. Throws when a bundle or
    /// CRL is unreadable or a CRL is not signed by its trust anchor.
    ///
    /// - Parameter clock: The time of signature checks, expirations and timestamps, for
    ///   CreateSession, the control plane and STS.
    public init(configuration: EmulatorConfiguration, store: EmulatorStore? = nil, clock: any WallClock = SystemWallClock()) throws(EmulatorError) {
        self.configuration = configuration
        self.clock = clock
        let store = if let store { store } else { try EmulatorStore() }
        self.store = store
        self.controlPlane = ControlPlaneEmulator(
            store: store, accountId: configuration.accountId, region: configuration.region,
            adminKeys: Dictionary(configuration.adminKeys.map { ($0.accessKeyId, $0.secretAccessKey) }, uniquingKeysWith: { $1 }),
            toleranceSeconds: configuration.clockToleranceSeconds, clock: clock
        )
        try seed(stamp: ControlPlaneEmulator.secondPrecision(clock.now()))
    }

    /// The same, with the time read from `now` (kept for callers written before the clock was
    /// injected).
    public convenience init(configuration: EmulatorConfiguration, store: EmulatorStore? = nil, now: @escaping @Sendable () -> Date) throws(EmulatorError) {
        try self.init(configuration: configuration, store: store, clock: ClosureWallClock(now))
    }

    /// Stores the configuration's trust anchors, profiles and CRLs that the store lacks.
    private func seed(stamp: Date) throws(EmulatorError) {
        var anchorCertificates: [String: [Certificate]] = [:]
        for anchor in configuration.trustAnchors {
            let pem = try Self.text(anchor.certificateBundle, what: "trust anchor \(anchor.name)")
            let certificates = Self.certificates(pem: pem)
            guard !certificates.isEmpty else { throw EmulatorError.configuration("trust anchor \(anchor.name): the bundle holds no PEM certificate") }
            let arn = configuration.trustAnchorArn(anchor)
            anchorCertificates[anchor.id] = certificates
            guard try store.get(.trustAnchor, id: anchor.id) == nil else { continue }
            let detail = RolesAnywhere.TrustAnchorDetail(
                createdAt: stamp, enabled: anchor.enabled, name: anchor.name, notificationSettings: ControlPlaneEmulator.defaultNotificationSettings,
                source: .init(sourceData: .x509CertificateData(pem), sourceType: .certificateBundle), trustAnchorArn: arn, trustAnchorId: anchor.id, updatedAt: stamp
            )
            try store.put(.trustAnchor, id: anchor.id, arn: arn, document: Data(ControlPlaneEmulator.encode(detail)))
        }
        for profile in configuration.profiles where try store.get(.profile, id: profile.id) == nil {
            let arn = configuration.profileArn(profile)
            let detail = RolesAnywhere.ProfileDetail(
                acceptRoleSessionName: profile.acceptRoleSessionName, attributeMappings: ControlPlaneEmulator.defaultAttributeMappings, createdAt: stamp,
                createdBy: "emulator configuration", durationSeconds: profile.durationSeconds, enabled: profile.enabled, managedPolicyArns: [],
                name: profile.name, profileArn: arn, profileId: profile.id, requireInstanceProperties: false, roleArns: profile.roleArns, updatedAt: stamp
            )
            try store.put(.profile, id: profile.id, arn: arn, document: Data(ControlPlaneEmulator.encode(detail)))
        }
        for crlConfiguration in configuration.crls {
            guard let anchor = configuration.trustAnchors.first(where: { $0.id == crlConfiguration.trustAnchorId }), let certificates = anchorCertificates[anchor.id] else {
                throw EmulatorError.configuration("CRL \(crlConfiguration.name) names an unknown trust anchor \(crlConfiguration.trustAnchorId)")
            }
            let bytes = try Self.bytes(crlConfiguration.crl, what: "CRL \(crlConfiguration.name)")
            let crl = try CertificateRevocationList(bytes: bytes)
            guard certificates.contains(where: { $0.subject == crl.issuer && crl.isSigned(by: $0) }) else {
                throw EmulatorError.configuration("CRL \(crlConfiguration.name) is not signed by a certificate of its trust anchor")
            }
            guard try store.get(.crl, id: crlConfiguration.id) == nil else { continue }
            let arn = controlPlane.arn(.crl, crlConfiguration.id)
            let detail = RolesAnywhere.CrlDetail(
                createdAt: stamp, crlArn: arn, crlData: Data(bytes), crlId: crlConfiguration.id, enabled: crlConfiguration.enabled,
                name: crlConfiguration.name, trustAnchorArn: configuration.trustAnchorArn(anchor), updatedAt: stamp
            )
            try store.put(.crl, id: crlConfiguration.id, arn: arn, lookup: detail.trustAnchorArn, document: Data(ControlPlaneEmulator.encode(detail)))
        }
    }

    private func makeSSO() -> SSOEmulator {
        ssoBox.withLock { box in
            if let box { return box }
            let made = SSOEmulator(configuration: configuration.sso, accountId: configuration.accountId, rolesAnywhere: self)
            box = made
            return made
        }
    }

    /// Sessions issued so far.
    public var issuedSessions: [IssuedSession] { issued.withLock { Array($0.values) } }

    /// The session behind an access key the emulator issued (for its STS).
    public func issuedSession(accessKeyId: String) -> IssuedSession? { issued.withLock { $0[accessKeyId] } }

    /// Records a session issued elsewhere (the emulator's STS `AssumeRole`).
    ///
    /// Expired sessions are pruned as new ones arrive, and at most ``maximumLiveSessions`` are
    /// kept (the earliest-expiring go first), so a client calling in a loop cannot grow the
    /// emulator's memory without bound.
    func record(_ session: IssuedSession) {
        let now = clock.now()
        issued.withLock { sessions in
            if sessions.count >= Self.maximumLiveSessions / 2 {
                sessions = sessions.filter { $0.value.expiration > now }
            }
            while sessions.count >= Self.maximumLiveSessions, let first = sessions.min(by: { $0.value.expiration < $1.value.expiration }) {
                sessions[first.key] = nil
            }
            sessions[session.accessKeyId] = session
        }
    }

    /// The most issued sessions kept in memory.
    public static let maximumLiveSessions = 10_000

    /// The error answer of `CreateSession` and the control plane (rest-json).
    static func errorResponse(_ error: EmulatorError) -> Response { error.response }

    // MARK: - Helpers

    static func certificates(pem: String) -> [Certificate] {
        ((try? PEMDocument.parseMultiple(pemString: pem)) ?? []).filter { $0.discriminator == "CERTIFICATE" }.compactMap { try? Certificate(derEncoded: $0.derBytes) }
    }

    func decodeStored<T: Decodable>(_ type: T.Type, _ entry: EmulatorStore.Entry) throws(EmulatorError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: entry.document)
        } catch {
            throw EmulatorError(status: 500, code: "InternalServerException", message: "stored resource \(entry.id) is unreadable")
        }
    }

    static func random(_ count: Int, alphabet: String) -> String {
        let letters = Array(alphabet)
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in letters[Int(generator.next(upperBound: UInt64(letters.count)))] })
    }

    static func text(_ valueOrPath: String, what: String) throws(EmulatorError) -> String {
        if valueOrPath.contains("-----BEGIN") { return valueOrPath }
        guard let data = FileManager.default.contents(atPath: valueOrPath) else {
            throw EmulatorError.configuration("\(what): cannot read \(valueOrPath)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func bytes(_ valueOrPath: String, what: String) throws(EmulatorError) -> [UInt8] {
        if valueOrPath.contains("-----BEGIN") { return Array(valueOrPath.utf8) }
        guard let data = FileManager.default.contents(atPath: valueOrPath) else {
            throw EmulatorError.configuration("\(what): cannot read \(valueOrPath)")
        }
        return Array(data)
    }
}
