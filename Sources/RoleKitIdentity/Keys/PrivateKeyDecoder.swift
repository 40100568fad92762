import Crypto
import _CryptoExtras
import RoleKitSigning
import SwiftASN1

/// Turns unencrypted key DER (PKCS#1, PKCS#8 or SEC1) into an ``X509SigningKey``, naming the key
/// type when it is one RoleKit cannot sign with.
enum PrivateKeyDecoder {
    enum Format: Sendable {
        case pkcs1, pkcs8, sec1
    }

    /// The format of a PEM label, or `nil` when the label is not an unencrypted private key.
    static func format(ofLabel label: String) -> Format? {
        switch label {
        case "RSA PRIVATE KEY": return .pkcs1
        case "PRIVATE KEY": return .pkcs8
        case "EC PRIVATE KEY": return .sec1
        default: return nil
        }
    }

    /// PEM labels of private keys in formats RoleKit does not read, with the key type they imply.
    static func unsupportedLabel(_ label: String) -> String? {
        switch label {
        case "DSA PRIVATE KEY": return "DSA"
        case "OPENSSH PRIVATE KEY": return "OpenSSH-format"
        case "ANY PRIVATE KEY": return "unknown"
        default: return nil
        }
    }

    static func decode(_ der: [UInt8], format: Format, curveHint: ASN1ObjectIdentifier? = nil) throws(IdentityError) -> X509SigningKey {
        switch format {
        case .pkcs1: return try decodeRSA(der, format: "PKCS#1")
        case .pkcs8: return try decodePKCS8(der)
        case .sec1: return try decodeSEC1(der, curve: curveHint)
        }
    }

    /// Decodes DER of unknown format: PKCS#8, then PKCS#1, then SEC1.
    static func decodeUnknownDER(_ der: [UInt8]) throws(IdentityError) -> X509SigningKey {
        guard let reader = try? ASN1Reader(der: der) else {
            throw IdentityError(.malformedPrivateKey, "not a PEM file and not a DER private key")
        }
        var probe = reader
        let first = try? probe.next()
        let second = try? probe.next()
        if first?.identifier == .integer, second?.identifier == .sequence { return try decodePKCS8(der) }
        if first?.identifier == .integer, second?.identifier == .integer, reader.remaining >= 9 { return try decodeRSA(der, format: "PKCS#1") }
        if first?.identifier == .integer, second?.identifier == .octetString { return try decodeSEC1(der, curve: nil) }
        throw IdentityError(.malformedPrivateKey, "DER data is not a PKCS#1, PKCS#8 or SEC1 private key")
    }

    static func decodePKCS8(_ der: [UInt8]) throws(IdentityError) -> X509SigningKey {
        let algorithm: ASN1ObjectIdentifier
        let parameters: ASN1Node?
        let inner: [UInt8]
        do {
            var reader = try ASN1Reader(der: der)
            _ = try reader.integer()
            var algorithmReader = try reader.sequence()
            algorithm = try algorithmReader.oid()
            parameters = algorithmReader.isAtEnd ? nil : try algorithmReader.next()
            inner = try reader.octets()
        } catch {
            throw IdentityError(.malformedPrivateKey, "the PKCS#8 private key is malformed (damaged or truncated)")
        }
        switch algorithm {
        case OID.rsaEncryption:
            return try decodeRSA(der, format: "PKCS#8")
        case OID.ecPublicKey:
            guard let parameters, let curve = try? ASN1ObjectIdentifier(derEncoded: parameters) else {
                throw IdentityError(.unsupportedKeyType, "the EC private key uses explicit curve parameters; re-export it with a named curve (openssl pkey -in KEY -out KEY.pem)")
            }
            return try decodeSEC1(inner, curve: curve)
        default:
            throw unsupported(OID.name(of: algorithm))
        }
    }

    static func decodeSEC1(_ der: [UInt8], curve hint: ASN1ObjectIdentifier?) throws(IdentityError) -> X509SigningKey {
        var scalar: [UInt8]
        var curve = hint
        do {
            var reader = try ASN1Reader(der: der)
            guard try reader.integer() == 1 else { throw ASN1Error.invalidASN1Object(reason: "version") }
            scalar = try reader.octets()
            if let tagged = reader.optional(ASN1Reader.contextTag(0)) {
                var parameters = try ASN1Reader(tagged)
                if let named = try? parameters.oid() { curve = named }
            }
        } catch {
            throw IdentityError(.malformedPrivateKey, "the EC private key (SEC1) is malformed (damaged or truncated)")
        }
        if curve == nil {
            // No parameters anywhere: infer from the scalar length, as the curves differ in size.
            switch scalar.count {
            case 32: curve = OID.p256
            case 48: curve = OID.p384
            default: break
            }
        }
        do {
            switch curve {
            case OID.p256:
                return X509SigningKey(try P256.Signing.PrivateKey(rawRepresentation: leftPad(scalar, to: 32)))
            case OID.p384:
                return X509SigningKey(try P384.Signing.PrivateKey(rawRepresentation: leftPad(scalar, to: 48)))
            case .some(let other):
                throw unsupported(OID.name(of: other))
            case .none:
                throw unsupported("EC (unknown curve)")
            }
        } catch let error as IdentityError {
            throw error
        } catch {
            throw IdentityError(.malformedPrivateKey, "the EC private key is not a valid point on its curve")
        }
    }

    static func decodeRSA(_ der: [UInt8], format: String) throws(IdentityError) -> X509SigningKey {
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(unsafeDERRepresentation: der)
        } catch {
            if let bits = rsaModulusBits(der), bits < X509SigningKey.minimumRSABits {
                throw tooSmall(bits)
            }
            throw IdentityError(.malformedPrivateKey, "the RSA private key (\(format)) is malformed (damaged or truncated)")
        }
        do {
            return try X509SigningKey(key)
        } catch {
            throw tooSmall(key.keySizeInBits)
        }
    }

    static func tooSmall(_ bits: Int) -> IdentityError {
        IdentityError(.keyTooSmall, "the key is RSA-\(bits); RoleKit needs RSA 2048 bits or more (or EC P-256/P-384). Issue a new key and certificate.")
    }

    static func unsupported(_ name: String) -> IdentityError {
        IdentityError(.unsupportedKeyType, "the key is \(name), which IAM Roles Anywhere signing in RoleKit does not support; use RSA (2048+), EC P-256 or EC P-384")
    }

    private static func leftPad(_ bytes: [UInt8], to size: Int) -> [UInt8] {
        bytes.count >= size ? bytes : [UInt8](repeating: 0, count: size - bytes.count) + bytes
    }

    /// The modulus size of a PKCS#1 or PKCS#8 RSA key, read from the DER.
    private static func rsaModulusBits(_ der: [UInt8]) -> Int? {
        guard var reader = try? ASN1Reader(der: der) else { return nil }
        _ = try? reader.integer()
        if let algorithm = reader.optional(.sequence) {
            _ = algorithm
            guard let inner = try? reader.octets(), var pkcs1 = try? ASN1Reader(der: inner) else { return nil }
            _ = try? pkcs1.integer()
            return (try? pkcs1.bigInteger()).map(bits(of:))
        }
        return (try? reader.bigInteger()).map(bits(of:))
    }

    private static func bits(of integer: ArraySlice<UInt8>) -> Int {
        let trimmed = integer.drop { $0 == 0 }
        guard let first = trimmed.first else { return 0 }
        return (trimmed.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}
