public import FoundationEssentials

/// A plain HTTP request value: everything a signer needs and nothing else.
///
/// The signing layer performs no I/O. A ``SigningRequest`` describes what will be sent; signers
/// return a copy with the authentication headers (or query parameters) added.
///
/// - `path` is the path exactly as it goes on the request line (for example `/sessions`).
/// - `query` is the raw query string without the leading `?` (for example `a=1&b=2`), or empty.
/// - `headers` keeps order and duplicates; names are compared case-insensitively.
public struct SigningRequest: Sendable, Hashable {
    /// One header line. Names keep the caller's spelling; comparisons ignore case.
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var method: String
    public var path: String
    public var query: String
    public var headers: [Header]
    public var body: [UInt8]

    public init(method: String, path: String, query: String = "", headers: [Header] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Builds a request from a URL such as `https://rolesanywhere.us-east-1.amazonaws.com/sessions?x=1`.
    ///
    /// The `Host` header is set from the URL's host and, when present, its port.
    public init(method: String, url: URL, headers: [Header] = [], body: [UInt8] = []) {
        var path = url.path(percentEncoded: true)
        if path.isEmpty { path = "/" }
        self.init(method: method, path: path, query: url.query(percentEncoded: true) ?? "", headers: headers, body: body)
        if self.firstHeader(named: "host") == nil, let host = url.host(percentEncoded: true) {
            let hostValue = url.port.map { "\(host):\($0)" } ?? host
            self.headers.insert(Header("Host", hostValue), at: 0)
        }
    }

    /// The first value of the header named `name` (case-insensitive), if any.
    public func firstHeader(named name: String) -> String? {
        headers.first { Self.sameName($0.name, name) }?.value
    }

    /// Replaces every header named `name` (case-insensitive) with a single `name: value`.
    public mutating func setHeader(_ name: String, _ value: String) {
        removeHeaders(named: name)
        headers.append(Header(name, value))
    }

    /// Removes every header named `name` (case-insensitive).
    public mutating func removeHeaders(named name: String) {
        guard headers.contains(where: { Self.sameName($0.name, name) }) else { return }
        headers.removeAll { Self.sameName($0.name, name) }
    }

    /// The headers not named (in any case) like one of the lowercase ASCII `names`, in order,
    /// in a new list with room for `extra` more: what a signer keeps before adding its own.
    /// The first letter rules out most headers without a full comparison; a name with a
    /// non-ASCII first byte gets the full (Unicode-aware) one.
    package func headers(without names: [String], reservingExtra extra: Int) -> [Header] {
        var kept: [Header] = []
        kept.reserveCapacity(headers.count + extra)
        for header in headers {
            let first = header.name.utf8.first ?? 0
            let lower = first >= 0x41 && first <= 0x5A ? first | 0x20 : first
            let dropped = names.contains { name in
                (first >= 0x80 || name.utf8.first == lower) && Self.sameName(header.name, name)
            }
            if !dropped { kept.append(header) }
        }
        return kept
    }

    /// Header names compared ignoring case, without making lowercase copies (ASCII names, as
    /// HTTP has; others are compared through `lowercased()`).
    package static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case let (a?, b?) where a < 0x80 && b < 0x80:
                if lower(a) != lower(b) { return false }
            case (let a, let b):
                // A non-ASCII byte (or different lengths with one): Unicode case mapping decides.
                if (a ?? 0) < 0x80 && (b ?? 0) < 0x80 && (a == nil || b == nil) && lhs.utf8.allSatisfy({ $0 < 0x80 }) && rhs.utf8.allSatisfy({ $0 < 0x80 }) {
                    return false
                }
                return lhs.lowercased() == rhs.lowercased()
            }
        }
    }
}
