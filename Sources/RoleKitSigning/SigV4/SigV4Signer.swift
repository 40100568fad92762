public import FoundationEssentials
import Crypto
import Synchronization

/// AWS Signature Version 4 with HMAC-SHA256 (`AWS4-HMAC-SHA256`).
///
/// ```swift
/// let signer = SigV4Signer(credentials: creds, region: "us-east-1", service: "sts")
/// let signed = signer.sign(request, at: Date())
/// ```
///
/// The signer is a value with no I/O; the same inputs always give the same output.
public struct SigV4Signer: Sendable {
    /// The algorithm name written into the string to sign and the `Authorization` header.
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// Headers never signed (they may change in transit), as botocore.
    public static let unsignedHeaders: Set<String> = [
        "authorization", "user-agent", "x-amzn-trace-id", "expect", "transfer-encoding",
    ]

    /// Where the session token goes.
    public enum SessionTokenPlacement: Sendable, Hashable {
        /// `X-Amz-Security-Token` is added before signing and is part of the signature (the default).
        case signed
        /// `X-Amz-Security-Token` is added after signing (services that expect it unsigned).
        case appendedAfterSigning
    }

    /// How the last line of the canonical request is computed.
    public enum Payload: Sendable, Hashable {
        /// SHA-256 of the request body (the default).
        case signed
        /// The literal `UNSIGNED-PAYLOAD`.
        case unsigned
        /// A hash the caller computed (for streamed bodies).
        case precomputed(String)
    }

    public struct Options: Sendable, Hashable {
        public var path: CanonicalRequest.PathOptions
        public var payload: Payload
        public var sessionToken: SessionTokenPlacement
        /// Adds `X-Amz-Content-SHA256` with the payload hash (S3 style).
        public var addContentSHA256Header: Bool

        public init(
            path: CanonicalRequest.PathOptions = .init(),
            payload: Payload = .signed,
            sessionToken: SessionTokenPlacement = .signed,
            addContentSHA256Header: Bool = false
        ) {
            self.path = path
            self.payload = payload
            self.sessionToken = sessionToken
            self.addContentSHA256Header = addContentSHA256Header
        }
    }

    public var credentials: SigningCredentials
    public var region: String
    public var service: String
    public var options: Options
    public init(credentials: SigningCredentials, region: String, service: String, options: Options = .init()) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
    }

    /// Signs `request` with `Authorization`, `X-Amz-Date` and, with a session token, `X-Amz-Security-Token`.
    public func sign(_ request: SigningRequest, at date: Date) -> SigningRequest {
        signWithDetails(request, at: date).request
    }

    /// Signs `request` and returns the intermediate values as well.
    public func signWithDetails(_ request: SigningRequest, at date: Date) -> SigningResult {
        let amzDate = AmzDate(date)
        var request = request
        let payloadHash = Self.payloadHash(for: request, payload: options.payload)
        // One pass over the caller's headers into one new list with room for what is added:
        // the headers this signer sets are dropped (whatever their case) and appended anew.
        let addContentSHA256 = options.addContentSHA256Header
        var headers = request.headers(without: addContentSHA256 ? Self.headersSet + ["x-amz-content-sha256"] : Self.headersSet, reservingExtra: 4)
        headers.append(SigningRequest.Header("X-Amz-Date", amzDate.timestamp))
        if let token = credentials.sessionToken, options.sessionToken == .signed {
            headers.append(SigningRequest.Header("X-Amz-Security-Token", token))
        }
        if addContentSHA256 {
            headers.append(SigningRequest.Header("X-Amz-Content-SHA256", payloadHash))
        }
        request.headers = headers
        let canonical = CanonicalRequest(
            request: request,
            payloadHash: payloadHash,
            pathOptions: options.path,
            includeHeader: { !Self.isUnsignedHeader($0) }
        )
        let scope = CredentialScope(date: amzDate, region: region, service: service)
        let stringToSign = StringToSign(algorithm: Self.algorithm, date: amzDate, scope: scope, canonicalRequest: canonical)
        let signature = self.signature(stringToSign: stringToSign, date: amzDate)
        let authorization = AuthorizationHeader.value(
            algorithm: Self.algorithm, credential: credentials.accessKeyId, scope: scope, signedHeaders: canonical.signedHeaders, signature: signature
        )
        request.headers.append(SigningRequest.Header("Authorization", authorization))
        if let token = credentials.sessionToken, options.sessionToken == .appendedAfterSigning {
            request.headers.append(SigningRequest.Header("X-Amz-Security-Token", token))
        }
        return SigningResult(
            request: request,
            canonicalRequest: canonical.text,
            stringToSign: stringToSign.text,
            signature: signature,
            authorization: authorization
        )
    }

    /// Whether the lowercase `name` is in ``unsignedHeaders`` (by length first: no hashing).
    package static func isUnsignedHeader(_ name: String) -> Bool {
        switch name.utf8.count {
        case 6: return name == "expect"
        case 10: return name == "user-agent"
        case 13: return name == "authorization"
        case 15: return name == "x-amzn-trace-id"
        case 17: return name == "transfer-encoding"
        default: return false
        }
    }

    /// The headers ``signWithDetails(_:at:)`` replaces (any earlier ones, in any case, are
    /// dropped), besides `X-Amz-Content-SHA256` when it adds that.
    static let headersSet: [String] = ["authorization", "x-amz-date", "x-amz-security-token"]

    /// The derived signing key `kSigning` for a date stamp (`YYYYMMDD`).
    public func signingKey(dateStamp: String) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ message: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key))
        }
        let secret = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        return hmac(hmac(hmac(hmac(secret, dateStamp), region), service), "aws4_request")
    }

    /// An HMAC-SHA256 authenticator keyed with ``signingKey(dateStamp:)``, derived and keyed
    /// once per (date, region, service, secret): each signature copies it and feeds the string
    /// to sign, so neither the four-step derivation nor the key schedule runs per request.
    func cachedAuthenticator(dateStamp: String) -> HMAC<SHA256> {
        let scope = SigningKeyCache.Scope(dateStamp: dateStamp, region: region, service: service, secretAccessKey: credentials.secretAccessKey)
        if let authenticator = SigningKeyCache.shared.authenticator(for: scope) { return authenticator }
        let authenticator = HMAC<SHA256>(key: signingKey(dateStamp: dateStamp))
        SigningKeyCache.shared.store(authenticator, for: scope)
        return authenticator
    }

    func signature(stringToSign: StringToSign, date: AmzDate) -> String {
        var authenticator = cachedAuthenticator(dateStamp: date.dateStamp)
        var text = stringToSign.text
        text.withUTF8 { authenticator.update(data: UnsafeRawBufferPointer($0)) }
        return authenticator.finalize().lowercaseHex
    }

    static func payloadHash(for request: SigningRequest, payload: Payload) -> String {
        switch payload {
        case .signed: return CanonicalRequest.payloadHash(request.body)
        case .unsigned: return "UNSIGNED-PAYLOAD"
        case .precomputed(let hash): return hash
        }
    }
}

/// Derived SigV4 signing keys of this process, the few most recent, each with the scope it was
/// derived for, kept as keyed HMAC authenticators. Process-wide because the service clients
/// build a signer for every request; an entry is used only when date stamp, region, service and
/// secret all match (it changes once a day), and at most `capacity` are kept, so replaced
/// credentials' keys soon drop out.
final class SigningKeyCache: Sendable {
    struct Scope: Hashable, Sendable {
        var dateStamp: String
        var region: String
        var service: String
        var secretAccessKey: String
    }

    static let shared = SigningKeyCache()
    static let capacity = 8

    /// Most recently stored last.
    private let entries = Mutex<[(scope: Scope, authenticator: HMAC<SHA256>)]>([])

    func authenticator(for scope: Scope) -> HMAC<SHA256>? {
        entries.withLock { entries in
            var index = entries.count
            while index > 0 {
                index -= 1
                if entries[index].scope == scope { return entries[index].authenticator }
            }
            return nil
        }
    }

    func store(_ authenticator: HMAC<SHA256>, for scope: Scope) {
        entries.withLock { entries in
            entries.removeAll { $0.scope == scope }
            entries.append((scope, authenticator))
            if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
        }
    }
}
