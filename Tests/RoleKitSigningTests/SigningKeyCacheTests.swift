import Foundation
import RoleKitSigning
import Testing

/// The derived signing key is cached per (date, region, service, secret): a signer whose
/// region, service or credentials change, or that signs on another day, signs exactly as a
/// fresh signer does (a fresh signer derives its key anew; the SigV4 test suite checks those).
@Suite("SigV4 signing-key cache")
struct SigningKeyCacheTests {
    static let request = SigningRequest(method: "GET", path: "/", query: "Action=GetCallerIdentity&Version=2011-06-15", headers: [.init("Host", "sts.amazonaws.com")], body: [])
    static let credentials = SigningCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    static func fresh(_ signer: SigV4Signer, at date: Date) -> String? {
        SigV4Signer(credentials: signer.credentials, region: signer.region, service: signer.service, options: signer.options).sign(request, at: date).firstHeader(named: "Authorization")
    }

    @Test func aChangedScopeNeverUsesTheCachedKey() {
        let day1 = Date(timeIntervalSince1970: 1_704_164_645)
        let day2 = day1.addingTimeInterval(86_400)
        var signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "sts")
        let first = signer.sign(Self.request, at: day1).firstHeader(named: "Authorization")
        #expect(first == Self.fresh(signer, at: day1))
        #expect(signer.sign(Self.request, at: day1).firstHeader(named: "Authorization") == first)  // from the cache
        #expect(signer.sign(Self.request, at: day2).firstHeader(named: "Authorization") == Self.fresh(signer, at: day2))
        signer.region = "eu-west-1"
        #expect(signer.sign(Self.request, at: day2).firstHeader(named: "Authorization") == Self.fresh(signer, at: day2))
        signer.service = "iam"
        #expect(signer.sign(Self.request, at: day2).firstHeader(named: "Authorization") == Self.fresh(signer, at: day2))
        let copy = signer  // copies share the cache
        signer.credentials = SigningCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "another-secret-EXAMPLE-KEY-0000000000000")
        #expect(signer.sign(Self.request, at: day2).firstHeader(named: "Authorization") == Self.fresh(signer, at: day2))
        #expect(copy.sign(Self.request, at: day2).firstHeader(named: "Authorization") == Self.fresh(copy, at: day2))
        #expect(copy.sign(Self.request, at: day2).firstHeader(named: "Authorization") != signer.sign(Self.request, at: day2).firstHeader(named: "Authorization"))
    }
}
