import Crypto
import _CryptoExtras
import X509

/// A TPMT_PUBLIC (TPM 2.0 Part 2, 12.2.4) read from its wire form with bounds on every field:
/// the key type, attributes and scheme RoleKit checks, and the public key itself.
package struct TPMPublicArea: Sendable, Hashable {
    package enum Key: Sendable, Hashable {
        case rsa(modulus: [UInt8], exponent: UInt32)
        case ecc(curve: UInt16, x: [UInt8], y: [UInt8])
    }

    static let algorithmRSA: UInt16 = 0x0001, algorithmECC: UInt16 = 0x0023, algorithmNull: UInt16 = 0x0010
    static let schemeRSASSA: UInt16 = 0x0014, schemeECDSA: UInt16 = 0x0018
    static let curveP256: UInt16 = 0x0003, curveP384: UInt16 = 0x0004
    static let attributeRestricted: UInt32 = 1 << 16, attributeSign: UInt32 = 1 << 18

    /// The helper's parent template (tpm2-openssl's SRK) as a TPM2B_PUBLIC: ECC P-256, SHA-256
    /// name, fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|noDA|restricted|decrypt,
    /// AES-128-CFB, scheme and KDF NULL, empty unique.
    package static let parentTemplate: [UInt8] = [
        0x00, 0x1A, 0x00, 0x23, 0x00, 0x0B, 0x00, 0x03, 0x04, 0x72, 0x00, 0x00, 0x00, 0x06, 0x00, 0x80, 0x00, 0x43, 0x00, 0x10, 0x00, 0x03, 0x00, 0x10,
        0x00, 0x00, 0x00, 0x00,
    ]

    package let type: UInt16
    package let attributes: UInt32
    /// The key's fixed signing scheme (`TPM_ALG_NULL` when the caller chooses), and its hash.
    package let scheme: UInt16
    package let schemeHash: UInt16?
    package let key: Key

    /// Reads a TPM2B_PUBLIC: a UINT16 size that must cover exactly the TPMT_PUBLIC after it.
    package init(tpm2bPublic bytes: [UInt8]) throws(IdentityError) {
        var outer = TPMWire.Reader(bytes)
        let body = try outer.sized(limit: 2048)
        guard outer.isAtEnd else { throw IdentityError(.invalidTPMKey, "invalid length for TPMv2 PUBLIC blob") }
        try self.init(tpmtPublic: body)
    }

    init(tpmtPublic bytes: [UInt8]) throws(IdentityError) {
        var reader = TPMWire.Reader(bytes)
        type = try reader.uint16()
        _ = try reader.uint16()  // nameAlg
        attributes = try reader.uint32()
        _ = try reader.sized(limit: 64)  // authPolicy
        guard type == Self.algorithmRSA || type == Self.algorithmECC else {
            throw IdentityError(.unsupportedKeyType, "unsupported TPMv2 key type 0x\(String(type, radix: 16)): only RSA and ECC keys sign")
        }
        // TPMT_SYM_DEF_OBJECT: an algorithm, then key bits and mode unless it is NULL.
        if try reader.uint16() != Self.algorithmNull {
            _ = try reader.uint16()
            _ = try reader.uint16()
        }
        scheme = try reader.uint16()
        if type == Self.algorithmRSA {
            switch scheme {
            case Self.algorithmNull, 0x0015: schemeHash = nil  // RSAES has no details
            case Self.schemeRSASSA, 0x0016, 0x0017: schemeHash = try reader.uint16()
            default: throw IdentityError(.invalidTPMKey, "the TPM RSA key has unknown scheme 0x\(String(scheme, radix: 16))")
            }
            let bits = try reader.uint16()
            let exponent = try reader.uint32()
            let modulus = try reader.sized(limit: 512)
            guard modulus.count * 8 == Int(bits), !modulus.isEmpty else {
                throw IdentityError(.invalidTPMKey, "the TPM RSA key's modulus (\(modulus.count) bytes) does not match its size (\(bits) bits)")
            }
            key = .rsa(modulus: modulus, exponent: exponent == 0 ? 65_537 : exponent)
        } else {
            switch scheme {
            case Self.algorithmNull: schemeHash = nil
            case Self.schemeECDSA, 0x0019, 0x001B, 0x001C, 0x001D: schemeHash = try reader.uint16()
            case 0x001A:  // ECDAA: hash and count
                schemeHash = try reader.uint16()
                _ = try reader.uint16()
            default: throw IdentityError(.invalidTPMKey, "the TPM EC key has unknown scheme 0x\(String(scheme, radix: 16))")
            }
            let curve = try reader.uint16()
            if try reader.uint16() != Self.algorithmNull { _ = try reader.uint16() }  // TPMT_KDF_SCHEME
            let x = try reader.sized(limit: 128)
            let y = try reader.sized(limit: 128)
            key = .ecc(curve: curve, x: x, y: y)
        }
        guard reader.isAtEnd else { throw IdentityError(.invalidTPMKey, "the TPM public area has \(bytes.count - reader.offset) bytes after its end") }
    }

    package var canSign: Bool { attributes & Self.attributeSign != 0 }
    package var isRestricted: Bool { attributes & Self.attributeRestricted != 0 }

    /// The public key as X.509 has it, to compare with the certificate's.
    package func publicKey() throws(IdentityError) -> Certificate.PublicKey {
        switch key {
        case .rsa(let modulus, let exponent):
            var e = [UInt8(exponent >> 24), UInt8((exponent >> 16) & 0xFF), UInt8((exponent >> 8) & 0xFF), UInt8(exponent & 0xFF)]
            while e.first == 0 { e.removeFirst() }
            do {
                return Certificate.PublicKey(try _RSA.Signing.PublicKey(n: modulus, e: e))
            } catch {
                throw IdentityError(.invalidTPMKey, "the TPM RSA key is not usable (\(modulus.count * 8) bits)")
            }
        case .ecc(let curve, let x, let y):
            guard let size = Self.fieldSize(curve) else {
                throw IdentityError(.unsupportedKeyType, "the TPM EC key is on curve 0x\(String(curve, radix: 16)); Roles Anywhere takes P-256 and P-384")
            }
            guard x.count <= size, y.count <= size else { throw IdentityError(.invalidTPMKey, "the TPM EC point is larger than its curve") }
            let point = [0x04] + Self.leftPadded(x, to: size) + Self.leftPadded(y, to: size)
            do {
                if curve == Self.curveP256 { return Certificate.PublicKey(try P256.Signing.PublicKey(x963Representation: point)) }
                return Certificate.PublicKey(try P384.Signing.PublicKey(x963Representation: point))
            } catch {
                throw IdentityError(.invalidTPMKey, "the TPM EC key's point is not on its curve")
            }
        }
    }

    /// Bytes of a coordinate (and of the ECDSA digest the TPM signs) for a supported curve.
    static func fieldSize(_ curve: UInt16) -> Int? {
        switch curve {
        case curveP256: 32
        case curveP384: 48
        default: nil
        }
    }

    static func leftPadded(_ bytes: [UInt8], to size: Int) -> [UInt8] {
        bytes.count >= size ? bytes : [UInt8](repeating: 0, count: size - bytes.count) + bytes
    }
}
