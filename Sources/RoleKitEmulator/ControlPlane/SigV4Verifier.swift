import Crypto
package import FoundationEssentials
package import RoleKitSigning
import RoleKitSupport

/// Checks SigV4 (`AWS4-HMAC-SHA256`) signatures of control-plane and STS calls against known
/// access keys, as AWS does: key known, scope (date, region, service), ±5 minutes, signature.
package struct SigV4Verifier: Sendable {
    /// Secret access keys by access key id.
    package let secrets: @Sendable (String) -> String?
    package let region: String
    package let service: String
    package let toleranceSeconds: Int

    package init(region: String, service: String, toleranceSeconds: Int = 300, secrets: @escaping @Sendable (String) -> String?) {
        self.region = region
        self.service = service
        self.toleranceSeconds = toleranceSeconds
        self.secrets = secrets
    }

    /// - Returns: The access key id that signed the request.
    /// - Throws: ``EmulatorError`` with AWS's codes (`MissingAuthenticationTokenException`,
    ///   `UnrecognizedClientException`, `InvalidSignatureException`).
    package func verify(_ request: SigningRequest, now: Date) throws(EmulatorError) -> String {
        guard let header = request.firstHeader(named: "authorization") else {
            throw EmulatorError(status: 403, code: "MissingAuthenticationTokenException", message: "Missing Authentication Token")
        }
        guard header.hasPrefix(SigV4Signer.algorithm + " "), let auth = ParsedAuthorization(header) else {
            throw EmulatorError(status: 403, code: "IncompleteSignatureException", message: "Authorization header requires Credential, SignedHeaders and Signature with \(SigV4Signer.algorithm)")
        }
        let keyId = auth.serial
        guard let secret = secrets(keyId) else {
            throw EmulatorError(status: 403, code: "UnrecognizedClientException", message: "The security token included in the request is invalid.")
        }
        guard let dateText = request.firstHeader(named: "x-amz-date"), let amzDate = AmzDate(timestamp: dateText) else {
            throw EmulatorError(status: 403, code: "IncompleteSignatureException", message: "Missing or malformed X-Amz-Date header")
        }
        if abs(amzDate.date.timeIntervalSince(now)) > TimeInterval(toleranceSeconds) {
            throw EmulatorError(status: 403, code: "InvalidSignatureException", message: "Signature expired: \(dateText) is not within \(toleranceSeconds / 60) minutes of \(AmzDate(now).timestamp)")
        }
        guard auth.scope.count == 4, auth.scope[0] == amzDate.dateStamp, auth.scope[3] == "aws4_request" else {
            throw EmulatorError(status: 403, code: "InvalidSignatureException", message: "Credential scope is malformed")
        }
        guard auth.scope[2] == service else {
            throw EmulatorError(status: 403, code: "InvalidSignatureException", message: "Credential should be scoped to correct service: '\(service)'")
        }
        guard auth.scope[1] == region else {
            throw EmulatorError(status: 403, code: "InvalidSignatureException", message: "Credential should be scoped to a valid region, not '\(auth.scope[1])'")
        }
        guard auth.signedHeaders.contains("host") else {
            throw EmulatorError(status: 403, code: "InvalidSignatureException", message: "The host header must be signed")
        }
        let payloadHash = request.firstHeader(named: "x-amz-content-sha256").flatMap { $0 == "UNSIGNED-PAYLOAD" ? nil : $0 } ?? CanonicalRequest.payloadHash(request.body)
        let canonical = CanonicalRequest(request: request, payloadHash: payloadHash, includeHeader: { auth.signedHeaders.contains($0) })
        let scope = CredentialScope(date: amzDate, region: auth.scope[1], service: auth.scope[2])
        let stringToSign = StringToSign(algorithm: SigV4Signer.algorithm, date: amzDate, scope: scope, canonicalRequest: canonical)
        let key = SigV4Signer(credentials: SigningCredentials(accessKeyId: keyId, secretAccessKey: secret), region: scope.region, service: scope.service).signingKey(dateStamp: amzDate.dateStamp)
        let expected = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.text.utf8), using: key).lowercaseHex
        guard canonical.signedHeaders == auth.signedHeaderList, ConstantTime.equals(expected, auth.signature) else {
            throw EmulatorError(status: 403, code: "InvalidSignatureException", message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
        }
        return keyId
    }
}
