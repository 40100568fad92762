import Crypto

/// The SigV4 canonical request, shared by the HMAC signer (``SigV4Signer``) and the X.509 signer
/// (``SigV4X509Signer``).
///
/// ### Structure
/// Six lines joined by `\n`: method, canonical URI, canonical query string, canonical headers
/// (each `name:value\n`), the signed-header list and the payload hash.
///
/// - The URI is normalized like botocore does for every service but S3: dot segments and
///   repeated slashes removed, then each byte outside the unreserved set percent-encoded
///   (`/` kept).
/// - Query parameters are percent-decoded, encoded again strictly and sorted by key, then value.
/// - Header names are lowercased; values are trimmed, inner whitespace runs (including folded
///   lines) become one space, and repeated headers are joined with `,` in request order.
public struct CanonicalRequest: Sendable, Hashable {
    /// How the canonical URI is derived from the request path.
    public struct PathOptions: Sendable, Hashable {
        /// Remove `.`/`..` segments and repeated slashes (false for S3).
        public var normalize: Bool
        /// Percent-encode the path (false only if the caller already encoded it canonically).
        public var encode: Bool

        public init(normalize: Bool = true, encode: Bool = true) {
            self.normalize = normalize
            self.encode = encode
        }
    }

    /// The full canonical request text.
    public let text: String
    /// The signed-header list, for example `host;x-amz-date`.
    public let signedHeaders: String
    /// SHA-256 of ``text`` (computed from the bytes as they are written).
    public let digest: SHA256.Digest
    /// Lowercase hex SHA-256 of ``text``.
    public var hash: String { digest.lowercaseHex }

    /// SHA-256 of a string's UTF-8 bytes, read in place when the string is contiguous.
    static func sha256(_ text: String) -> SHA256.Digest {
        var text = text
        return text.withUTF8 { sha256(UnsafeRawBufferPointer($0)) }
    }

    /// SHA-256 of `bytes`, through the hasher's buffer-pointer entry point (no generic
    /// `DataProtocol` walk).
    static func sha256(_ bytes: UnsafeRawBufferPointer) -> SHA256.Digest {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        return hasher.finalize()
    }

    /// Builds the canonical request.
    /// - Parameters:
    ///   - request: The request to canonicalize.
    ///   - payloadHash: The last line: a hex SHA-256, or a marker such as `UNSIGNED-PAYLOAD`.
    ///   - pathOptions: URI normalization and encoding.
    ///   - queryOverride: Use this raw query instead of the request's (presigning adds parameters).
    ///   - includeHeader: Decides, by lowercase name, which headers are signed.
    public init(
        request: SigningRequest,
        payloadHash: String,
        pathOptions: PathOptions = PathOptions(),
        queryOverride: String? = nil,
        includeHeader: (String) -> Bool
    ) {
        // One pass into one buffer: no intermediate strings per header, segment or line.
        var out: [UInt8] = []
        out.reserveCapacity(Self.estimatedSize(request, payloadHash: payloadHash, query: queryOverride))
        for byte in request.method.utf8 { out.append(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) }
        out.append(0x0A)
        Self.appendCanonicalURI(request.path, options: pathOptions, to: &out)
        out.append(0x0A)
        let query = queryOverride ?? request.query
        if !query.isEmpty { out += Self.canonicalQuery(query).utf8 }
        out.append(0x0A)

        // Signed headers: lowercase names, sorted by byte value; repeated names keep request
        // order and their values are joined with ",".
        // The included headers in a temporary buffer (on the stack for the usual few).
        let signed = withUnsafeTemporaryAllocation(of: (name: String, index: Int).self, capacity: max(1, request.headers.count)) { buffer -> String in
            var count = 0
            for (index, header) in request.headers.enumerated() {
                let name = Self.lowercasedName(header.name)
                if includeHeader(name) {
                    buffer.initializeElement(at: count, to: (name, index))
                    count += 1
                }
            }
            var included = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
            defer { _ = included.deinitialize() }
            included.sort { lhs, rhs in
                let order = Self.compare(lhs.name, rhs.name)
                return order == 0 ? lhs.index < rhs.index : order < 0
            }
            var signed = ""
            signed.reserveCapacity(included.reduce(0) { $0 + $1.name.utf8.count + 1 })
            var position = 0
            while position < included.count {
                let name = included[position].name
                if !signed.isEmpty { signed += ";" }
                signed += name
                out += name.utf8
                out.append(UInt8(ascii: ":"))
                var first = true
                while position < included.count, Self.compare(included[position].name, name) == 0 {
                    if !first { out.append(UInt8(ascii: ",")) }
                    Self.appendCanonicalHeaderValue(request.headers[included[position].index].value, to: &out)
                    first = false
                    position += 1
                }
                out.append(0x0A)
            }
            return signed
        }
        out.append(0x0A)
        out += signed.utf8
        out.append(0x0A)
        out += payloadHash.utf8
        self.signedHeaders = signed
        self.digest = out.withUnsafeBytes { Self.sha256($0) }
        self.text = String(decoding: out, as: UTF8.self)
    }

    /// Enough capacity for the canonical request of `request` in most cases (one allocation).
    private static func estimatedSize(_ request: SigningRequest, payloadHash: String, query: String?) -> Int {
        var size = 16 + request.method.utf8.count + request.path.utf8.count * 3 + (query ?? request.query).utf8.count * 3 + payloadHash.utf8.count
        for header in request.headers { size += (header.name.utf8.count * 2 + header.value.utf8.count + 3) }
        // Room to spare: a buffer that has to grow costs a copy and another allocation.
        return size + size / 4 + 64
    }

    /// `name` lowercased: as it is when it already is, by ASCII mapping into one new string
    /// when it is ASCII, through `lowercased()` otherwise.
    private static func lowercasedName(_ name: String) -> String {
        var hasUppercase = false
        for byte in name.utf8 {
            if byte >= 0x80 { return name.lowercased() }
            if byte >= 0x41 && byte <= 0x5A { hasUppercase = true }
        }
        guard hasUppercase else { return name }
        let count = name.utf8.count
        return String(unsafeUninitializedCapacity: count) { buffer in
            var index = 0
            for byte in name.utf8 where index < buffer.count {
                buffer[index] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                index += 1
            }
            return index
        }
    }

    /// Byte-wise comparison of two strings: negative, zero or positive.
    private static func compare(_ lhs: String, _ rhs: String) -> Int {
        // Native strings are contiguous: compared as two buffers.
        if let order = lhs.utf8.withContiguousStorageIfAvailable({ left in
            rhs.utf8.withContiguousStorageIfAvailable { right -> Int in
                let common = min(left.count, right.count)
                var index = 0
                while index < common {
                    let (a, b) = (left[index], right[index])
                    if a != b { return a < b ? -1 : 1 }
                    index += 1
                }
                return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
            }
        }), let order {
            return order
        }
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (a?, b?) where a != b: return a < b ? -1 : 1
            default: continue
            }
        }
    }

    /// Appends the canonical form of a header value: trimmed, whitespace runs made one space.
    private static func appendCanonicalHeaderValue(_ value: String, to out: inout [UInt8]) {
        // Most values (dates, hosts, base64 certificates) have no white space at all: copied
        // as they are, in one go.
        let hasWhiteSpace = value.utf8.withContiguousStorageIfAvailable { bytes in bytes.contains { $0 <= 0x20 } } ?? true
        if !hasWhiteSpace {
            out.append(contentsOf: value.utf8)
            return
        }
        var pendingSpace = false
        var wroteAny = false
        for byte in value.utf8 {
            // Space, tab, LF, VT, FF, CR and the separators 0x1C–0x1F: Python's ASCII white space.
            if byte == 0x20 || (0x09...0x0D).contains(byte) || (0x1C...0x1F).contains(byte) {
                pendingSpace = wroteAny
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                wroteAny = true
                out.append(byte)
            }
        }
    }

    /// Appends the canonical URI. A path without dot segments or repeated slashes (nearly
    /// every request) is encoded straight into `out`; others go through ``canonicalURI(_:options:)``.
    private static func appendCanonicalURI(_ path: String, options: PathOptions, to out: inout [UInt8]) {
        guard options.normalize, !path.isEmpty, Self.isNormalized(path) else {
            out += canonicalURI(path, options: options).utf8
            return
        }
        if options.encode {
            URIEncoding.append(path.utf8, keepSlash: true, to: &out)
        } else {
            out += path.utf8
        }
    }

    /// Whether normalizing `path` would leave it as it is: it starts with `/` and has no empty,
    /// `.` or `..` segment (a trailing slash is kept by normalization).
    private static func isNormalized(_ path: String) -> Bool {
        var previous: UInt8 = 0
        var segmentLength = 0
        var segmentIsDots = true
        var first = true
        for byte in path.utf8 {
            if first {
                guard byte == UInt8(ascii: "/") else { return false }
                first = false
                previous = byte
                continue
            }
            if byte == UInt8(ascii: "/") {
                if previous == UInt8(ascii: "/") { return false }
                if segmentIsDots && segmentLength > 0 && segmentLength <= 2 { return false }
                segmentLength = 0
                segmentIsDots = true
            } else {
                segmentLength += 1
                if byte != UInt8(ascii: ".") { segmentIsDots = false }
            }
            previous = byte
        }
        if segmentIsDots && segmentLength > 0 && segmentLength <= 2 { return false }
        return true
    }

    /// The canonical form of a header value: trimmed, whitespace runs collapsed to one space
    /// (ASCII white space, as botocore's `' '.join(value.split())`).
    public static func canonicalHeaderValue(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        appendCanonicalHeaderValue(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical URI for `path`.
    public static func canonicalURI(_ path: String, options: PathOptions = PathOptions()) -> String {
        var result = path.isEmpty ? "/" : path
        if options.normalize { result = removeDotSegments(result) }
        if result.isEmpty { result = "/" }
        return options.encode ? URIEncoding.encode(result, keepSlash: true) : result
    }

    /// RFC 3986 dot-segment removal that also drops empty segments, as AWS services expect.
    static func removeDotSegments(_ path: String) -> String {
        guard !path.isEmpty else { return "" }
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !output.isEmpty { output.removeLast() }
            default: output.append(segment)
            }
        }
        let leading = path.hasPrefix("/") ? "/" : ""
        let trailing = path.hasSuffix("/") && !output.isEmpty ? "/" : ""
        return leading + output.joined(separator: "/") + trailing
    }

    /// The canonical query string for a raw query (without `?`).
    public static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = URIEncoding.encode(bytes: URIEncoding.decode(parts[0]), keepSlash: false)
            let value = parts.count > 1 ? URIEncoding.encode(bytes: URIEncoding.decode(parts[1]), keepSlash: false) : ""
            pairs.append((key, value))
        }
        pairs.sort { lhs, rhs in
            if lhs.0 != rhs.0 { return Array(lhs.0.utf8).lexicographicallyPrecedes(Array(rhs.0.utf8)) }
            return Array(lhs.1.utf8).lexicographicallyPrecedes(Array(rhs.1.utf8))
        }
        return pairs.map { $0.0 + "=" + $0.1 }.joined(separator: "&")
    }

    /// Lowercase hex SHA-256 of `bytes`: the payload hash line for a signed body.
    public static func payloadHash(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { sha256($0) }.lowercaseHex
    }
}

/// The credential scope `YYYYMMDD/REGION/SERVICE/aws4_request`.
public struct CredentialScope: Sendable, Hashable, CustomStringConvertible {
    public var dateStamp: String
    public var region: String
    public var service: String

    public init(date: AmzDate, region: String, service: String) {
        self.dateStamp = date.dateStamp
        self.region = region
        self.service = service
    }

    public var description: String {
        TextBuilder.build(capacity: utf8Count) { append(to: &$0) }
    }

    /// The UTF-8 length of the scope.
    var utf8Count: Int { dateStamp.utf8.count + region.utf8.count + service.utf8.count + 15 }

    /// Writes `YYYYMMDD/REGION/SERVICE/aws4_request`.
    func append(to text: inout TextBuilder) {
        text.append(dateStamp)
        text.append(UInt8(ascii: "/"))
        text.append(region)
        text.append(UInt8(ascii: "/"))
        text.append(service)
        text.append("/aws4_request" as StaticString)
    }
}

/// The four-line string to sign: algorithm, timestamp, scope and canonical-request hash.
public struct StringToSign: Sendable, Hashable {
    public let text: String

    public init(algorithm: String, date: AmzDate, scope: CredentialScope, canonicalRequest: CanonicalRequest) {
        let capacity = algorithm.utf8.count + date.timestamp.utf8.count + scope.utf8Count + 64 + 3
        self.text = TextBuilder.build(capacity: capacity) { text in
            text.append(algorithm)
            text.append(0x0A)
            text.append(date.timestamp)
            text.append(0x0A)
            scope.append(to: &text)
            text.append(0x0A)
            canonicalRequest.digest.withUnsafeBytes { text.appendHex($0) }
        }
    }
}

/// The `Authorization` header value of both signers:
/// `ALGORITHM Credential=ID/SCOPE, SignedHeaders=…, Signature=…`.
enum AuthorizationHeader {
    static func value(algorithm: String, credential: String, scope: CredentialScope, signedHeaders: String, signature: String) -> String {
        let capacity = algorithm.utf8.count + credential.utf8.count + scope.utf8Count + signedHeaders.utf8.count + signature.utf8.count + 45
        return TextBuilder.build(capacity: capacity) { text in
            text.append(algorithm)
            text.append(" Credential=" as StaticString)
            text.append(credential)
            text.append(UInt8(ascii: "/"))
            scope.append(to: &text)
            text.append(", SignedHeaders=" as StaticString)
            text.append(signedHeaders)
            text.append(", Signature=" as StaticString)
            text.append(signature)
        }
    }
}

/// What a signer produced: the signed request plus every intermediate value, for tests and
/// `--debug` output (none of them holds a secret).
public struct SigningResult: Sendable, Hashable {
    public var request: SigningRequest
    public var canonicalRequest: String
    public var stringToSign: String
    public var signature: String
    /// The `Authorization` header value (empty for presigned requests).
    public var authorization: String
}
