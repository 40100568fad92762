import CTSS2
import Crypto
import _CryptoExtras
import RoleKitSigning
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A private key inside a TPM 2.0. Each signature opens the TPM, loads the key (re-creating
/// its parent under a hierarchy with the helper's template), signs and flushes: ECDSA over the
/// digest taken here, left-padded or truncated to the curve size (the TPM then signs with the
/// hash of that size, which verifies as the asked-for digest); RSA with RSASSA.
struct TPMPrivateKey: X509ExternalKey, CustomStringConvertible, CustomReflectable {
    enum Source: Sendable {
        case persistent(UInt32)
        case file(TPMKeyFile)
    }

    let source: Source
    let tcti: String
    let area: TPMPublicArea
    let publicKey: Certificate.PublicKey
    /// Kept as a ``Passphrase``: every description of this key shows it redacted.
    let password: Passphrase?
    let library: TSS2Library

    var description: String { "TPMPrivateKey(\(keyDescription))" }
    var customMirror: Mirror { Mirror(self, children: [:]) }

    var isRSA: Bool { if case .rsa = area.key { true } else { false } }

    var keyDescription: String {
        let key = CertificateKeyInfo.describe(publicKey)
        switch source {
        case .persistent(let handle): return "\(key) in the TPM at handle:0x\(String(handle, radix: 16))"
        case .file(let file): return "\(key) in the TPM (key file, parent 0x\(String(file.parent, radix: 16)))"
        }
    }

    var rawPublicKeyBytes: [UInt8] { ExternalKeySupport.rawBytes(of: publicKey) }

    func signature(for message: [UInt8], digest: X509SigningKey.Digest) throws -> [UInt8] {
        try sign(message, digest: digest)
    }

    func sign(_ message: [UInt8], digest: X509SigningKey.Digest) throws(IdentityError) -> [UInt8] {
        let (toSign, scheme) = try signingInput(message, digest: digest)
        var attempt = 0
        while true {
            attempt += 1
            let outcome = Result { () throws(IdentityError) -> [UInt8] in try signOnce(toSign, scheme: scheme) }
            switch outcome {
            case .success(let signature): return try decode(signature)
            case .failure(let error):
                // TPM_RC_RETRY / YIELDED / TESTING, or object slots held by another client of a
                // TPM without a resource manager: ask again after a growing, jittered pause
                // (about 0.6 s in all).
                guard error.code == .tpmBusy, attempt < 7 else { throw error }
                let pause = UInt32(10_000 << min(attempt - 1, 5)) + UInt32.random(in: 0..<10_000)
                _ = usleep(pause)
            }
        }
    }

    private func signOnce(_ toSign: [UInt8], scheme: [UInt8]) throws(IdentityError) -> [UInt8] {
        try library.withContext(tcti: tcti) { (context) throws(IdentityError) -> [UInt8] in
            var transient: [UInt32] = []
            defer { for object in transient.reversed() { context.flush(object) } }
            let key: UInt32
            switch source {
            case .persistent(let handle):
                key = try context.persistent(handle)
            case .file(let file):
                let parent: UInt32
                if file.parentIsPersistent {
                    parent = try context.persistent(file.parent)
                } else {
                    let template = try TPMStructure(library, library.functions.TPM2B_PUBLIC_Unmarshal, TPMPublicArea.parentTemplate, "parent template")
                    parent = try context.createPrimary(hierarchy: Self.esysHierarchy(file.parent), template: template)
                    transient.append(parent)
                }
                let privateArea = try TPMStructure(library, library.functions.TPM2B_PRIVATE_Unmarshal, file.privateBlob, "TPM2B_PRIVATE")
                let publicArea = try TPMStructure(library, library.functions.TPM2B_PUBLIC_Unmarshal, file.publicBlob, "TPM2B_PUBLIC")
                key = try context.load(parent: parent, privateArea: privateArea, publicArea: publicArea)
                transient.append(key)
            }
            try context.setAuth(key, password?.bytes ?? [])
            return try context.sign(key, digest: toSign, scheme: scheme)
        }
    }

    static func esysHierarchy(_ handle: UInt32) -> UInt32 {
        switch handle {
        case 0x4000_0007: TSS2Library.Handle.null
        case 0x4000_000B: TSS2Library.Handle.endorsement
        case 0x4000_000C: TSS2Library.Handle.platform
        default: TSS2Library.Handle.owner
        }
    }

    static func hashAlgorithm(_ digest: X509SigningKey.Digest) -> UInt16 {
        switch digest {
        case .sha256: 0x000B
        case .sha384: 0x000C
        case .sha512: 0x000D
        }
    }

    /// What TPM2_Sign gets (a digest) and its TPMT_SIG_SCHEME in wire form.
    func signingInput(_ message: [UInt8], digest: X509SigningKey.Digest) throws(IdentityError) -> ([UInt8], [UInt8]) {
        let hashed: [UInt8] = switch digest {
        case .sha256: Array(SHA256.hash(data: message))
        case .sha384: Array(SHA384.hash(data: message))
        case .sha512: Array(SHA512.hash(data: message))
        }
        switch area.key {
        case .rsa:
            let hash = Self.hashAlgorithm(digest)
            guard area.scheme == TPMPublicArea.algorithmNull || (area.scheme == TPMPublicArea.schemeRSASSA && area.schemeHash == hash) else {
                throw IdentityError(.invalidTPMKey, "the TPM RSA key is fixed to scheme 0x\(String(area.scheme, radix: 16)); Roles Anywhere needs RSASSA (PKCS#1 v1.5) with \(digest)")
            }
            return (hashed, TPMWire.uint16(TPMPublicArea.schemeRSASSA) + TPMWire.uint16(hash))
        case .ecc(let curve, _, _):
            guard let size = TPMPublicArea.fieldSize(curve) else { throw IdentityError(.unsupportedKeyType, "the TPM EC key's curve is not P-256 or P-384") }
            let hash: UInt16 = size == 32 ? 0x000B : 0x000C
            guard area.scheme == TPMPublicArea.algorithmNull || (area.scheme == TPMPublicArea.schemeECDSA && area.schemeHash == hash) else {
                throw IdentityError(.invalidTPMKey, "the TPM EC key is fixed to scheme 0x\(String(area.scheme, radix: 16)) with another hash; make it with ECDSA and the curve's hash, or no scheme")
            }
            // ECDSA uses the leftmost bits of a longer digest, and a shorter one as its value:
            // zeros on the left keep the integer.
            let input = hashed.count >= size ? Array(hashed.prefix(size)) : TPMPublicArea.leftPadded(hashed, to: size)
            return (input, TPMWire.uint16(TPMPublicArea.schemeECDSA) + TPMWire.uint16(hash))
        }
    }

    /// A TPMT_SIGNATURE (wire form) as X.509 wants it: the RSA signature, or DER ECDSA.
    func decode(_ signature: [UInt8]) throws(IdentityError) -> [UInt8] {
        var reader = TPMWire.Reader(signature)
        let algorithm = try reader.uint16()
        _ = try reader.uint16()  // hash
        switch (algorithm, area.key) {
        case (TPMPublicArea.schemeRSASSA, .rsa(let modulus, _)):
            let value = try reader.sized(limit: 512)
            guard value.count == modulus.count else { throw IdentityError(.tpmFailure, "the TPM's RSA signature has \(value.count) bytes, not \(modulus.count)") }
            return value
        case (TPMPublicArea.schemeECDSA, .ecc(let curve, _, _)):
            let size = TPMPublicArea.fieldSize(curve) ?? 48
            let r = try reader.sized(limit: size), s = try reader.sized(limit: size)
            guard let der = ExternalKeySupport.derECDSASignature(TPMPublicArea.leftPadded(r, to: size) + TPMPublicArea.leftPadded(s, to: size)) else {
                throw IdentityError(.tpmFailure, "the TPM returned an empty ECDSA signature")
            }
            return der
        default:
            throw IdentityError(.tpmFailure, "the TPM answered with signature algorithm 0x\(String(algorithm, radix: 16)), which was not asked for")
        }
    }
}
