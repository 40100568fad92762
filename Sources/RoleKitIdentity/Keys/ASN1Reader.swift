import SwiftASN1

/// Small helpers over SwiftASN1 nodes for the loosely-typed structures of key files.
struct ASN1Reader {
    private var nodes: [ASN1Node]
    private var position = 0

    /// Reads the children of a constructed node (a SEQUENCE, or an explicit tag).
    init(_ node: ASN1Node) throws {
        guard case .constructed(let children) = node.content else { throw ASN1Error.invalidASN1Object(reason: "expected a constructed value") }
        self.nodes = Array(children)
    }

    /// Parses `der` as one SEQUENCE and reads its children.
    init(der: [UInt8]) throws {
        let root = try DER.parse(der)
        guard root.identifier == .sequence else { throw ASN1Error.unexpectedFieldType(root.identifier) }
        try self.init(root)
    }

    var isAtEnd: Bool { position >= nodes.count }
    var remaining: Int { nodes.count - position }

    mutating func next() throws -> ASN1Node {
        guard position < nodes.count else { throw ASN1Error.invalidASN1Object(reason: "too few fields") }
        defer { position += 1 }
        return nodes[position]
    }

    /// The next node if it has `identifier`, else `nil` (for OPTIONAL fields).
    mutating func optional(_ identifier: ASN1Identifier) -> ASN1Node? {
        guard position < nodes.count, nodes[position].identifier == identifier else { return nil }
        defer { position += 1 }
        return nodes[position]
    }

    mutating func integer() throws -> Int { try Int(derEncoded: try next()) }
    mutating func bigInteger() throws -> ArraySlice<UInt8> { try ArraySlice<UInt8>(derEncoded: try next()) }
    mutating func octets() throws -> [UInt8] { Array(try ASN1OctetString(derEncoded: try next()).bytes) }
    mutating func oid() throws -> ASN1ObjectIdentifier { try ASN1ObjectIdentifier(derEncoded: try next()) }
    mutating func sequence() throws -> ASN1Reader {
        let node = try next()
        guard node.identifier == .sequence else { throw ASN1Error.unexpectedFieldType(node.identifier) }
        return try ASN1Reader(node)
    }

    static func contextTag(_ number: UInt) -> ASN1Identifier {
        ASN1Identifier(tagWithNumber: number, tagClass: .contextSpecific)
    }
}

/// Object identifiers used by key files.
enum OID {
    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
    static let rsassaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 10]
    static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    static let p256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 3, 1, 7]
    static let p384: ASN1ObjectIdentifier = [1, 3, 132, 0, 34]
    static let p521: ASN1ObjectIdentifier = [1, 3, 132, 0, 35]

    static let pbes2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 5, 13]
    static let pbkdf2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 5, 12]
    static let scrypt: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 11591, 4, 11]
    static let hmacWithSHA1: ASN1ObjectIdentifier = [1, 2, 840, 113549, 2, 7]
    static let hmacWithSHA224: ASN1ObjectIdentifier = [1, 2, 840, 113549, 2, 8]
    static let hmacWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 113549, 2, 9]
    static let hmacWithSHA384: ASN1ObjectIdentifier = [1, 2, 840, 113549, 2, 10]
    static let hmacWithSHA512: ASN1ObjectIdentifier = [1, 2, 840, 113549, 2, 11]
    static let aes128CBC: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 1, 2]
    static let aes192CBC: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 1, 22]
    static let aes256CBC: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 1, 42]
    static let desEDE3CBC: ASN1ObjectIdentifier = [1, 2, 840, 113549, 3, 7]
    static let pkcs7Data: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 1]

    /// Human names for key algorithms and curves RoleKit does not sign with.
    static func name(of oid: ASN1ObjectIdentifier) -> String {
        switch oid.description {
        case "1.3.101.112": return "Ed25519"
        case "1.3.101.113": return "Ed448"
        case "1.3.101.110": return "X25519"
        case "1.3.101.111": return "X448"
        case "1.2.840.10040.4.1": return "DSA"
        case "1.2.840.10046.2.1", "1.2.840.113549.1.3.1": return "DH"
        case "1.2.840.113549.1.1.10": return "RSASSA-PSS"
        case "1.3.132.0.35": return "EC P-521"
        case "1.3.132.0.10": return "EC secp256k1"
        case "1.2.840.10045.3.1.1": return "EC P-192"
        case "1.3.132.0.33": return "EC P-224"
        case "1.3.36.3.3.2.8.1.1.7": return "EC brainpoolP256r1"
        case "1.3.36.3.3.2.8.1.1.11": return "EC brainpoolP384r1"
        case "2.16.840.1.101.3.4.3.17": return "ML-DSA-44"
        case "2.16.840.1.101.3.4.3.18": return "ML-DSA-65"
        case "2.16.840.1.101.3.4.3.19": return "ML-DSA-87"
        case "1.2.643.2.2.19", "1.2.643.7.1.1.1.1", "1.2.643.7.1.1.1.2": return "GOST"
        case "1.2.156.10197.1.301": return "SM2"
        default: return "algorithm \(oid)"
        }
    }
}
