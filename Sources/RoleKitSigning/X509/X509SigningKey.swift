public import FoundationEssentials
public import Crypto
public import _CryptoExtras
public import X509

/// A private key that can sign SigV4-X509 requests: RSA (2048 bits or more), EC P-256 or EC P-384.
///
/// The algorithm follows the key type, as `aws_signing_helper` does: RSA keys sign
/// `AWS4-X509-RSA-SHA256` with PKCS#1 v1.5, EC keys sign `AWS4-X509-ECDSA-SHA256` with ECDSA over
/// SHA-256 on both curves, DER-encoded.
public struct X509SigningKey: Sendable, CustomStringConvertible, CustomReflectable {
    @usableFromInline
    enum Backing: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case external(any X509ExternalKey)
    }

    @usableFromInline
    let backing: Backing

    /// `X509SigningKey(EC P-256)`: never any key material.
    public var description: String { "X509SigningKey(\(keyDescription))" }
    /// No children: dumps and test failures show the description only.
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// The smallest RSA modulus accepted.
    public static let minimumRSABits = 2048

    /// An RSA key. Throws ``SigningError/Code-swift.struct/keyTooSmall`` below 2048 bits.
    public init(_ key: _RSA.Signing.PrivateKey) throws(SigningError) {
        guard key.keySizeInBits >= Self.minimumRSABits else {
            throw SigningError.keyTooSmall(bits: key.keySizeInBits)
        }
        self.backing = .rsa(key)
    }

    public init(_ key: P256.Signing.PrivateKey) { self.backing = .p256(key) }
    public init(_ key: P384.Signing.PrivateKey) { self.backing = .p384(key) }

    /// A key that never leaves its device (a PKCS#11 token, a TPM): it signs by itself.
    public init(external key: any X509ExternalKey) { self.backing = .external(key) }

    /// The digest used by ``signature(for:digest:)``.
    public enum Digest: String, Sendable, CaseIterable {
        case sha256 = "SHA256"
        case sha384 = "SHA384"
        case sha512 = "SHA512"
    }

    /// `RSA` or `EC`, as `aws_signing_helper read-certificate-data` prints it.
    public var keyType: String {
        switch backing {
        case .rsa: return "RSA"
        case .p256, .p384: return "EC"
        case .external(let key): return key.isRSA ? "RSA" : "EC"
        }
    }

    /// A readable description such as `RSA-2048` or `EC P-384`.
    public var keyDescription: String {
        switch backing {
        case .rsa(let key): return "RSA-\(key.keySizeInBits)"
        case .p256: return "EC P-256"
        case .p384: return "EC P-384"
        case .external(let key): return key.keyDescription
        }
    }

    /// The SigV4-X509 algorithm for this key.
    public var algorithm: SigV4X509Algorithm {
        switch backing {
        case .rsa: return .rsaSHA256
        case .p256, .p384: return .ecdsaSHA256
        case .external(let key): return key.isRSA ? .rsaSHA256 : .ecdsaSHA256
        }
    }

    /// The public half, in swift-certificates' form (to compare with a certificate's key).
    public var publicKey: Certificate.PublicKey {
        switch backing {
        case .rsa(let key): return Certificate.PublicKey(key.publicKey)
        case .p256(let key): return Certificate.PublicKey(key.publicKey)
        case .p384(let key): return Certificate.PublicKey(key.publicKey)
        case .external(let key): return key.publicKey
        }
    }

    /// The raw public key bytes: the uncompressed SEC1 point for EC, PKCS#1 `RSAPublicKey` DER for RSA.
    public var rawPublicKeyBytes: [UInt8] {
        switch backing {
        case .rsa(let key): return Array(key.publicKey.pkcs1DERRepresentation)
        case .p256(let key): return Array(key.publicKey.x963Representation)
        case .p384(let key): return Array(key.publicKey.x963Representation)
        case .external(let key): return key.rawPublicKeyBytes
        }
    }

    /// Signs `message` (hashing it with `digest`): PKCS#1 v1.5 for RSA, DER ECDSA for EC.
    public func signature(for message: some DataProtocol, digest: Digest = .sha256) throws(SigningError) -> [UInt8] {
        if case .external(let key) = backing {
            do {
                return try key.signature(for: Array(message), digest: digest)
            } catch let error as SigningError {
                throw error
            } catch {
                throw SigningError(code: .signatureFailed, message: "the \(key.keyDescription) key could not sign: \(error)")
            }
        }
        do {
            switch backing {
            case .external: throw SigningError.signatureFailed(keyDescription: keyDescription)
            case .rsa(let key):
                switch digest {
                case .sha256: return Array(try key.signature(for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5).rawRepresentation)
                case .sha384: return Array(try key.signature(for: SHA384.hash(data: message), padding: .insecurePKCS1v1_5).rawRepresentation)
                case .sha512: return Array(try key.signature(for: SHA512.hash(data: message), padding: .insecurePKCS1v1_5).rawRepresentation)
                }
            case .p256(let key):
                switch digest {
                case .sha256: return Array(try key.signature(for: SHA256.hash(data: message)).derRepresentation)
                case .sha384: return Array(try key.signature(for: SHA384.hash(data: message)).derRepresentation)
                case .sha512: return Array(try key.signature(for: SHA512.hash(data: message)).derRepresentation)
                }
            case .p384(let key):
                switch digest {
                case .sha256: return Array(try key.signature(for: SHA256.hash(data: message)).derRepresentation)
                case .sha384: return Array(try key.signature(for: SHA384.hash(data: message)).derRepresentation)
                case .sha512: return Array(try key.signature(for: SHA512.hash(data: message)).derRepresentation)
                }
            }
        } catch {
            throw SigningError.signatureFailed(keyDescription: keyDescription)
        }
    }
}

/// A private key held by a device (a PKCS#11 token, a TPM) that signs by itself: RSA with
/// PKCS#1 v1.5, EC with ECDSA, the signature DER-encoded.
public protocol X509ExternalKey: Sendable {
    /// `true` for RSA, `false` for EC.
    var isRSA: Bool { get }
    /// A readable description such as `RSA-2048 on token rk-test`.
    var keyDescription: String { get }
    /// The public half (compared with the certificate's).
    var publicKey: Certificate.PublicKey { get }
    /// PKCS#1 `RSAPublicKey` DER for RSA, the uncompressed SEC1 point for EC.
    var rawPublicKeyBytes: [UInt8] { get }
    /// Signs `message`, hashed with `digest`.
    func signature(for message: [UInt8], digest: X509SigningKey.Digest) throws -> [UInt8]
}

/// The two SigV4-X509 algorithms.
public enum SigV4X509Algorithm: String, Sendable, Hashable, CaseIterable {
    case rsaSHA256 = "AWS4-X509-RSA-SHA256"
    case ecdsaSHA256 = "AWS4-X509-ECDSA-SHA256"
}
