import NIOSSL

/// Decrypts key formats RoleKit does not implement itself (traditional PEM with DES-EDE3-CBC,
/// PBES2 with 3DES, PBES1) through BoringSSL, via swift-nio-ssl.
///
/// BoringSSL's error text contains build paths, so it is never shown; the caller gets a typed
/// error instead.
enum BoringSSLKeyDecryptor {
    /// Returns the key's unencrypted DER (PKCS#1 for RSA, SEC1 for EC).
    static func decrypt(pem: String, passphrase: Passphrase, scheme: String) throws(IdentityError) -> [UInt8] {
        do {
            let key = try NIOSSLPrivateKey(bytes: Array(pem.utf8), format: .pem) { (setter: NIOSSLPassphraseSetter<[UInt8]>) in
                setter(passphrase.bytes)
            }
            return try key.derBytes
        } catch {
            throw IdentityError(
                .wrongPassphrase,
                "could not decrypt the private key (\(scheme)): the passphrase is wrong, or the key is damaged"
            )
        }
    }
}
