import RoleKitSigning
import Crypto
import _CryptoExtras
import SwiftASN1
import X509

/// Describes the key type of a certificate: what RoleKit can sign with, and readable names for
/// the rest.
enum CertificateKeyInfo {
    /// `RSA-2048`, `EC P-256`, `EC P-384`, or the name of an unsupported type.
    static func describe(_ key: Certificate.PublicKey) -> String {
        if let rsa = _RSA.Signing.PublicKey(key) { return "RSA-\(rsa.keySizeInBits)" }
        if P256.Signing.PublicKey(key) != nil { return "EC P-256" }
        if P384.Signing.PublicKey(key) != nil { return "EC P-384" }
        if P521.Signing.PublicKey(key) != nil { return "EC P-521" }
        if Curve25519.Signing.PublicKey(key) != nil { return "Ed25519" }
        return "an unknown key type"
    }

    /// Throws unless the certificate's key is RSA (2048+), EC P-256 or EC P-384.
    static func checkSupported(_ certificate: Certificate) throws(IdentityError) {
        let key = certificate.publicKey
        if let rsa = _RSA.Signing.PublicKey(key) {
            if rsa.keySizeInBits < X509SigningKey.minimumRSABits {
                throw IdentityError(.keyTooSmall, "the certificate's key is RSA-\(rsa.keySizeInBits); RoleKit needs RSA 2048 bits or more (or EC P-256/P-384). Issue a new key and certificate.")
            }
            return
        }
        if P256.Signing.PublicKey(key) != nil || P384.Signing.PublicKey(key) != nil { return }
        throw PrivateKeyDecoder.unsupported(describe(key)).withMessagePrefix("the certificate's key: ")
    }

    /// For certificates swift-certificates cannot parse: the name of the SPKI algorithm, read
    /// directly from the DER, so the error can say "DSA" rather than "malformed".
    static func unparsedKeyAlgorithm(_ der: [UInt8]) -> (name: String, rsaBits: Int?)? {
        guard var certificate = try? ASN1Reader(der: der), var tbs = try? certificate.sequence() else { return nil }
        if tbs.optional(ASN1Reader.contextTag(0)) != nil {}
        guard (try? tbs.next()) != nil,  // serial
            (try? tbs.sequence()) != nil,  // signature algorithm
            (try? tbs.next()) != nil,  // issuer
            (try? tbs.next()) != nil,  // validity
            (try? tbs.next()) != nil,  // subject
            var spki = try? tbs.sequence(), var algorithm = try? spki.sequence(), let oid = try? algorithm.oid()
        else { return nil }
        if oid == OID.rsaEncryption {
            var bits: Int?
            if let bitString = try? ASN1BitString(derEncoded: spki.next()), var rsa = try? ASN1Reader(der: Array(bitString.bytes)),
                let modulus = try? rsa.bigInteger()
            {
                let trimmed = modulus.drop { $0 == 0 }
                bits = trimmed.first.map { (trimmed.count - 1) * 8 + (8 - $0.leadingZeroBitCount) }
            }
            return ("RSA", bits)
        }
        if oid == OID.ecPublicKey, let curve = try? algorithm.oid() {
            return (OID.name(of: curve), nil)
        }
        return (OID.name(of: oid), nil)
    }
}

extension IdentityError {
    func withMessagePrefix(_ prefix: String) -> IdentityError {
        IdentityError(code, prefix + message, path: path)
    }
}
