import Crypto
import _CryptoExtras
import X509

/// What every key that signs outside this process (a PKCS#11 token, a TPM) needs: its public
/// key's raw bytes, the check of a test signature, and raw `r‖s` ECDSA turned into DER.
enum ExternalKeySupport {
    /// PKCS#1 `RSAPublicKey` DER for RSA, the uncompressed SEC1 point for EC (empty otherwise).
    static func rawBytes(of publicKey: Certificate.PublicKey) -> [UInt8] {
        if let key = _RSA.Signing.PublicKey(publicKey) { return Array(key.pkcs1DERRepresentation) }
        if let key = P256.Signing.PublicKey(publicKey) { return Array(key.x963Representation) }
        if let key = P384.Signing.PublicKey(publicKey) { return Array(key.x963Representation) }
        return []
    }

    /// Whether `signature` (PKCS#1 v1.5 for RSA, DER ECDSA for EC) of SHA-256(`message`)
    /// verifies with `publicKey`.
    static func verifies(_ signature: [UInt8], _ message: [UInt8], _ publicKey: Certificate.PublicKey, isRSA: Bool) -> Bool {
        let digest = SHA256.hash(data: message)
        if isRSA, let key = _RSA.Signing.PublicKey(publicKey) {
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5)
        }
        if let key = P256.Signing.PublicKey(publicKey), let value = try? P256.Signing.ECDSASignature(derRepresentation: signature) {
            return key.isValidSignature(value, for: digest)
        }
        if let key = P384.Signing.PublicKey(publicKey), let value = try? P384.Signing.ECDSASignature(derRepresentation: signature) {
            return key.isValidSignature(value, for: digest)
        }
        return false
    }

    /// Raw `r‖s` (each half the signature) as DER `SEQUENCE { INTEGER r, INTEGER s }`; `nil`
    /// for an empty, odd or oversized input.
    static func derECDSASignature(_ raw: [UInt8]) -> [UInt8]? {
        guard !raw.isEmpty, raw.count % 2 == 0, raw.count <= 200 else { return nil }
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var value = Array(bytes.drop { $0 == 0 })
            if value.isEmpty { value = [0] }
            if value[0] & 0x80 != 0 { value.insert(0, at: 0) }
            return [0x02] + length(value.count) + value
        }
        func length(_ count: Int) -> [UInt8] { count < 0x80 ? [UInt8(count)] : [0x81, UInt8(count)] }
        let half = raw.count / 2
        let body = integer(raw[0..<half]) + integer(raw[half...])
        return [0x30] + length(body.count) + body
    }
}
