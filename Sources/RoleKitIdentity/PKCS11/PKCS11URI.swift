public import FoundationEssentials
import RoleKitSupport

/// A PKCS#11 URI (RFC 7512) as `aws_signing_helper` reads it: `pkcs11:` with `;`-separated path
/// attributes, then optionally `?` and `&`-separated query attributes, each `name=value` and
/// percent-decoded.
///
/// Refused, each with a message that names the attribute and never repeats a PIN: a duplicate
/// attribute, a `slot-id` that is not decimal, a `type` other than `public`, `private`, `cert`,
/// `secret-key` or `data`, `pin-source` together with `pin-value`, a relative `module-path`,
/// and a URI over 4 KiB.
///
/// `description` shows the URI with `pin-value` replaced by `<redacted>`.
public struct PKCS11URI: Sendable, Hashable, CustomStringConvertible {
    /// The path attributes, decoded (`id` as text of its bytes; see ``id``).
    public private(set) var path: [String: [UInt8]] = [:]
    /// The query attributes, decoded.
    public private(set) var query: [String: [UInt8]] = [:]

    /// The longest URI accepted.
    public static let maximumLength = 4096

    public init(parsing text: String) throws(IdentityError) {
        guard text.utf8.count <= Self.maximumLength else {
            throw IdentityError(.invalidPKCS11URI, "the PKCS#11 URI is longer than \(Self.maximumLength) characters")
        }
        guard text.lowercased().hasPrefix("pkcs11:") else {
            throw IdentityError(.invalidPKCS11URI, "a PKCS#11 URI starts with pkcs11:")
        }
        let body = text.dropFirst("pkcs11:".count)
        let (pathPart, queryPart): (Substring, Substring?) = {
            guard let mark = body.firstIndex(of: "?") else { return (body, nil) }
            return (body[..<mark], body[body.index(after: mark)...])
        }()
        path = try Self.attributes(pathPart, separator: ";")
        query = try queryPart.map { (part: Substring) throws(IdentityError) in try Self.attributes(part, separator: "&") } ?? [:]
        if let slot = path["slot-id"] {
            guard !slot.isEmpty, slot.count <= 20, slot.allSatisfy({ (0x30...0x39).contains($0) }), UInt64(String(decoding: slot, as: UTF8.self)) != nil else {
                throw IdentityError(.invalidPKCS11URI, "the PKCS#11 URI's slot-id must be a decimal number")
            }
        }
        if let type = path["type"].map({ String(decoding: $0, as: UTF8.self) }), !["public", "private", "cert", "secret-key", "data"].contains(type) {
            throw IdentityError(.invalidPKCS11URI, "the PKCS#11 URI's type must be public, private, cert, secret-key or data")
        }
        if query["pin-source"] != nil && query["pin-value"] != nil {
            throw IdentityError(.invalidPKCS11URI, "the PKCS#11 URI gives both pin-source and pin-value; keep one")
        }
        if let module = query["module-path"], module.first != UInt8(ascii: "/") {
            throw IdentityError(.invalidPKCS11URI, "the PKCS#11 URI's module-path must be an absolute path")
        }
    }

    private static func attributes(_ text: Substring, separator: Character) throws(IdentityError) -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for item in text.split(separator: separator, omittingEmptySubsequences: true).prefix(64) {
            guard let equals = item.firstIndex(of: "=") else {
                throw IdentityError(.invalidPKCS11URI, "the PKCS#11 URI has an attribute without a value (name=value)")
            }
            let name = String(item[..<equals]).lowercased()
            guard !name.isEmpty, name.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }) else {
                throw IdentityError(.invalidPKCS11URI, "the PKCS#11 URI has an attribute name that is not letters, digits and -")
            }
            guard let value = percentDecode(item[item.index(after: equals)...]) else {
                throw IdentityError(.invalidPKCS11URI, "the PKCS#11 URI's \(name) has a malformed %-escape")
            }
            guard result[name] == nil else {
                throw IdentityError(.invalidPKCS11URI, "the PKCS#11 URI gives \(name) twice")
            }
            result[name] = value
        }
        return result
    }

    static func percentDecode(_ text: Substring) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    private func text(_ value: [UInt8]?) -> String? { value.map { String(decoding: $0, as: UTF8.self) } }

    /// `token` (the token label).
    public var token: String? { text(path["token"]) }
    public var manufacturer: String? { text(path["manufacturer"]) }
    public var serial: String? { text(path["serial"]) }
    public var model: String? { text(path["model"]) }
    public var slotDescription: String? { text(path["slot-description"]) }
    public var slotManufacturer: String? { text(path["slot-manufacturer"]) }
    /// `slot-id` (0 means any, as the helper reads it).
    public var slotId: UInt64? { text(path["slot-id"]).flatMap { UInt64($0) } }
    /// `object` → `CKA_LABEL`.
    public var object: String? { text(path["object"]) }
    /// `id` → `CKA_ID`, as raw bytes (`id=%01` is the byte 0x01).
    public var id: [UInt8]? { path["id"] }
    public var type: String? { text(path["type"]) }
    /// `pin-value` from the query (a secret: never shown).
    public var pinValue: String? { text(query["pin-value"]) }
    public var pinSource: String? { text(query["pin-source"]) }
    public var modulePath: String? { text(query["module-path"]) }

    /// The same URI with `id` and `object` set (the certificate's, to find its key).
    public func with(id: [UInt8]?, object: String?) -> PKCS11URI {
        var copy = self
        copy.path["id"] = id
        copy.path["object"] = object.map { Array($0.utf8) }
        return copy
    }

    public var description: String {
        func encode(_ bytes: [UInt8]) -> String {
            bytes.map { byte in
                let safe = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x2E || byte == 0x5F
                return safe ? String(UnicodeScalar(byte)) : "%" + Hex.encode([byte]).uppercased()
            }.joined()
        }
        var text = "pkcs11:" + path.keys.sorted().map { "\($0)=\(encode(path[$0] ?? []))" }.joined(separator: ";")
        if !query.isEmpty {
            text += "?" + query.keys.sorted().map { $0 == "pin-value" ? "pin-value=<redacted>" : "\($0)=\(encode(query[$0] ?? []))" }.joined(separator: "&")
        }
        return text
    }
}
