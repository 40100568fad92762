public import FoundationEssentials
import RoleKitSigning
import SwiftASN1
public import X509

/// An X.509 certificate revocation list (RFC 5280 §5), parsed with SwiftASN1.
///
/// swift-certificates has no CRL type; this reads what the emulator needs: issuer, validity,
/// revoked serial numbers, and the signature, checked against the issuing CA.
public struct CertificateRevocationList: Sendable, Hashable {
    public let issuer: DistinguishedName
    public let thisUpdate: Date
    public let nextUpdate: Date?
    /// Revoked serial numbers, big-endian without sign byte.
    public let revokedSerials: Set<[UInt8]>
    /// The DER of the whole CRL.
    public let derBytes: [UInt8]
    let tbsBytes: [UInt8]
    let signatureAlgorithmOID: ASN1ObjectIdentifier
    let signature: [UInt8]

    /// Parses a CRL from DER or PEM (`X509 CRL`).
    public init(bytes: [UInt8]) throws(EmulatorError) {
        var der = bytes
        if let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN X509 CRL-----") {
            guard let document = try? PEMDocument(pemString: text), document.discriminator == "X509 CRL" else {
                throw EmulatorError.configuration("the CRL is not a valid PEM X509 CRL")
            }
            der = document.derBytes
        }
        do {
            let root = try DER.parse(der)
            guard case .constructed(let top) = root.content else { throw ASN1Error.invalidASN1Object(reason: "CRL") }
            var parts = top.makeIterator()
            guard let tbs = parts.next(), let algorithm = parts.next(), let signatureNode = parts.next() else {
                throw ASN1Error.invalidASN1Object(reason: "CRL fields")
            }
            self.tbsBytes = Array(tbs.encodedBytes)
            guard case .constructed(let algorithmParts) = algorithm.content, let oidNode = algorithmParts.first(where: { _ in true }) else {
                throw ASN1Error.invalidASN1Object(reason: "algorithm")
            }
            self.signatureAlgorithmOID = try ASN1ObjectIdentifier(derEncoded: oidNode)
            self.signature = Array(try ASN1BitString(derEncoded: signatureNode).bytes)
            guard case .constructed(let tbsParts) = tbs.content else { throw ASN1Error.invalidASN1Object(reason: "tbs") }
            var fields = Array(tbsParts)[...]
            if fields.first?.identifier == .integer { fields = fields.dropFirst() }  // version
            fields = fields.dropFirst()  // signature algorithm
            guard let issuerNode = fields.popFirst() else { throw ASN1Error.invalidASN1Object(reason: "issuer") }
            self.issuer = try DistinguishedName(derEncoded: issuerNode)
            guard let thisUpdateNode = fields.popFirst() else { throw ASN1Error.invalidASN1Object(reason: "thisUpdate") }
            self.thisUpdate = try Self.time(thisUpdateNode)
            var next: Date?
            if let node = fields.first, node.identifier == .utcTime || node.identifier == .generalizedTime {
                next = try Self.time(node)
                fields = fields.dropFirst()
            }
            self.nextUpdate = next
            var serials = Set<[UInt8]>()
            if let revoked = fields.first, revoked.identifier == .sequence, case .constructed(let entries) = revoked.content {
                for entry in entries {
                    guard case .constructed(let entryFields) = entry.content, let serialNode = entryFields.first(where: { _ in true }) else { continue }
                    let serial = try ArraySlice<UInt8>(derEncoded: serialNode)
                    serials.insert(Array(serial.drop { $0 == 0 }))
                }
            }
            self.revokedSerials = serials
            self.derBytes = der
        } catch let error as EmulatorError {
            throw error
        } catch {
            throw EmulatorError.configuration("the CRL is not valid DER (\(error))")
        }
    }

    private static func time(_ node: ASN1Node) throws -> Date {
        if node.identifier == .utcTime {
            let t = try UTCTime(derEncoded: node)
            return Self.date(year: t.year, month: t.month, day: t.day, hours: t.hours, minutes: t.minutes, seconds: t.seconds)
        }
        let t = try GeneralizedTime(derEncoded: node)
        return Self.date(year: t.year, month: t.month, day: t.day, hours: t.hours, minutes: t.minutes, seconds: t.seconds)
    }

    private static func date(year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int) -> Date {
        let days = AmzDate.daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day))
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + Int64(hours * 3600 + minutes * 60 + seconds)))
    }

    /// Whether `issuer` signed this CRL.
    public func isSigned(by issuer: Certificate) -> Bool {
        let algorithm: Certificate.SignatureAlgorithm
        switch signatureAlgorithmOID.description {
        case "1.2.840.10045.4.3.2": algorithm = .ecdsaWithSHA256
        case "1.2.840.10045.4.3.3": algorithm = .ecdsaWithSHA384
        case "1.2.840.10045.4.3.4": algorithm = .ecdsaWithSHA512
        case "1.2.840.113549.1.1.11": algorithm = .sha256WithRSAEncryption
        case "1.2.840.113549.1.1.12": algorithm = .sha384WithRSAEncryption
        case "1.2.840.113549.1.1.13": algorithm = .sha512WithRSAEncryption
        default: return false
        }
        return issuer.publicKey.isValidSignature(signature, for: tbsBytes, signatureAlgorithm: algorithm)
    }

    /// Whether `certificate` (issued by this CRL's issuer) is revoked.
    public func revokes(_ certificate: Certificate) -> Bool {
        certificate.issuer == issuer && revokedSerials.contains(Array(certificate.serialNumber.bytes.drop { $0 == 0 }))
    }
}
