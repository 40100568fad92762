import FoundationEssentials
public import RoleKitSigning
import RoleKitServices
import RoleKitTransport
import SwiftASN1
import X509

extension RolesAnywhereEmulator {
    /// Handles `POST /sessions`: authenticate, authorize, issue, at the emulator's clock.
    public func createSession(_ request: SigningRequest) async -> Response {
        do {
            let body = try await verifyAndIssue(request, now: clock.now())
            return Response(status: 201, headers: [("Content-Type", "application/json"), ("x-amzn-RequestId", UUID().uuidString.lowercased())], body: body)
        } catch {
            return error.response
        }
    }

    /// The three steps, in the order AWS answers their errors:
    ///
    /// 1. Authenticate: the SigV4-X509 signature in the clock window (nothing of the body is
    ///    read before), then the parameters, the trust anchor and the profile (unknown ones are
    ///    `ResourceNotFoundException`), then the chain to the enabled trust anchor and its CRLs.
    /// 2. Authorize: the profile's rules (``CreateSessionAuthorization``).
    /// 3. Issue (``CreateSessionIssuer``), and record the session for STS.
    ///
    /// Outcomes are recorded on the caller's subject only once its certificate chains to the
    /// trust anchor: anyone can sign with a self-made certificate, and those must not fill the
    /// subjects table.
    func verifyAndIssue(_ request: SigningRequest, now: Date) async throws(EmulatorError) -> [UInt8] {
        // 1. Authenticate.
        let signed = try SigV4X509Authenticator(region: configuration.region, toleranceSeconds: configuration.clockToleranceSeconds).authenticate(request, now: now)
        let parameters = try CreateSessionParameters(body: request.body, query: request.query)
        guard let anchorEntry = try store.get(.trustAnchor, arn: parameters.trustAnchorArn) else {
            throw EmulatorError.notFound("Trust anchor \(parameters.trustAnchorArn) not found")
        }
        let anchor = try decodeStored(RolesAnywhere.TrustAnchorDetail.self, anchorEntry)
        guard let profileEntry = try store.get(.profile, arn: parameters.profileArn) else {
            throw EmulatorError.notFound("Profile \(parameters.profileArn) not found")
        }
        let profile = try decodeStored(RolesAnywhere.ProfileDetail.self, profileEntry)
        let chain = try await CertificateTrust.validateChain(signed, anchor: anchor, now: now)
        // From here on the caller is a known subject: failures are recorded on it.
        let authorization: CreateSessionAuthorization
        do {
            try CertificateTrust.checkRevocation(of: chain, crls: try crls(of: anchorEntry.arn))
            // 2. Authorize.
            authorization = try CreateSessionAuthorization(profile: profile, parameters: parameters)
        } catch {
            try? recordSubject(leaf: signed.leaf, failed: true, instanceProperties: parameters.instanceProperties, now: now)
            throw error
        }
        try? recordSubject(leaf: signed.leaf, failed: false, instanceProperties: parameters.instanceProperties, now: now)
        // 3. Issue.
        let subject = signed.leaf.subject.description
        let subjectArn = (try? store.find(.subject, lookup: subject).first?.arn) ?? controlPlane.arn(.subject, UUID().uuidString.lowercased())
        let issued = CreateSessionIssuer(defaultAccount: configuration.accountId, lifetimeOverride: configuration.sessionLifetimeSeconds).issue(authorization, leaf: signed.leaf, subjectArn: subjectArn, now: now)
        record(issued.session)
        return Self.encoded(issued.output)
    }

    /// The stored CRLs of the trust anchor `anchorArn`.
    func crls(of anchorArn: String) throws(EmulatorError) -> [RolesAnywhere.CrlDetail] {
        var details: [RolesAnywhere.CrlDetail] = []
        for entry in try store.find(.crl, lookup: anchorArn) {
            details.append(try decodeStored(RolesAnywhere.CrlDetail.self, entry))
        }
        return details
    }

    /// Creates or updates the subject of `leaf` (keyed by its distinguished name): last seen,
    /// and the certificate's entry with its outcome.
    func recordSubject(leaf: Certificate, failed: Bool, instanceProperties: [String: String]?, now: Date) throws(EmulatorError) {
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
}

extension RolesAnywhereEmulator {
    /// The answer as the service writes it: JSON, keys in the model's order, slashes unescaped.
    static func encoded(_ output: CreateSessionOutput) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array((try? encoder.encode(output)) ?? Data())
    }
}
