public import RoleKitSigning
public import X509

/// A leaf certificate, its optional chain, and the private key that belongs to it: everything
/// SigV4-X509 needs.
///
/// Create one from files with ``load(certificate:privateKey:intermediates:passphrase:)`` or from
/// values with ``init(certificate:intermediates:key:)``; both check that the key matches the
/// certificate.
public struct SigningIdentity: Sendable {
    /// The leaf certificate.
    public let certificate: Certificate
    /// Intermediate certificates, leaf excluded, in the order they are sent.
    public let intermediates: [Certificate]
    /// The leaf's private key.
    public let key: X509SigningKey

    /// Throws ``IdentityError/Code-swift.struct/keyCertificateMismatch`` when `key` does not
    /// belong to `certificate`.
    public init(certificate: Certificate, intermediates: [Certificate] = [], key: X509SigningKey) throws(IdentityError) {
        try CertificateKeyInfo.checkSupported(certificate)
        guard key.publicKey == certificate.publicKey else {
            throw IdentityError(
                .keyCertificateMismatch,
                "the private key (\(key.keyDescription)) does not belong to the certificate \(certificate.subject) (whose key is \(CertificateKeyInfo.describe(certificate.publicKey))); pass the key that was used to request this certificate"
            )
        }
        self.certificate = certificate
        self.intermediates = intermediates.filter { $0 != certificate }
        self.key = key
    }

    /// The leaf serial number in decimal.
    public var serialNumber: String { certificate.serialNumber.decimalString }

    /// A SigV4-X509 signer for `region`.
    public func signer(region: String, service: String = "rolesanywhere") throws(SigningError) -> SigV4X509Signer {
        try SigV4X509Signer(certificate: certificate, intermediates: intermediates, key: key, region: region, service: service)
    }
}

extension SigningIdentity {
    /// `RSA` or `EC` for a supported certificate key (as `read-certificate-data` prints it).
    public static func keyType(of certificate: Certificate) -> String {
        CertificateKeyInfo.describe(certificate.publicKey).hasPrefix("RSA") ? "RSA" : "EC"
    }
}
