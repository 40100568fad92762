public import FoundationEssentials

extension SigV4Signer {
    /// Signs `request` in its query string (a presigned URL) valid for `expires` seconds.
    ///
    /// Adds `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
    /// `X-Amz-SignedHeaders`, `X-Amz-Security-Token` (with a session token) and finally
    /// `X-Amz-Signature`. Only the headers present on `request` are signed (usually just `Host`).
    public func presign(_ request: SigningRequest, at date: Date, expires: Int) -> SigningResult {
        let amzDate = AmzDate(date)
        var request = request
        request.removeHeaders(named: "authorization")
        let scope = CredentialScope(date: amzDate, region: region, service: service)
        let include: (String) -> Bool = { !Self.unsignedHeaders.contains($0) }
        let signedHeaders = Set(request.headers.map { $0.name.lowercased() }.filter(include))
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .joined(separator: ";")
        var parameters: [(String, String)] = [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope)"),
            ("X-Amz-Date", amzDate.timestamp),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", signedHeaders),
        ]
        if let token = credentials.sessionToken {
            parameters.append(("X-Amz-Security-Token", token))
        }
        let added = parameters.map { URIEncoding.encode($0.0) + "=" + URIEncoding.encode($0.1) }.joined(separator: "&")
        let query = request.query.isEmpty ? added : request.query + "&" + added
        let payloadHash = Self.payloadHash(for: request, payload: options.payload)
        let canonical = CanonicalRequest(
            request: request,
            payloadHash: payloadHash,
            pathOptions: options.path,
            queryOverride: query,
            includeHeader: include
        )
        let stringToSign = StringToSign(algorithm: Self.algorithm, date: amzDate, scope: scope, canonicalRequest: canonical)
        let signature = self.signature(stringToSign: stringToSign, date: amzDate)
        request.query = query + "&X-Amz-Signature=" + signature
        return SigningResult(
            request: request,
            canonicalRequest: canonical.text,
            stringToSign: stringToSign.text,
            signature: signature,
            authorization: ""
        )
    }
}
