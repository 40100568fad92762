import SwiftASN1
import X509
import RoleKitSigning

/// Reading a PKCS#12 bundle's bags without swift-nio-ssl, which stops the process
/// (`fatalError`) when BoringSSL finds no key, or a key without a certificate matching it: such
/// bundles are refused before they get there.
extension PKCS12Loader {
    enum BagType {
        static let key: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 12, 10, 1, 1]
        static let shroudedKey: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 12, 10, 1, 2]
        static let certificate: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 12, 10, 1, 3]
        static let x509Certificate: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 22, 1]
        static let encryptedData: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 6]
    }

    /// One SafeContents of the AuthenticatedSafe: plain (its DER), or encrypted.
    enum SafeContents {
        case plain([UInt8])
        /// `EncryptedData`'s algorithm and ciphertext.
        case encrypted(algorithm: ASN1Node, ciphertext: [UInt8])
        /// Encrypted in a layout this reader does not follow.
        case unreadable
    }

    /// The content of `[0] EXPLICIT` wrapping one node.
    static func explicitContent(_ node: ASN1Node) -> ASN1Node? {
        guard node.identifier == ASN1Reader.contextTag(0), var reader = try? ASN1Reader(node) else { return nil }
        return try? reader.next()
    }

    /// The SafeContents of `PFX { 3, authSafe ContentInfo(data), macData }`; `nil` when the
    /// structure is not DER this reader follows.
    static func safeContents(_ bytes: [UInt8]) -> [SafeContents]? {
        func dataOctets(_ contentInfo: ASN1Node) -> [UInt8]? {
            guard var info = try? ASN1Reader(contentInfo), (try? info.oid()) == OID.pkcs7Data, let wrapper = try? info.next(),
                let node = explicitContent(wrapper), let octets = try? ASN1OctetString(derEncoded: node)
            else { return nil }
            return Array(octets.bytes)
        }
        guard var pfx = try? ASN1Reader(der: bytes), (try? pfx.integer()) == 3, let authSafe = try? pfx.next(),
            let authSafeBytes = dataOctets(authSafe), let safes = try? DER.parse(authSafeBytes), case .constructed(let contentInfos) = safes.content
        else { return nil }
        var contents: [SafeContents] = []
        for contentInfo in contentInfos {
            if let plain = dataOctets(contentInfo) {
                contents.append(.plain(plain))
                continue
            }
            // EncryptedData { version, EncryptedContentInfo { type, algorithm, [0] IMPLICIT OCTET STRING } }
            guard var info = try? ASN1Reader(contentInfo), (try? info.oid()) == BagType.encryptedData, let wrapper = try? info.next(),
                let content = explicitContent(wrapper), var data = try? ASN1Reader(content), (try? data.integer()) != nil,
                var encryptedInfo = try? data.sequence(), (try? encryptedInfo.oid()) != nil, let algorithm = try? encryptedInfo.next(),
                let encrypted = try? encryptedInfo.next(), encrypted.identifier == ASN1Reader.contextTag(0), case .primitive(let ciphertext) = encrypted.content
            else {
                contents.append(.unreadable)
                continue
            }
            contents.append(.encrypted(algorithm: algorithm, ciphertext: Array(ciphertext)))
        }
        return contents
    }

    /// The bags of one SafeContents: each type and its `[0] EXPLICIT` value.
    static func bags(_ safeContents: [UInt8]) -> [(type: ASN1ObjectIdentifier, value: ASN1Node)]? {
        guard let root = try? DER.parse(safeContents), case .constructed(let nodes) = root.content else { return nil }
        var bags: [(type: ASN1ObjectIdentifier, value: ASN1Node)] = []
        for bag in nodes {
            guard var reader = try? ASN1Reader(bag), let type = try? reader.oid(), let wrapped = try? reader.next(), let value = explicitContent(wrapped) else { return nil }
            bags.append((type, value))
        }
        return bags
    }

    /// What the unencrypted parts of a bundle show.
    struct Visible: Equatable {
        var keyBags = 0
        var certificateBags = 0
        /// Encrypted SafeContents (usually the certificates), whose bags cannot be seen.
        var encryptedContents = 0
    }

    /// The key and certificate bags in the plain SafeContents; `nil` for a layout not followed.
    static func visibleBags(_ bytes: [UInt8]) -> Visible? {
        guard let contents = safeContents(bytes) else { return nil }
        var visible = Visible()
        for content in contents {
            guard case .plain(let der) = content else {
                visible.encryptedContents += 1
                continue
            }
            guard let bags = bags(der) else { return nil }
            visible.keyBags += bags.filter { $0.type == BagType.key || $0.type == BagType.shroudedKey }.count
            visible.certificateBags += bags.filter { $0.type == BagType.certificate }.count
        }
        return visible
    }

    /// Whether a private key of the bundle has a certificate of its own. The bags are read from
    /// plain SafeContents and from PBES2-encrypted ones (the OpenSSL 3 default), decrypted with
    /// `password`; `nil` when that is not possible (legacy RC2/3DES encryption, another layout,
    /// a wrong password), and the check is then left to ``visibleBags(_:)``.
    static func keyHasCertificate(_ bytes: [UInt8], password: Passphrase) -> Bool? {
        func decryptPBES2(algorithm: ASN1Node, ciphertext: [UInt8]) -> [UInt8]? {
            // An EncryptedPrivateKeyInfo-shaped SEQUENCE, the form PBES2.parse reads.
            let body = Array(algorithm.encodedBytes) + [0x04] + derLength(ciphertext.count) + ciphertext
            guard case .supported(let parameters)? = try? PBES2.parse([0x30] + derLength(body.count) + body) else { return nil }
            return try? PBES2.decrypt(parameters, passphrase: password)
        }
        guard let contents = safeContents(bytes) else { return nil }
        var certificates: [Certificate] = []
        var keys: [X509SigningKey] = []
        for content in contents {
            let der: [UInt8]
            switch content {
            case .plain(let plain): der = plain
            case .encrypted(let algorithm, let ciphertext):
                guard let plain = decryptPBES2(algorithm: algorithm, ciphertext: ciphertext) else { return nil }
                der = plain
            case .unreadable: return nil
            }
            guard let bags = bags(der) else { return nil }
            for bag in bags {
                switch bag.type {
                case BagType.key:
                    guard let key = try? PrivateKeyDecoder.decodePKCS8(Array(bag.value.encodedBytes)) else { return nil }
                    keys.append(key)
                case BagType.shroudedKey:
                    guard var info = try? ASN1Reader(bag.value), let algorithm = try? info.next(), let encrypted = try? info.octets(),
                        let plain = decryptPBES2(algorithm: algorithm, ciphertext: encrypted), let key = try? PrivateKeyDecoder.decodePKCS8(plain)
                    else { return nil }
                    keys.append(key)
                case BagType.certificate:
                    guard var inner = try? ASN1Reader(bag.value), let type = try? inner.oid() else { return nil }
                    guard type == BagType.x509Certificate else { continue }
                    guard let value = try? inner.next(), let octetsNode = explicitContent(value),
                        let octets = try? ASN1OctetString(derEncoded: octetsNode), let certificate = try? Certificate(derEncoded: Array(octets.bytes))
                    else { return nil }
                    certificates.append(certificate)
                default:
                    continue
                }
            }
        }
        guard !keys.isEmpty else { return nil }
        return keys.contains { key in certificates.contains { $0.publicKey == key.publicKey } }
    }

    /// A DER length field.
    static func derLength(_ count: Int) -> [UInt8] {
        if count < 0x80 { return [UInt8(count)] }
        var bytes: [UInt8] = []
        var value = count
        while value > 0 {
            bytes.insert(UInt8(truncatingIfNeeded: value), at: 0)
            value >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }
}
