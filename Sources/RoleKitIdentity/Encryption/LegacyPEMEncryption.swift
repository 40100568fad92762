import Crypto
import _CryptoExtras
import FoundationEssentials
import RoleKitSupport

/// OpenSSL's traditional PEM encryption (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: CIPHER,IV`):
/// the key comes from `EVP_BytesToKey` with MD5 and one round, salted with the first 8 IV bytes.
///
/// AES-*-CBC is decrypted here; other ciphers (DES-EDE3-CBC) are left to BoringSSL.
enum LegacyPEMEncryption {
    struct Parameters: Sendable {
        var cipher: String
        var keyLength: Int
        var iv: [UInt8]
    }

    /// Whether `block` is a traditionally encrypted PEM block.
    static func isEncrypted(_ block: PEMBlock) -> Bool {
        block.headers["Proc-Type"].map { String($0.filter { $0 != " " }).uppercased() } == "4,ENCRYPTED"
    }

    /// The AES parameters of `block`, `nil` for a cipher handled elsewhere.
    static func parameters(_ block: PEMBlock) throws(IdentityError) -> Parameters? {
        guard let info = block.headers["DEK-Info"] else {
            throw IdentityError(.malformedPrivateKey, "the encrypted PEM key has no DEK-Info header")
        }
        let parts = info.split(separator: ",", maxSplits: 1).map { String($0).trimmed }
        guard parts.count == 2, let iv = hexBytes(parts[1]) else {
            throw IdentityError(.malformedPrivateKey, "the encrypted PEM key has a malformed DEK-Info header")
        }
        let cipher = parts[0].uppercased()
        let keyLength: Int
        switch cipher {
        case "AES-128-CBC": keyLength = 16
        case "AES-192-CBC": keyLength = 24
        case "AES-256-CBC": keyLength = 32
        default: return nil
        }
        guard iv.count == 16 else {
            throw IdentityError(.malformedPrivateKey, "the encrypted PEM key's IV has \(iv.count) bytes; \(cipher) needs 16")
        }
        return Parameters(cipher: cipher, keyLength: keyLength, iv: iv)
    }

    /// Decrypts to the inner DER (PKCS#1 or SEC1).
    static func decrypt(_ block: PEMBlock, parameters: Parameters, passphrase: Passphrase) throws(IdentityError) -> [UInt8] {
        let key = bytesToKey(passphrase: passphrase.bytes, salt: Array(parameters.iv.prefix(8)), count: parameters.keyLength)
        let plaintext: Data
        do {
            plaintext = try AES._CBC.decrypt(block.der, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: parameters.iv))
        } catch {
            throw PBES2.wrongPassphrase()
        }
        guard (try? ASN1Reader(der: Array(plaintext))) != nil else { throw PBES2.wrongPassphrase() }
        return Array(plaintext)
    }

    /// `EVP_BytesToKey(MD5, salt, passphrase, count: 1)`.
    static func bytesToKey(passphrase: [UInt8], salt: [UInt8], count: Int) -> [UInt8] {
        var key: [UInt8] = []
        var previous: [UInt8] = []
        while key.count < count {
            var md5 = Insecure.MD5()
            md5.update(data: previous)
            md5.update(data: passphrase)
            md5.update(data: salt)
            previous = Array(md5.finalize())
            key += previous
        }
        return Array(key.prefix(count))
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        guard !text.isEmpty else { return nil }
        return Hex.decode(text)
    }
}
