import FoundationEssentials
import RoleKitServices
@_spi(FixedExpiryValidationTime) import X509

/// The trust half of authenticating a `CreateSession` caller: the certificate it signed with
/// chains to the (enabled) trust anchor, every certificate is within its validity period at
/// the emulator's time, and no CA-issued certificate of the chain is revoked by an enabled CRL
/// of the trust anchor that a CA of the chain signed.
///
/// Two calls, because their failures are recorded differently: a failed ``validateChain(_:anchor:now:)``
/// leaves no trace (anyone can sign with a self-made certificate), a revoked certificate is
/// recorded on its subject.
enum CertificateTrust {
    /// - Returns: The verified chain, leaf first, trust anchor certificate last.
    /// - Throws: `AccessDeniedException` "Untrusted signing certificate".
    static func validateChain(_ certificates: SigV4X509Authenticator.SignedCertificates, anchor: RolesAnywhere.TrustAnchorDetail, now: Date) async throws(EmulatorError) -> [Certificate] {
        guard anchor.enabled == true, case .x509CertificateData(let pem)? = anchor.source?.sourceData else { throw EmulatorError.untrusted }
        let roots = RolesAnywhereEmulator.certificates(pem: pem)
        for certificate in [certificates.leaf] + certificates.intermediates {
            if now < certificate.notValidBefore || now > certificate.notValidAfter { throw EmulatorError.untrusted }
        }
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy(fixedExpiryValidationTime: now)
        }
        let result = await verifier.validate(leaf: certificates.leaf, intermediates: CertificateStore(certificates.intermediates))
        guard case .validCertificate(let chain) = result else { throw EmulatorError.untrusted }
        return Array(chain)
    }

    /// - Parameter crls: The trust anchor's CRLs; disabled or unreadable ones, and those no CA
    ///   of `chain` signed, do not count.
    /// - Throws: `AccessDeniedException` "Untrusted signing certificate" when one revokes a
    ///   certificate of `chain` (the trust anchor's own certificate excepted).
    static func checkRevocation(of chain: [Certificate], crls: [RolesAnywhere.CrlDetail]) throws(EmulatorError) {
        var counted: [CertificateRevocationList] = []
        for detail in crls {
            guard detail.enabled == true, let data = detail.crlData, let crl = try? CertificateRevocationList(bytes: Array(data)) else { continue }
            if chain.contains(where: { $0.subject == crl.issuer && crl.isSigned(by: $0) }) { counted.append(crl) }
        }
        for certificate in chain.dropLast() where counted.contains(where: { $0.revokes(certificate) }) {
            throw EmulatorError.untrusted
        }
    }
}
