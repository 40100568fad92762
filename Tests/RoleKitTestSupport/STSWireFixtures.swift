import RoleKitSigning
import RoleKitTesting

/// STS answers as the service writes them and a form decoder, for tests that script an STS
/// endpoint (the STS client's wire tests, the assume-role provider's refresh tests).
public enum STSWireFixtures {
    public static let credentials = SigningCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "session-token-value")

    public static func assumeRoleResponse(expiration: String = "2030-01-02T03:04:05Z", keyId: String = "ASIAWIRETEST00000001") -> ScriptedHTTPServer.Action {
        .respond(status: 200, headers: [("Content-Type", "text/xml")], body: """
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleResult>
                <SourceIdentity>alice</SourceIdentity>
                <AssumedRoleUser>
                  <Arn>arn:aws:sts::123456789012:assumed-role/demo/session-1</Arn>
                  <AssumedRoleId>AROA3XFRBF535PLBIFPI4:session-1</AssumedRoleId>
                </AssumedRoleUser>
                <Credentials>
                  <AccessKeyId>\(keyId)</AccessKeyId>
                  <SecretAccessKey>secret/with+chars</SecretAccessKey>
                  <SessionToken>token&amp;more</SessionToken>
                  <Expiration>\(expiration)</Expiration>
                </Credentials>
                <PackedPolicySize>6</PackedPolicySize>
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
            </AssumeRoleResponse>
            """)
    }

    public static func errorResponse(_ status: Int, _ code: String, _ message: String = "injected") -> ScriptedHTTPServer.Action {
        .respond(status: status, headers: [("Content-Type", "text/xml")], body: """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Error><Type>Sender</Type><Code>\(code)</Code><Message>\(message)</Message></Error>
              <RequestId>req-\(code)</RequestId>
            </ErrorResponse>
            """)
    }

    /// Decodes an `application/x-www-form-urlencoded` body.
    public static func form(_ body: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(decoding: URIEncoding.decode(parts[0]), as: UTF8.self)
            let value = parts.count > 1 ? String(decoding: URIEncoding.decode(parts[1]), as: UTF8.self) : ""
            result[name] = value
        }
        return result
    }
}
