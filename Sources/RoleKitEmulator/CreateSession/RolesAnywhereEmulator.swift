import Crypto
import RoleKitServices
import _CryptoExtras
public import FoundationEssentials
public import RoleKitSigning
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509
import Synchronization

/// The emulated Roles Anywhere service: verifies `CreateSession` requests as AWS does and
/// issues credentials.
///
/// Checks, in order: the SigV4-X509 `Authorization` header and signature (RSA and ECDSA), the
/// ±5-minute clock window, the certificate chain to an enabled trust anchor, the validity
/// period, revocation by the trust anchor's CRLs, the profile (exists, enabled, lists the role,
/// session-name policy) and the duration bounds. Errors come back in the AWS shape.
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
    private let now: @Sendable () -> Date
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
    public init(configuration: EmulatorConfiguration, store: EmulatorStore? = nil, now: @escaping @Sendable () -> Date = { Date() }) throws(EmulatorError) {
        self.configuration = configuration
        self.now = now
        let store = if let store { store } else { try EmulatorStore() }
        self.store = store
        self.controlPlane = ControlPlaneEmulator(
            store: store, accountId: configuration.accountId, region: configuration.region,
            adminKeys: Dictionary(configuration.adminKeys.map { ($0.accessKeyId, $0.secretAccessKey) }, uniquingKeysWith: { $1 }),
            toleranceSeconds: configuration.clockToleranceSeconds, now: now
        )
        let stamp = ControlPlaneEmulator.secondPrecision(now())
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
        let now = self.now()
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

    /// Handles `POST /sessions`.
    public func createSession(_ request: SigningRequest) async -> Response {
        do {
            let body = try await verifyAndIssue(request)
            return Response(status: 201, headers: [("Content-Type", "application/json"), ("x-amzn-RequestId", UUID().uuidString.lowercased())], body: body)
        } catch {
            return Self.errorResponse(error)
        }
    }

    static func errorResponse(_ error: EmulatorError) -> Response {
        let body = "{\"message\":\(JSONQuote.quote(error.message))}"
        return Response(
            status: error.status,
            headers: [("Content-Type", "application/json"), ("X-Amzn-ErrorType", error.code), ("x-amzn-RequestId", UUID().uuidString.lowercased())],
            body: Array(body.utf8)
        )
    }

    private func verifyAndIssue(_ request: SigningRequest) async throws(EmulatorError) -> [UInt8] {
        let now = self.now()
        // 1. Authorization header.
        guard let authorization = request.firstHeader(named: "authorization"), let auth = ParsedAuthorization(authorization) else {
            throw EmulatorError.accessDenied("Missing or malformed Authorization header")
        }
        guard let algorithm = SigV4X509Algorithm(rawValue: auth.algorithm) else {
            throw EmulatorError.invalidSignature
        }
        // 2. Time window.
        guard let dateText = request.firstHeader(named: "x-amz-date"), let amzDate = AmzDate(timestamp: dateText) else {
            throw EmulatorError.accessDenied("Missing or malformed X-Amz-Date header")
        }
        let skew = amzDate.date.timeIntervalSince(now)
        if abs(skew) > TimeInterval(configuration.clockToleranceSeconds) {
            let bound = AmzDate(now.addingTimeInterval(skew < 0 ? -TimeInterval(configuration.clockToleranceSeconds) : TimeInterval(configuration.clockToleranceSeconds))).timestamp
            throw EmulatorError.accessDenied("Signature expired: \(dateText) is now \(skew < 0 ? "earlier" : "later") than \(bound) (\(AmzDate(now).timestamp) \(skew < 0 ? "-" : "+") \(configuration.clockToleranceSeconds / 60) min.)")
        }
        guard auth.scope.count == 4, auth.scope[0] == amzDate.dateStamp, auth.scope[2] == "rolesanywhere", auth.scope[3] == "aws4_request" else {
            throw EmulatorError.invalidSignature
        }
        guard auth.scope[1] == configuration.region else {
            throw EmulatorError.accessDenied("Credential should be scoped to a valid region, not '\(auth.scope[1])'")
        }
        // 3. Certificates.
        guard let leafText = request.firstHeader(named: "x-amz-x509"), let leaf = Self.certificate(base64: leafText) else {
            throw EmulatorError.accessDenied("Missing or malformed X-Amz-X509 certificate")
        }
        var intermediates: [Certificate] = []
        if let chainText = request.firstHeader(named: "x-amz-x509-chain") {
            for part in chainText.split(separator: ",") {
                guard let certificate = Self.certificate(base64: String(part)) else {
                    throw EmulatorError.accessDenied("Malformed X-Amz-X509-Chain certificate")
                }
                intermediates.append(certificate)
            }
        }
        guard auth.serial == leaf.serialNumber.decimalString else { throw EmulatorError.invalidSignature }
        // 4. Signature.
        let required: Set<String> = intermediates.isEmpty ? ["host", "x-amz-date", "x-amz-x509"] : ["host", "x-amz-date", "x-amz-x509", "x-amz-x509-chain"]
        guard required.isSubset(of: auth.signedHeaders) else { throw EmulatorError.invalidSignature }
        let canonical = CanonicalRequest(
            request: request,
            payloadHash: CanonicalRequest.payloadHash(request.body),
            includeHeader: { auth.signedHeaders.contains($0) }
        )
        let scope = CredentialScope(date: amzDate, region: auth.scope[1], service: auth.scope[2])
        let stringToSign = StringToSign(algorithm: algorithm.rawValue, date: amzDate, scope: scope, canonicalRequest: canonical)
        guard canonical.signedHeaders == auth.signedHeaderList,
            Self.verify(signatureHex: auth.signature, over: Array(stringToSign.text.utf8), key: leaf.publicKey, algorithm: algorithm)
        else { throw EmulatorError.invalidSignature }
        // 5. Parameters.
        let parameters = try CreateSessionParameters(body: request.body, query: request.query)
        guard let anchorEntry = try store.get(.trustAnchor, arn: parameters.trustAnchorArn) else {
            throw EmulatorError.notFound("Trust anchor \(parameters.trustAnchorArn) not found")
        }
        let anchor = try decodeStored(RolesAnywhere.TrustAnchorDetail.self, anchorEntry)
        guard let profileEntry = try store.get(.profile, arn: parameters.profileArn) else {
            throw EmulatorError.notFound("Profile \(parameters.profileArn) not found")
        }
        let profile = try decodeStored(RolesAnywhere.ProfileDetail.self, profileEntry)
        // Outcomes are recorded on the caller's subject only once its certificate chains to the
        // trust anchor: anyone can sign with a self-made certificate, and those must not fill
        // the subjects table.
        var chained = false
        do {
            try await authorize(leaf: leaf, intermediates: intermediates, anchor: anchor, anchorArn: anchorEntry.arn, profile: profile, parameters: parameters, now: now, chained: &chained)
        } catch {
            if chained { try? recordSubject(leaf: leaf, failed: true, instanceProperties: parameters.instanceProperties, now: now) }
            throw error
        }
        try? recordSubject(leaf: leaf, failed: false, instanceProperties: parameters.instanceProperties, now: now)
        let duration = parameters.durationSeconds ?? 3600
        // 8. Issue.
        let sessionName = parameters.roleSessionName ?? leaf.serialNumber.bytes.lowercaseHex
        let expiration = now.addingTimeInterval(TimeInterval(duration))
        let accessKeyId = "ASIA" + Self.random(16, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let secretAccessKey = Self.random(40, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let sessionToken = "IQoJb3JpZ2luX2VtdWxhdG9y" + Self.random(300, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let roleName = parameters.roleArn.split(separator: "/").last.map(String.init) ?? "role"
        let arnParts = parameters.roleArn.split(separator: ":", omittingEmptySubsequences: false)
        let account = arnParts.count > 4 && !arnParts[4].isEmpty ? String(arnParts[4]) : configuration.accountId
        let subject = leaf.subject.description
        record(IssuedSession(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken, roleArn: parameters.roleArn, sessionName: sessionName, expiration: expiration, subject: subject))
        let output = EmittedOutput(
            credentialSet: [
                .init(
                    assumedRoleUser: .init(arn: "arn:aws:sts::\(account):assumed-role/\(roleName)/\(sessionName)", assumedRoleId: "AROA\(Self.random(17, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")):\(sessionName)"),
                    credentials: .init(
                        accessKeyId: accessKeyId,
                        secretAccessKey: secretAccessKey,
                        sessionToken: sessionToken,
                        expiration: ISO8601Timestamp.format(expiration)
                    ),
                    packedPolicySize: 0,
                    roleArn: parameters.roleArn,
                    sourceIdentity: leaf.subject.commonName ?? subject
                )
            ],
            subjectArn: (try? store.find(.subject, lookup: subject).first?.arn) ?? controlPlane.arn(.subject, UUID().uuidString.lowercased())
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array((try? encoder.encode(output)) ?? Data())
    }

    /// Trust (enabled anchor, validity, chain, revocation), then the profile's rules.
    private func authorize(
        leaf: Certificate, intermediates: [Certificate], anchor: RolesAnywhere.TrustAnchorDetail, anchorArn: String,
        profile: RolesAnywhere.ProfileDetail, parameters: CreateSessionParameters, now: Date, chained: inout Bool
    ) async throws(EmulatorError) {
        // 6. Trust: enabled anchor, validity, chain, revocation.
        guard anchor.enabled == true, case .x509CertificateData(let pem)? = anchor.source?.sourceData else { throw EmulatorError.untrusted }
        let roots = Self.certificates(pem: pem)
        for certificate in [leaf] + intermediates {
            if now < certificate.notValidBefore || now > certificate.notValidAfter { throw EmulatorError.untrusted }
        }
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy(fixedExpiryValidationTime: now)
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates))
        guard case .validCertificate(let chain) = result else { throw EmulatorError.untrusted }
        chained = true
        var crls: [CertificateRevocationList] = []
        for entry in try store.find(.crl, lookup: anchorArn) {
            let detail = try decodeStored(RolesAnywhere.CrlDetail.self, entry)
            guard detail.enabled == true, let data = detail.crlData, let crl = try? CertificateRevocationList(bytes: Array(data)) else { continue }
            // Only a CRL signed by a CA of the chain counts.
            if chain.contains(where: { $0.subject == crl.issuer && crl.isSigned(by: $0) }) { crls.append(crl) }
        }
        for certificate in chain.dropLast() where crls.contains(where: { $0.revokes(certificate) }) {
            throw EmulatorError.untrusted
        }
        // 7. Profile.
        let name = profile.name ?? profile.profileId ?? "?"
        guard profile.enabled == true else { throw EmulatorError.accessDenied("Profile \(name) is disabled") }
        guard (profile.roleArns ?? []).contains(parameters.roleArn) else {
            throw EmulatorError.accessDenied("Role \(parameters.roleArn) is not in profile \(name)")
        }
        if parameters.roleSessionName != nil, profile.acceptRoleSessionName != true {
            throw EmulatorError.accessDenied("Not authorized to set roleSessionName")
        }
        if profile.requireInstanceProperties == true, parameters.instanceProperties?.isEmpty ?? true {
            throw EmulatorError.accessDenied("Profile \(name) requires instance properties")
        }
        let duration = parameters.durationSeconds ?? 3600
        guard (900...43_200).contains(duration) else {
            throw EmulatorError.validation("durationSeconds must be between 900 and 43200")
        }
        let maximum = profile.durationSeconds ?? 3600
        guard duration <= maximum else {
            throw EmulatorError.validation("durationSeconds \(duration) exceeds the profile's maximum of \(maximum)")
        }
    }

    /// Creates or updates the subject of `leaf` (keyed by its distinguished name): last seen,
    /// and the certificate's entry with its outcome.
    private func recordSubject(leaf: Certificate, failed: Bool, instanceProperties: [String: String]?, now: Date) throws(EmulatorError) {
        let name = leaf.subject.description
        let stamp = ControlPlaneEmulator.secondPrecision(now)
        var detail: RolesAnywhere.SubjectDetail
        let id: String
        let arn: String
        if let entry = try store.find(.subject, lookup: name).first {
            detail = try decodeStored(RolesAnywhere.SubjectDetail.self, entry)
            id = entry.id
            arn = entry.arn
        } else {
            id = UUID().uuidString.lowercased()
            arn = controlPlane.arn(.subject, id)
            detail = RolesAnywhere.SubjectDetail(createdAt: stamp, credentials: [], enabled: true, instanceProperties: [], subjectArn: arn, subjectId: id, x509Subject: name)
        }
        let serial = leaf.serialNumber.decimalString
        var pem = ""
        if let der = try? leaf.serializeAsPEM() { pem = der.pemString }
        let summary = RolesAnywhere.CredentialSummary(enabled: true, failed: failed, issuer: leaf.issuer.description, seenAt: stamp, serialNumber: serial, x509CertificateData: pem)
        var credentials = detail.credentials ?? []
        credentials.removeAll { $0.serialNumber == serial }
        credentials.append(summary)
        detail.credentials = credentials
        if let instanceProperties, !instanceProperties.isEmpty {
            var properties = (detail.instanceProperties ?? []).filter { $0.properties != instanceProperties }
            properties.append(.init(failed: failed, properties: instanceProperties, seenAt: stamp))
            detail.instanceProperties = Array(properties.suffix(10))
        }
        detail.lastSeenAt = stamp
        detail.updatedAt = stamp
        try store.put(.subject, id: id, arn: arn, lookup: name, document: Data(ControlPlaneEmulator.encode(detail)))
    }

    // MARK: - Helpers

    static func verify(signatureHex: String, over message: [UInt8], key: Certificate.PublicKey, algorithm: SigV4X509Algorithm) -> Bool {
        guard let signature = hexBytes(signatureHex) else { return false }
        let digest = SHA256.hash(data: message)
        switch algorithm {
        case .rsaSHA256:
            guard let rsa = _RSA.Signing.PublicKey(key) else { return false }
            return rsa.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5)
        case .ecdsaSHA256:
            if let p256 = P256.Signing.PublicKey(key), let sig = try? P256.Signing.ECDSASignature(derRepresentation: signature) {
                return p256.isValidSignature(sig, for: digest)
            }
            if let p384 = P384.Signing.PublicKey(key), let sig = try? P384.Signing.ECDSASignature(derRepresentation: signature) {
                return p384.isValidSignature(sig, for: digest)
            }
            return false
        }
    }

    static func certificate(base64: String) -> Certificate? {
        guard let data = Data(base64Encoded: base64) else { return nil }
        return try? Certificate(derEncoded: Array(data))
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0, !chars.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let byte = UInt8(String(decoding: chars[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
            index += 2
        }
        return out
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

/// The parts of `ALG Credential=SERIAL/DATE/REGION/SERVICE/aws4_request, SignedHeaders=…, Signature=…`.
struct ParsedAuthorization {
    var algorithm: String
    var serial: String
    var scope: [String]
    var signedHeaderList: String
    var signedHeaders: Set<String>
    var signature: String

    init?(_ header: String) {
        guard let space = header.firstIndex(of: " ") else { return nil }
        algorithm = String(header[..<space])
        var fields: [String: String] = [:]
        for part in header[header.index(after: space)...].split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            fields[pair[0].filter { $0 != " " }] = String(pair[1])
        }
        guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"] else { return nil }
        let credentialParts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard credentialParts.count == 5 else { return nil }
        serial = credentialParts[0]
        scope = Array(credentialParts[1...])
        signedHeaderList = signed
        signedHeaders = Set(signed.split(separator: ";").map(String.init))
        self.signature = signature
    }
}

/// The CreateSession parameters, from the JSON body or the query string.
struct CreateSessionParameters {
    var profileArn: String
    var roleArn: String
    var trustAnchorArn: String
    var durationSeconds: Int?
    var roleSessionName: String?
    var instanceProperties: [String: String]?

    init(body: [UInt8], query: String) throws(EmulatorError) {
        struct Body: Decodable {
            var profileArn: String?
            var roleArn: String?
            var trustAnchorArn: String?
            var durationSeconds: Int?
            var roleSessionName: String?
            var instanceProperties: [String: String]?
        }
        var decoded = Body()
        if !body.isEmpty {
            do {
                decoded = try JSONDecoder().decode(Body.self, from: Data(body))
            } catch {
                throw EmulatorError(status: 400, code: "SerializationException", message: "The request body is not valid JSON")
            }
        }
        for (name, value) in QueryString.items(query) {
            switch name {
            case "profileArn": decoded.profileArn = decoded.profileArn ?? value
            case "roleArn": decoded.roleArn = decoded.roleArn ?? value
            case "trustAnchorArn": decoded.trustAnchorArn = decoded.trustAnchorArn ?? value
            default: break
            }
        }
        guard let profileArn = decoded.profileArn, let roleArn = decoded.roleArn, let trustAnchorArn = decoded.trustAnchorArn else {
            throw EmulatorError.validation("profileArn, roleArn and trustAnchorArn are required")
        }
        self.profileArn = profileArn
        self.roleArn = roleArn
        self.trustAnchorArn = trustAnchorArn
        self.durationSeconds = decoded.durationSeconds
        self.roleSessionName = decoded.roleSessionName
        self.instanceProperties = decoded.instanceProperties
        if let properties = instanceProperties {
            guard properties.count <= 50, properties.allSatisfy({ (1...200).contains($0.key.count) && (1...200).contains($0.value.count) }) else {
                throw EmulatorError.validation("instanceProperties: at most 50, keys and values 1–200 characters")
            }
        }
    }
}

/// The response shape (encoded; the client side decodes it with its own types).
struct EmittedOutput: Encodable {
    struct AssumedRoleUser: Encodable {
        var arn: String
        var assumedRoleId: String
    }

    struct SessionCredentials: Encodable {
        var accessKeyId: String
        var secretAccessKey: String
        var sessionToken: String
        var expiration: String
    }

    struct CredentialSet: Encodable {
        var assumedRoleUser: AssumedRoleUser
        var credentials: SessionCredentials
        var packedPolicySize: Int
        var roleArn: String
        var sourceIdentity: String
    }

    var credentialSet: [CredentialSet]
    var subjectArn: String
}

enum JSONQuote {
    static func quote(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}

extension DistinguishedName {
    var commonName: String? {
        for rdn in self {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                return String(describing: attribute.value)
            }
        }
        return nil
    }
}
