import SwiftASN1
import X509
import RoleKitSigning

extension PKCS12Loader {
    /// Whether a private key of the bundle has a certificate of its own, read without
    /// swift-nio-ssl: swift-nio-ssl stops the process (`fatalError`) when BoringSSL finds a key
    /// but no certificate matching it, so such a bundle must be refused first.
    ///
    /// The bags are read from plain SafeContents and from PBES2-encrypted ones (the OpenSSL 3
    /// default), decrypted with `password`; `nil` when that is not possible (legacy RC2/3DES
    /// encryption, another layout, a wrong password), and the check is then left to the
    /// visible-bag rules of ``visibleBags(_:)``.
    static func keyHasCertificate(_ bytes: [UInt8], password: Passphrase) -> Bool? {
        let encryptedDataOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 6]
        let keyBag: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 12, 10, 1, 1]
        let shroudedKeyBag: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 12, 10, 1, 2]
        let certBag: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 12, 10, 1, 3]
        let x509Certificate: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 22, 1]

        /// The content of `[0] EXPLICIT` wrapping one node.
        func explicitContent(_ node: ASN1Node) -> ASN1Node? {
            guard node.identifier == ASN1Reader.contextTag(0), var reader = try? ASN1Reader(node) else { return nil }
            return try? reader.next()
        }
        func decryptPBES2(algorithm: ASN1Node, ciphertext: [UInt8]) -> [UInt8]? {
            // An EncryptedPrivateKeyInfo-shaped SEQUENCE, the form PBES2.parse reads.
            let body = Array(algorithm.encodedBytes) + [0x04] + derLength(ciphertext.count) + ciphertext
            guard case .supported(let parameters)? = try? PBES2.parse([0x30] + derLength(body.count) + body) else { return nil }
            return try? PBES2.decrypt(parameters, passphrase: password)
        }
        var certificates: [Certificate] = []
        var keys: [X509SigningKey] = []
        func readBags(_ der: [UInt8]) -> Bool {
            guard let root = try? DER.parse(der), case .constructed(let bags) = root.content else { return false }
            for bag in bags {
                guard var reader = try? ASN1Reader(bag), let bagId = try? reader.oid(), let wrapped = try? reader.next(), let value = explicitContent(wrapped) else { return false }
                switch bagId {
                case keyBag:
                    guard let key = try? PrivateKeyDecoder.decodePKCS8(Array(value.encodedBytes)) else { return false }
                    keys.append(key)
                case shroudedKeyBag:
                    guard var info = try? ASN1Reader(value), let algorithm = try? info.next(), let encrypted = try? info.octets(),
                        let plain = decryptPBES2(algorithm: algorithm, ciphertext: encrypted), let key = try? PrivateKeyDecoder.decodePKCS8(plain)
                    else { return false }
                    keys.append(key)
                case certBag:
                    guard var inner = try? ASN1Reader(value), let type = try? inner.oid() else { return false }
                    guard type == x509Certificate else { continue }
                    guard let certificateValue = try? inner.next(), let octetsNode = explicitContent(certificateValue),
                        let octets = try? ASN1OctetString(derEncoded: octetsNode), let certificate = try? Certificate(derEncoded: Array(octets.bytes))
                    else { return false }
                    certificates.append(certificate)
                default:
                    continue
                }
            }
            return true
        }
        guard var pfx = try? ASN1Reader(der: bytes), (try? pfx.integer()) == 3, let authSafe = try? pfx.next(),
            var authInfo = try? ASN1Reader(authSafe), (try? authInfo.oid()) == OID.pkcs7Data, let authWrapper = try? authInfo.next(),
            let authOctetsNode = explicitContent(authWrapper), let authOctets = try? ASN1OctetString(derEncoded: authOctetsNode),
            let safes = try? DER.parse(Array(authOctets.bytes)), case .constructed(let contentInfos) = safes.content
        else { return nil }
        for contentInfo in contentInfos {
            guard var info = try? ASN1Reader(contentInfo), let type = try? info.oid(), let wrapper = try? info.next(), let content = explicitContent(wrapper) else { return nil }
            if type == OID.pkcs7Data {
                guard let octets = try? ASN1OctetString(derEncoded: content), readBags(Array(octets.bytes)) else { return nil }
            } else if type == encryptedDataOID {
                // EncryptedData { version, EncryptedContentInfo { type, algorithm, [0] IMPLICIT OCTET STRING } }
                guard var data = try? ASN1Reader(content), (try? data.integer()) != nil, var contentInfo = try? data.sequence(),
                    (try? contentInfo.oid()) != nil, let algorithm = try? contentInfo.next(), let encrypted = try? contentInfo.next(),
                    encrypted.identifier == ASN1Reader.contextTag(0), case .primitive(let ciphertext) = encrypted.content,
                    let plain = decryptPBES2(algorithm: algorithm, ciphertext: Array(ciphertext)), readBags(plain)
                else { return nil }
            } else {
                return nil
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
