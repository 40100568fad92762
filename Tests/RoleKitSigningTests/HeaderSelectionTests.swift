import Foundation
import RoleKitSigning
import Testing

/// The signers pick headers without hashing or lowercased copies; these checks hold those fast
/// paths to the plain definitions (the set of unsigned names, case-insensitive equality).
@Suite("Header selection fast paths")
struct HeaderSelectionTests {
    static let names = [
        "authorization", "user-agent", "x-amzn-trace-id", "expect", "transfer-encoding",
        "host", "content-type", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "x-amz-x509", "x-amz-x509-chain",
        "", "a", "x", "expecT", "user_agent", "authorizatio", "authorizationn", "x-amzn-trace-ie", "x-amz-target",
        "K-Amz-Date", "\u{212A}ey", "\u{0130}nfo", "Ä-header", "x-amz-datE", "X-AMZ-SECURITY-TOKEN", "AUTHORIZATION",
    ]

    @Test func unsignedHeadersMatchTheSet() {
        for name in Self.names {
            let lower = name.lowercased()
            #expect(SigV4Signer.isUnsignedHeader(lower) == SigV4Signer.unsignedHeaders.contains(lower), "\(name)")
        }
    }

    @Test func headersTheSignerReplacesAreFoundInAnyCase() {
        let replaced: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token"]
        for name in Self.names {
            let request = SigningRequest(method: "GET", path: "/", headers: [.init(name, "v")])
            let expected = replaced.contains(name.lowercased())
            #expect(request.headers(without: ["authorization", "x-amz-date", "x-amz-security-token"], reservingExtra: 0).isEmpty == expected, "\(name)")
            #expect(request.headers(without: ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"], reservingExtra: 0).isEmpty == (expected || name.lowercased() == "x-amz-content-sha256"), "\(name)")
        }
    }

    /// Headers given in any case are replaced, not doubled, and the rest keep their order.
    @Test func signingReplacesItsOwnHeadersWhateverTheirCase() {
        let request = SigningRequest(method: "GET", path: "/", headers: [
            .init("AUTHORIZATION", "old"), .init("Host", "sts.amazonaws.com"), .init("x-AMZ-date", "old"),
            .init("X-Amz-Security-Token", "old"), .init("Accept", "*/*"),
        ])
        let signer = SigV4Signer(credentials: SigningCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret-EXAMPLE", sessionToken: "token-EXAMPLE"), region: "us-east-1", service: "sts")
        let signed = signer.sign(request, at: Date(timeIntervalSince1970: 1_704_164_645))
        #expect(signed.headers.map(\.name) == ["Host", "Accept", "X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(signed.firstHeader(named: "x-amz-date") == "20240102T030405Z")
        #expect(signed.firstHeader(named: "x-amz-security-token") == "token-EXAMPLE")
    }
}
