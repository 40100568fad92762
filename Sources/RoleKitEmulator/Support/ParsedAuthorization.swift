/// The parts of `ALG Credential=KEY-OR-SERIAL/DATE/REGION/SERVICE/aws4_request, SignedHeaders=…, Signature=…`,
/// shared by the SigV4 (control plane, STS) and SigV4-X509 (CreateSession) checks.
struct ParsedAuthorization {
    var algorithm: String
    var serial: String
    var scope: [String]
    var signedHeaderList: String
    var signedHeaders: Set<String>
    var signature: String

    init?(_ header: String) {
        guard let space = header.firstIndex(of: " ") else { return nil }
        algorithm = String(header[..<space])
        var fields: [String: String] = [:]
        for part in header[header.index(after: space)...].split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            fields[pair[0].filter { $0 != " " }] = String(pair[1])
        }
        guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"] else { return nil }
        let credentialParts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard credentialParts.count == 5 else { return nil }
        serial = credentialParts[0]
        scope = Array(credentialParts[1...])
        signedHeaderList = signed
        signedHeaders = Set(signed.split(separator: ";").map(String.init))
        self.signature = signature
    }
}
