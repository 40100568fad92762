public import RoleKitSigning
import SwiftASN1
import X509

extension SigningIdentity {
    /// Loads an identity whose certificate, key or both are on a PKCS#11 token, as
    /// `aws_signing_helper` takes them: `certificate` and `privateKey` are each a path or a
    /// `pkcs11:` URI. A token certificate without `privateKey` finds its key by the
    /// certificate's `CKA_ID` and label; a file certificate pairs with a token key, and a token
    /// certificate with a key file. Without any `pkcs11:` URI this is
    /// ``load(certificate:privateKey:intermediates:passphrase:tpm:)``. `privateKey` may also be a
    /// TPM key (a `TSS2 PRIVATE KEY` file or `handle:0x81…`), read with `tpm`.
    public static func load(
        certificate: String,
        privateKey: String?,
        intermediates: String? = nil,
        passphrase: PassphraseSource? = nil,
        pkcs11: PKCS11Token.Options,
        tpm: TPMKey.Options = .init()
    ) throws(IdentityError) -> SigningIdentity {
        let certificateURI = certificate.hasPrefix("pkcs11:") ? try PKCS11URI(parsing: certificate) : nil
        let keyURI = try privateKey.flatMap { text throws(IdentityError) in text.hasPrefix("pkcs11:") ? try PKCS11URI(parsing: text) : nil }
        guard certificateURI != nil || keyURI != nil else {
            return try load(certificate: certificate, privateKey: privateKey, intermediates: intermediates, passphrase: passphrase, tpm: tpm)
        }
        let chain = try intermediates.map { path throws(IdentityError) in try loadCertificates(path: path) } ?? []
        let leaf: Certificate
        var found: (id: [UInt8]?, label: String?) = (nil, nil)
        if let certificateURI {
            let answer = try PKCS11Token.certificate(certificateURI, options: pkcs11)
            leaf = answer.certificate
            found = (answer.id, answer.label)
            if let privateKey, keyURI == nil, TPMKey.isHandle(privateKey) {
                let key = try TPMKey.privateKey(handle: privateKey, certificate: leaf, options: tpm)
                return try SigningIdentity(certificate: leaf, intermediates: chain, key: key)
            }
            if let privateKey, keyURI == nil {
                // The reverse hybrid: the token's certificate with a key file.
                var serializer = DER.Serializer()
                do {
                    try serializer.serialize(leaf)
                } catch {
                    throw IdentityError(.malformedCertificate, "the token's certificate could not be DER-encoded")
                }
                let pem = PEMDocument(type: "CERTIFICATE", derBytes: serializer.serializedBytes).pemString
                let keyBytes = try SecureFileReader.readFile(privateKey, what: "private key")
                let identity = try load(certificateBytes: Array(pem.utf8), privateKeyBytes: keyBytes, passphrase: passphrase, tpm: tpm)
                return try SigningIdentity(certificate: identity.certificate, intermediates: chain, key: identity.key)
            }
        } else {
            guard let first = try loadCertificates(path: certificate).first else {
                throw IdentityError(.noCertificate, "\(certificate) holds no certificate")
            }
            leaf = first
        }
        guard let uri = keyURI ?? certificateURI?.with(id: found.id, object: found.label) else {
            throw IdentityError(.noPrivateKey, "give --private-key (a key file or a pkcs11: URI)")
        }
        let key = try PKCS11Token.privateKey(uri, certificate: leaf, options: pkcs11)
        return try SigningIdentity(certificate: leaf, intermediates: chain, key: key)
    }
}
