import SwiftASN1

/// A `TSS2 PRIVATE KEY` (the tpm2-openssl / tpm2-tss-engine "loadable key" format): DER
/// `SEQUENCE { type OID, [0] emptyAuth BOOLEAN OPTIONAL, [1] policy, [2] secret, [3] authPolicy,
/// parent INTEGER, pubkey OCTET STRING, privkey OCTET STRING }`, read as `aws_signing_helper`
/// reads it.
package struct TPMKeyFile: Sendable, Hashable {
    static let loadableKey = "2.23.133.10.1.3"
    /// TPM_RH_OWNER, TPM_RH_NULL, TPM_RH_ENDORSEMENT, TPM_RH_PLATFORM.
    static let hierarchies: [UInt32] = [0x4000_0001, 0x4000_0007, 0x4000_000B, 0x4000_000C]

    /// The key needs no password (tpm2-openssl writes the non-DER BOOLEAN `01`; any nonzero
    /// value counts as true, as in the helper).
    package let emptyAuth: Bool
    /// A persistent handle (`0x81…`) or a hierarchy under which the parent is re-created.
    package let parent: UInt32
    /// TPM2B_PUBLIC and TPM2B_PRIVATE, exactly as TPM2_Load takes them.
    package let publicBlob: [UInt8]
    package let privateBlob: [UInt8]

    package var parentIsPersistent: Bool { parent >> 24 == 0x81 }

    package init(der: [UInt8]) throws(IdentityError) {
        guard der.count <= 16 * 1024 else { throw IdentityError(.invalidTPMKey, "the TSS2 key is \(der.count) bytes; a TPM key is far smaller") }
        let root: ASN1Node
        do {
            root = try DER.parse(der)
        } catch {
            throw IdentityError(.invalidTPMKey, "the TSS2 PRIVATE KEY is not valid DER")
        }
        guard root.identifier == .sequence, case .constructed(let nodes) = root.content else {
            throw IdentityError(.invalidTPMKey, "the TSS2 PRIVATE KEY is not a SEQUENCE")
        }
        var iterator = nodes.makeIterator()
        guard let typeNode = iterator.next(), let type = try? ASN1ObjectIdentifier(derEncoded: typeNode) else {
            throw IdentityError(.invalidTPMKey, "the TSS2 PRIVATE KEY does not start with its type OID")
        }
        guard type.description == Self.loadableKey else {
            throw IdentityError(.invalidTPMKey, "invalid OID for TPMv2 key: \(type) (RoleKit loads \(Self.loadableKey) keys, not importable or sealed ones)")
        }
        var emptyAuth = false
        var next = iterator.next()
        while let node = next, node.identifier.tagClass == .contextSpecific {
            switch node.identifier.tagNumber {
            case 0:
                guard case .constructed(let inner) = node.content, let boolean = inner.first(where: { _ in true }),
                    boolean.identifier == .boolean, case .primitive(let value) = boolean.content, value.count == 1
                else { throw IdentityError(.invalidTPMKey, "the TSS2 key's emptyAuth is not a BOOLEAN") }
                emptyAuth = value.first != 0
            case 1, 3: throw IdentityError(.invalidTPMKey, "TPMv2 policy not implemented yet: RoleKit cannot satisfy key policies; make the key without one, or persist it and use handle:")
            case 2: throw IdentityError(.invalidTPMKey, "TPMv2 key has 'secret' field which should not be set")
            default: throw IdentityError(.invalidTPMKey, "the TSS2 key has an unknown field [\(node.identifier.tagNumber)]")
            }
            next = iterator.next()
        }
        guard let parentNode = next, let parent = try? UInt32(derEncoded: parentNode) else {
            throw IdentityError(.invalidTPMKey, "invalid parent for TPMv2 key: not a 32-bit handle")
        }
        guard parent >> 24 == 0x81 || Self.hierarchies.contains(parent) else {
            throw IdentityError(.invalidTPMKey, "invalid parent for TPMv2 key: 0x\(String(parent, radix: 16)) (RoleKit takes a persistent 0x81… parent or the owner, null, endorsement or platform hierarchy)")
        }
        guard let publicNode = iterator.next(), let publicBlob = try? ASN1OctetString(derEncoded: publicNode),
            let privateNode = iterator.next(), let privateBlob = try? ASN1OctetString(derEncoded: privateNode), iterator.next() == nil
        else { throw IdentityError(.invalidTPMKey, "the TSS2 key lacks its public and private blobs (two OCTET STRINGs after the parent)") }
        let publicBytes = Array(publicBlob.bytes), privateBytes = Array(privateBlob.bytes)
        guard publicBytes.count >= 2, Int(publicBytes[0]) << 8 | Int(publicBytes[1]) == publicBytes.count - 2 else {
            throw IdentityError(.invalidTPMKey, "invalid length for TPMv2 PUBLIC blob")
        }
        guard privateBytes.count >= 2, privateBytes.count <= 4096, Int(privateBytes[0]) << 8 | Int(privateBytes[1]) == privateBytes.count - 2 else {
            throw IdentityError(.invalidTPMKey, "invalid length for TPMv2 PRIVATE blob")
        }
        self.emptyAuth = emptyAuth
        self.parent = parent
        self.publicBlob = publicBytes
        self.privateBlob = privateBytes
    }
}
