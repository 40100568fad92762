import Crypto
import Foundation
import RoleKitSigning
import Testing

/// Derived signing keys are cached process-wide per (date, region, service, secret). Whatever
/// the cache holds, every signature must be the HMAC of its string to sign under the key
/// derived anew for that exact scope (`signingKey(dateStamp:)` never uses the cache).
@Suite("SigV4 signing-key cache")
struct SigningKeyCacheTests {
    static let request = SigningRequest(method: "GET", path: "/", query: "Action=GetCallerIdentity&Version=2011-06-15", headers: [.init("Host", "sts.amazonaws.com")], body: [])

    /// Signs, then checks the signature against a key derived without the cache.
    static func signsWithItsOwnKey(_ signer: SigV4Signer, at date: Date, dateStamp: String) -> Bool {
        let result = signer.signWithDetails(request, at: date)
        let expected = HMAC<SHA256>.authenticationCode(for: Array(result.stringToSign.utf8), using: signer.signingKey(dateStamp: dateStamp))
        return result.signature == expected.map { String(format: "%02x", $0) }.joined()
    }

    @Test func aChangedScopeNeverUsesAnotherScopesKey() {
        let day1 = Date(timeIntervalSince1970: 1_704_164_645)  // 20240102
        let day2 = day1.addingTimeInterval(86_400)
        var signer = SigV4Signer(credentials: SigningCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), region: "us-east-1", service: "sts")
        #expect(Self.signsWithItsOwnKey(signer, at: day1, dateStamp: "20240102"))
        #expect(Self.signsWithItsOwnKey(signer, at: day1, dateStamp: "20240102"))  // from the cache
        #expect(Self.signsWithItsOwnKey(signer, at: day2, dateStamp: "20240103"))
        signer.region = "eu-west-1"
        #expect(Self.signsWithItsOwnKey(signer, at: day2, dateStamp: "20240103"))
        signer.service = "iam"
        #expect(Self.signsWithItsOwnKey(signer, at: day2, dateStamp: "20240103"))
        let before = signer
        signer.credentials = SigningCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "another-secret-EXAMPLE-KEY-0000000000000")
        #expect(Self.signsWithItsOwnKey(signer, at: day2, dateStamp: "20240103"))
        #expect(Self.signsWithItsOwnKey(before, at: day2, dateStamp: "20240103"))
        // More scopes than the cache holds: the oldest drop out and are derived again.
        for index in 0..<20 {
            var other = signer
            other.region = "region-\(index)"
            #expect(Self.signsWithItsOwnKey(other, at: day1, dateStamp: "20240102"))
        }
        #expect(Self.signsWithItsOwnKey(before, at: day1, dateStamp: "20240102"))
    }
}
