import NIOSSL
import SwiftASN1
import X509
import RoleKitSigning

/// Reads PKCS#12 (`.p12`/`.pfx`) bundles through swift-nio-ssl: modern (PBES2/AES, SHA-256 MAC)
/// and legacy (SHA1-3DES, SHA-1 MAC), with or without a password.
enum PKCS12Loader {
    struct Contents {
        var certificate: Certificate
        var others: [Certificate]
        var keyDER: [UInt8]
    }

    /// Whether `bytes` are a DER PFX: `SEQUENCE { INTEGER 3, ContentInfo { pkcs7-data, … } }`.
    static func looksLikePKCS12(_ bytes: [UInt8]) -> Bool {
        guard var reader = try? ASN1Reader(der: bytes), (try? reader.integer()) == 3,
            var contentInfo = try? reader.sequence(), let type = try? contentInfo.oid()
        else { return false }
        return type == OID.pkcs7Data
    }

    /// Opens the bundle; tries no password first, then `passphrase` when the bundle needs one.
    static func load(_ bytes: [UInt8], passphrase: () throws(IdentityError) -> Passphrase?) throws(IdentityError) -> Contents {
        if let visible = visibleBags(bytes) {
            if visible.keyBags == 0 {
                throw IdentityError(.pkcs12WithoutKey, "the PKCS#12 file holds no private key (only certificates); export it with the key, or give the key file separately")
            }
            if visible.certificateBags == 0 && visible.encryptedContents == 0 {
                throw IdentityError(.noCertificate, "the PKCS#12 file holds a private key but no certificate; export it with its certificate (openssl pkcs12 -export -inkey KEY -in CERT)")
            }
        }
        func refuseUnmatchedKey(_ password: Passphrase) throws(IdentityError) {
            if keyHasCertificate(bytes, password: password) == false {
                throw IdentityError(.noCertificate, "the PKCS#12 file holds a private key without its certificate; export it with the certificate of that key (openssl pkcs12 -export -inkey KEY -in CERT)")
            }
        }
        try refuseUnmatchedKey(Passphrase(""))
        let bundle: NIOSSLPKCS12Bundle
        switch attempt(bytes, password: nil) {
        case .success(let opened):
            bundle = opened
        case .failure(let firstError):
            guard firstError.code == .pkcs12WrongPassword else { throw firstError }
            guard let password = try passphrase() else {
                throw IdentityError(.passphraseRequired, "the PKCS#12 file is password-protected; give its password")
            }
            try refuseUnmatchedKey(password)
            bundle = try attempt(bytes, password: password).get()
        }
        guard let leaf = bundle.certificateChain.first else {
            throw IdentityError(.noCertificate, "the PKCS#12 file holds no certificate")
        }
        do {
            let certificate = try Certificate(derEncoded: try leaf.toDERBytes())
            let others = try bundle.certificateChain.dropFirst().map { try Certificate(derEncoded: try $0.toDERBytes()) }
            return Contents(certificate: certificate, others: others, keyDER: try bundle.privateKey.derBytes)
        } catch {
            throw IdentityError(.malformedPKCS12, "the PKCS#12 file holds a certificate or key RoleKit cannot read")
        }
    }

    private static func attempt(_ bytes: [UInt8], password: Passphrase?) -> Result<NIOSSLPKCS12Bundle, IdentityError> {
        do {
            if let password {
                return .success(try NIOSSLPKCS12Bundle(buffer: bytes, passphrase: password.bytes))
            }
            return .success(try NIOSSLPKCS12Bundle(buffer: bytes))
        } catch {
            // The BoringSSL text holds build paths; only the reason code is inspected.
            let text = String(describing: error)
            if text.contains("INCORRECT_PASSWORD") || text.contains("BAD_PKCS12_DATA") && password == nil {
                return .failure(IdentityError(.pkcs12WrongPassword, password == nil
                    ? "the PKCS#12 file is password-protected"
                    : "wrong password for the PKCS#12 file"))
            }
            if text.contains("INCORRECT_PASSWORD") {
                return .failure(IdentityError(.pkcs12WrongPassword, "wrong password for the PKCS#12 file"))
            }
            if text.contains("MISSING_PRIVATE_KEY") || text.contains("NO_PRIVATE_KEY") {
                return .failure(IdentityError(.pkcs12WithoutKey, "the PKCS#12 file holds no private key"))
            }
            return .failure(IdentityError(.malformedPKCS12, "the PKCS#12 file is damaged, truncated or uses an unsupported encryption"))
        }
    }
}
