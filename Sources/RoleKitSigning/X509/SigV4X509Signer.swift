public import FoundationEssentials
public import X509
import SwiftASN1

/// SigV4-X509, the request signature of IAM Roles Anywhere `CreateSession`.
///
/// Adds `X-Amz-Date`, `X-Amz-X509` (base64 DER of the leaf) and, when intermediates are given,
/// `X-Amz-X509-Chain` (base64 DER of each, comma-joined, leaf excluded); signs
/// `content-type;host;x-amz-date;x-amz-x509[;x-amz-x509-chain]` over the scope
/// `YYYYMMDD/REGION/rolesanywhere/aws4_request`; and writes
/// `ALGORITHM Credential=SERIAL/SCOPE, SignedHeaders=…, Signature=HEX` with the certificate serial
/// in decimal.
///
/// The canonical request is the same ``CanonicalRequest`` the HMAC signer uses.
public struct SigV4X509Signer: Sendable {
    /// The headers this signer signs, when present.
    public static let signedHeaderNames: Set<String> = ["content-type", "host", "x-amz-date", "x-amz-x509", "x-amz-x509-chain"]

    public let key: X509SigningKey
    public let region: String
    public let service: String
    /// The leaf serial in decimal.
    public let serialNumber: String
    /// Base64 DER of the leaf certificate: the `X-Amz-X509` value.
    public let certificateHeader: String
    /// The `X-Amz-X509-Chain` value, or `nil` without intermediates.
    public let chainHeader: String?

    /// - Parameters:
    ///   - certificate: The leaf certificate; its serial goes into `Credential=`.
    ///   - intermediates: Chain certificates in the order to send, leaf excluded.
    ///   - key: The leaf's private key.
    ///   - region: The signing region.
    ///   - service: The signing name; `rolesanywhere` for CreateSession.
    public init(
        certificate: Certificate,
        intermediates: [Certificate] = [],
        key: X509SigningKey,
        region: String,
        service: String = "rolesanywhere"
    ) throws(SigningError) {
        self.key = key
        self.region = region
        self.service = service
        self.serialNumber = certificate.serialNumber.decimalString
        self.certificateHeader = Base64.encode(try Self.der(certificate))
        if intermediates.isEmpty {
            self.chainHeader = nil
        } else {
            var parts: [String] = []
            for intermediate in intermediates { parts.append(Base64.encode(try Self.der(intermediate))) }
            self.chainHeader = parts.joined(separator: ",")
        }
    }

    /// Signs `request`, returning it with `X-Amz-Date`, `X-Amz-X509`, the chain header and
    /// `Authorization` added.
    public func sign(_ request: SigningRequest, at date: Date) throws(SigningError) -> SigningRequest {
        try signWithDetails(request, at: date).request
    }

    /// Signs `request` and returns the intermediate values as well.
    public func signWithDetails(_ request: SigningRequest, at date: Date) throws(SigningError) -> SigningResult {
        let amzDate = AmzDate(date)
        var request = request
        // One pass over the caller's headers into one new list: the headers this signer sets
        // are dropped (whatever their case) and appended anew.
        var headers = request.headers(without: Self.headersSet, reservingExtra: 4)
        headers.append(SigningRequest.Header("X-Amz-Date", amzDate.timestamp))
        headers.append(SigningRequest.Header("X-Amz-X509", certificateHeader))
        if let chainHeader {
            headers.append(SigningRequest.Header("X-Amz-X509-Chain", chainHeader))
        }
        request.headers = headers
        let canonical = CanonicalRequest(
            request: request,
            payloadHash: CanonicalRequest.payloadHash(request.body),
            includeHeader: { Self.signedHeaderNames.contains($0) }
        )
        let scope = CredentialScope(date: amzDate, region: region, service: service)
        let algorithm = key.algorithm.rawValue
        let stringToSign = StringToSign(algorithm: algorithm, date: amzDate, scope: scope, canonicalRequest: canonical)
        let signature = try key.signature(for: Array(stringToSign.text.utf8)).lowercaseHex
        let authorization = AuthorizationHeader.value(
            algorithm: algorithm, credential: serialNumber, scope: scope, signedHeaders: canonical.signedHeaders, signature: signature
        )
        request.headers.append(SigningRequest.Header("Authorization", authorization))
        return SigningResult(
            request: request,
            canonicalRequest: canonical.text,
            stringToSign: stringToSign.text,
            signature: signature,
            authorization: authorization
        )
    }

    /// The headers this signer sets (any earlier ones, in any case, are dropped).
    static let headersSet: [String] = ["authorization", "x-amz-date", "x-amz-x509", "x-amz-x509-chain"]

    static func der(_ certificate: Certificate) throws(SigningError) -> [UInt8] {
        do {
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return serializer.serializedBytes
        } catch {
            throw SigningError.certificateEncodingFailed
        }
    }
}
