import Crypto
import _CryptoExtras
import SwiftASN1
import FoundationEssentials

/// Decryption of PKCS#8 `EncryptedPrivateKeyInfo` with PBES2 (RFC 8018): PBKDF2 with
/// HMAC-SHA1/224/256/384/512 or scrypt, then AES-128/192/256-CBC.
///
/// Other schemes (PBES2 with 3DES, PBES1) are reported as ``Scheme/other(_:)`` so the caller can
/// hand them to BoringSSL through swift-nio-ssl.
enum PBES2 {
    /// What a file's encryption is, as far as RoleKit can tell.
    enum Scheme: Sendable {
        case supported(Parameters)
        case other(String)
    }

    struct Parameters: Sendable {
        enum Derivation: Sendable {
            case pbkdf2(salt: [UInt8], iterations: Int, keyLength: Int?, prf: KDF.Insecure.PBKDF2.HashFunction, prfName: String)
            case scrypt(salt: [UInt8], cost: Int, blockSize: Int, parallelism: Int, keyLength: Int?)
        }

        var kdf: Derivation
        var keyLength: Int
        var iv: [UInt8]
        var cipherName: String
        var ciphertext: [UInt8]
    }

    /// Highest PBKDF2 iteration count accepted (guards against a file that would hang the process).
    /// (Real keys use 2,048 to 600,000; 5 million is seconds of work, no more.)
    static let maximumIterations = 5_000_000
    /// Largest scrypt memory accepted (128·N·r bytes).
    static let maximumScryptMemory = 256 << 20
    /// scrypt bounds: N (a power of two), r and p, and the total work N·r·p.
    static let maximumScryptCost = 1 << 20
    static let maximumScryptBlockSize = 32
    static let maximumScryptParallelism = 16
    static let maximumScryptWork = 1 << 24

    static func parse(_ der: [UInt8]) throws(IdentityError) -> Scheme {
        do {
            var info = try ASN1Reader(der: der)
            var algorithm = try info.sequence()
            let schemeOID = try algorithm.oid()
            guard schemeOID == OID.pbes2 else {
                return .other(schemeName(schemeOID))
            }
            var params = try algorithm.sequence()
            var kdfAlgorithm = try params.sequence()
            let kdfOID = try kdfAlgorithm.oid()
            var encryption = try params.sequence()
            let cipherOID = try encryption.oid()
            let keyLength: Int
            let cipherName: String
            switch cipherOID {
            case OID.aes128CBC: (keyLength, cipherName) = (16, "AES-128-CBC")
            case OID.aes192CBC: (keyLength, cipherName) = (24, "AES-192-CBC")
            case OID.aes256CBC: (keyLength, cipherName) = (32, "AES-256-CBC")
            case OID.desEDE3CBC: return .other("PBES2 with DES-EDE3-CBC")
            default: return .other("PBES2 with cipher \(cipherOID)")
            }
            let iv = try encryption.octets()
            guard iv.count == 16 else { throw ASN1Error.invalidASN1Object(reason: "IV length") }
            let ciphertext = try info.octets()

            var kdfParams = try kdfAlgorithm.sequence()
            let kdf: Parameters.Derivation
            switch kdfOID {
            case OID.pbkdf2:
                let salt = try kdfParams.octets()
                let iterations = try kdfParams.integer()
                let explicitLength = kdfParams.optional(.integer).flatMap { try? Int(derEncoded: $0) }
                var prf: KDF.Insecure.PBKDF2.HashFunction = .insecureSHA1
                var prfName = "HMAC-SHA1"
                if !kdfParams.isAtEnd {
                    var prfAlgorithm = try kdfParams.sequence()
                    switch try prfAlgorithm.oid() {
                    case OID.hmacWithSHA1: (prf, prfName) = (.insecureSHA1, "HMAC-SHA1")
                    case OID.hmacWithSHA224: (prf, prfName) = (.insecureSHA224, "HMAC-SHA224")
                    case OID.hmacWithSHA256: (prf, prfName) = (.sha256, "HMAC-SHA256")
                    case OID.hmacWithSHA384: (prf, prfName) = (.sha384, "HMAC-SHA384")
                    case OID.hmacWithSHA512: (prf, prfName) = (.sha512, "HMAC-SHA512")
                    case let other: return .other("PBKDF2 with PRF \(other)")
                    }
                }
                kdf = .pbkdf2(salt: salt, iterations: iterations, keyLength: explicitLength, prf: prf, prfName: prfName)
            case OID.scrypt:
                let salt = try kdfParams.octets()
                let cost = try kdfParams.integer()
                let blockSize = try kdfParams.integer()
                let parallelism = try kdfParams.integer()
                let explicitLength = kdfParams.optional(.integer).flatMap { try? Int(derEncoded: $0) }
                kdf = .scrypt(salt: salt, cost: cost, blockSize: blockSize, parallelism: parallelism, keyLength: explicitLength)
            default:
                return .other("PBES2 with key derivation \(kdfOID)")
            }
            return .supported(Parameters(kdf: kdf, keyLength: keyLength, iv: iv, cipherName: cipherName, ciphertext: ciphertext))
        } catch let error as IdentityError {
            throw error
        } catch {
            throw IdentityError(.malformedPrivateKey, "the encrypted private key (PKCS#8) is malformed (damaged or truncated)")
        }
    }

    /// Decrypts to the plaintext PKCS#8 DER.
    static func decrypt(_ parameters: Parameters, passphrase: Passphrase) throws(IdentityError) -> [UInt8] {
        let key: SymmetricKey
        switch parameters.kdf {
        case .pbkdf2(let salt, let iterations, let keyLength, let prf, let prfName):
            if let keyLength, keyLength != parameters.keyLength {
                throw IdentityError(.malformedPrivateKey, "the encrypted key's PBKDF2 key length (\(keyLength)) does not fit \(parameters.cipherName)")
            }
            guard iterations > 0, iterations <= maximumIterations else {
                throw IdentityError(.unsupportedEncryption, "the encrypted key asks for \(iterations) PBKDF2 (\(prfName)) iterations; RoleKit accepts 1 to \(maximumIterations)")
            }
            do {
                key = try KDF.Insecure.PBKDF2.deriveKey(
                    from: passphrase.bytes,
                    salt: salt,
                    using: prf,
                    outputByteCount: parameters.keyLength,
                    unsafeUncheckedRounds: iterations
                )
            } catch {
                throw IdentityError(.unsupportedEncryption, "PBKDF2 (\(prfName)) key derivation failed")
            }
        case .scrypt(let salt, let cost, let blockSize, let parallelism, let keyLength):
            if let keyLength, keyLength != parameters.keyLength {
                throw IdentityError(.malformedPrivateKey, "the encrypted key's scrypt key length (\(keyLength)) does not fit \(parameters.cipherName)")
            }
            // Each bound is checked before any product is formed, so nothing overflows.
            guard (2...maximumScryptCost).contains(cost), cost.nonzeroBitCount == 1,
                (1...maximumScryptBlockSize).contains(blockSize), (1...maximumScryptParallelism).contains(parallelism),
                128 * cost * blockSize <= maximumScryptMemory, cost * blockSize * parallelism <= maximumScryptWork
            else {
                throw IdentityError(.unsupportedEncryption, "the encrypted key's scrypt parameters (N=\(cost), r=\(blockSize), p=\(parallelism)) are invalid or need too much work; RoleKit accepts N up to 2^20, r up to 32, p up to 16 and at most 256 MiB")
            }
            do {
                key = try KDF.Scrypt.deriveKey(
                    from: passphrase.bytes,
                    salt: salt,
                    outputByteCount: parameters.keyLength,
                    rounds: cost,
                    blockSize: blockSize,
                    parallelism: parallelism,
                    maxMemory: maximumScryptMemory + 1024 * 1024
                )
            } catch {
                throw IdentityError(.unsupportedEncryption, "scrypt key derivation failed (N=\(cost), r=\(blockSize), p=\(parallelism))")
            }
        }
        let plaintext: Data
        do {
            plaintext = try AES._CBC.decrypt(parameters.ciphertext, using: key, iv: AES._CBC.IV(ivBytes: parameters.iv))
        } catch {
            throw wrongPassphrase()
        }
        // CBC has no integrity check: a wrong passphrase can pass the padding check by chance,
        // so the plaintext must also parse as PKCS#8.
        guard (try? ASN1Reader(der: Array(plaintext))) != nil else { throw wrongPassphrase() }
        return Array(plaintext)
    }

    static func wrongPassphrase() -> IdentityError {
        IdentityError(.wrongPassphrase, "wrong passphrase for the encrypted private key")
    }

    private static func schemeName(_ oid: ASN1ObjectIdentifier) -> String {
        switch oid.description {
        case "1.2.840.113549.1.12.1.3": return "PBES1 pbeWithSHAAnd3-KeyTripleDES-CBC"
        case "1.2.840.113549.1.12.1.6": return "PBES1 pbeWithSHAAnd40BitRC2-CBC"
        case "1.2.840.113549.1.5.3": return "PBES1 pbeWithMD5AndDES-CBC"
        case "1.2.840.113549.1.5.10": return "PBES1 pbeWithSHA1AndDES-CBC"
        default: return "encryption scheme \(oid)"
        }
    }
}
