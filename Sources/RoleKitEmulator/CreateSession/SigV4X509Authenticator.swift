import Crypto
import _CryptoExtras
import FoundationEssentials
import RoleKitSigning
import RoleKitSupport
import SwiftASN1
import X509

/// Step 1 of `CreateSession`, before anything of the body is read: the SigV4-X509
/// `Authorization` header, the ±tolerance clock window, the credential scope, the
/// `X-Amz-X509` certificate (and chain), and the signature (RSA PKCS#1 v1.5 or ECDSA P-256/P-384
/// over SHA-256) by the leaf's key.
///
/// Passing it proves the caller holds the key of the certificate it sent; whether that
/// certificate is trusted is ``CertificateTrust``'s question.
struct SigV4X509Authenticator: Sendable {
    /// The certificates of a request whose signature verified.
    struct SignedCertificates: Sendable {
        var leaf: Certificate
        /// `X-Amz-X509-Chain`, in the order sent.
        var intermediates: [Certificate]
    }

    /// The region the credential scope must name.
    var region: String
    var toleranceSeconds: Int

    init(region: String, toleranceSeconds: Int = 300) {
        self.region = region
        self.toleranceSeconds = toleranceSeconds
    }

    /// - Throws: ``EmulatorError`` `AccessDeniedException` with AWS's messages.
    func authenticate(_ request: SigningRequest, now: Date) throws(EmulatorError) -> SignedCertificates {
        // 1. Authorization header.
        guard let authorization = request.firstHeader(named: "authorization"), let auth = ParsedAuthorization(authorization) else {
            throw EmulatorError.accessDenied("Missing or malformed Authorization header")
        }
        guard let algorithm = SigV4X509Algorithm(rawValue: auth.algorithm) else {
            throw EmulatorError.invalidSignature
        }
        // 2. Time window.
        guard let dateText = request.firstHeader(named: "x-amz-date"), let amzDate = AmzDate(timestamp: dateText) else {
            throw EmulatorError.accessDenied("Missing or malformed X-Amz-Date header")
        }
        try checkClockWindow(amzDate, dateText: dateText, now: now)
        guard auth.scope.count == 4, auth.scope[0] == amzDate.dateStamp, auth.scope[2] == "rolesanywhere", auth.scope[3] == "aws4_request" else {
            throw EmulatorError.invalidSignature
        }
        guard auth.scope[1] == region else {
            throw EmulatorError.accessDenied("Credential should be scoped to a valid region, not '\(auth.scope[1])'")
        }
        // 3. Certificates.
        let certificates = try Self.certificates(request)
        guard auth.serial == certificates.leaf.serialNumber.decimalString else { throw EmulatorError.invalidSignature }
        // 4. Signature.
        let required: Set<String> = certificates.intermediates.isEmpty ? ["host", "x-amz-date", "x-amz-x509"] : ["host", "x-amz-date", "x-amz-x509", "x-amz-x509-chain"]
        guard required.isSubset(of: auth.signedHeaders) else { throw EmulatorError.invalidSignature }
        let canonical = CanonicalRequest(
            request: request,
            payloadHash: CanonicalRequest.payloadHash(request.body),
            includeHeader: { auth.signedHeaders.contains($0) }
        )
        let scope = CredentialScope(date: amzDate, region: auth.scope[1], service: auth.scope[2])
        let stringToSign = StringToSign(algorithm: algorithm.rawValue, date: amzDate, scope: scope, canonicalRequest: canonical)
        guard canonical.signedHeaders == auth.signedHeaderList,
            Self.verify(signatureHex: auth.signature, over: Array(stringToSign.text.utf8), key: certificates.leaf.publicKey, algorithm: algorithm)
        else { throw EmulatorError.invalidSignature }
        return certificates
    }

    /// `X-Amz-Date` within `toleranceSeconds` of `now`, or AWS's "Signature expired" message.
    func checkClockWindow(_ amzDate: AmzDate, dateText: String, now: Date) throws(EmulatorError) {
        let skew = amzDate.date.timeIntervalSince(now)
        guard abs(skew) > TimeInterval(toleranceSeconds) else { return }
        let tolerance = TimeInterval(toleranceSeconds)
        let bound = AmzDate(now.addingTimeInterval(skew < 0 ? -tolerance : tolerance)).timestamp
        throw EmulatorError.accessDenied("Signature expired: \(dateText) is now \(skew < 0 ? "earlier" : "later") than \(bound) (\(AmzDate(now).timestamp) \(skew < 0 ? "-" : "+") \(toleranceSeconds / 60) min.)")
    }

    /// The leaf of `X-Amz-X509` and the intermediates of `X-Amz-X509-Chain` (base64 DER).
    static func certificates(_ request: SigningRequest) throws(EmulatorError) -> SignedCertificates {
        guard let leafText = request.firstHeader(named: "x-amz-x509"), let leaf = certificate(base64: leafText) else {
            throw EmulatorError.accessDenied("Missing or malformed X-Amz-X509 certificate")
        }
        var intermediates: [Certificate] = []
        if let chainText = request.firstHeader(named: "x-amz-x509-chain") {
            for part in chainText.split(separator: ",") {
                guard let certificate = certificate(base64: String(part)) else {
                    throw EmulatorError.accessDenied("Malformed X-Amz-X509-Chain certificate")
                }
                intermediates.append(certificate)
            }
        }
        return SignedCertificates(leaf: leaf, intermediates: intermediates)
    }

    static func verify(signatureHex: String, over message: [UInt8], key: Certificate.PublicKey, algorithm: SigV4X509Algorithm) -> Bool {
        guard let signature = hexBytes(signatureHex) else { return false }
        let digest = SHA256.hash(data: message)
        switch algorithm {
        case .rsaSHA256:
            guard let rsa = _RSA.Signing.PublicKey(key) else { return false }
            return rsa.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5)
        case .ecdsaSHA256:
            if let p256 = P256.Signing.PublicKey(key), let sig = try? P256.Signing.ECDSASignature(derRepresentation: signature) {
                return p256.isValidSignature(sig, for: digest)
            }
            if let p384 = P384.Signing.PublicKey(key), let sig = try? P384.Signing.ECDSASignature(derRepresentation: signature) {
                return p384.isValidSignature(sig, for: digest)
            }
            return false
        }
    }

    static func certificate(base64: String) -> Certificate? {
        guard let data = Data(base64Encoded: base64) else { return nil }
        return try? Certificate(derEncoded: Array(data))
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        guard !text.isEmpty else { return nil }
        return Hex.decode(text)
    }
}
