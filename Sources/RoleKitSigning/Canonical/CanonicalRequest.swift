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
    /// Lowercase hex SHA-256 of ``text``.
    public var hash: String { SHA256.hash(data: Array(text.utf8)).lowercaseHex }

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
        var grouped: [String: [String]] = [:]
        var order: [String] = []
        for header in request.headers {
            let name = header.name.lowercased()
            guard includeHeader(name) else { continue }
            if grouped[name] == nil { order.append(name) }
            grouped[name, default: []].append(Self.canonicalHeaderValue(header.value))
        }
        let names = order.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var headerBlock = ""
        for name in names {
            headerBlock += name + ":" + grouped[name]!.joined(separator: ",") + "\n"
        }
        let signed = names.joined(separator: ";")
        self.signedHeaders = signed
        self.text = [
            request.method.uppercased(),
            Self.canonicalURI(request.path, options: pathOptions),
            Self.canonicalQuery(queryOverride ?? request.query),
            headerBlock,
            signed,
            payloadHash,
        ].joined(separator: "\n")
    }

    /// The canonical form of a header value: trimmed, whitespace runs collapsed to one space.
    public static func canonicalHeaderValue(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .joined(separator: " ")
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
        SHA256.hash(data: bytes).lowercaseHex
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

    public var description: String { "\(dateStamp)/\(region)/\(service)/aws4_request" }
}

/// The four-line string to sign: algorithm, timestamp, scope and canonical-request hash.
public struct StringToSign: Sendable, Hashable {
    public let text: String

    public init(algorithm: String, date: AmzDate, scope: CredentialScope, canonicalRequest: CanonicalRequest) {
        self.text = [algorithm, date.timestamp, scope.description, canonicalRequest.hash].joined(separator: "\n")
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
