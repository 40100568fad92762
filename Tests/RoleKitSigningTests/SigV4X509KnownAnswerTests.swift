import Foundation
import RoleKitIdentity
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
import Testing
import X509

/// SigV4-X509 with a frozen clock, checked against `scripts/reference/sigv4_x509.py` (Python
/// standard library + `openssl dgst -sha256 -sign`). RSA PKCS#1 v1.5 is deterministic, so the
/// whole Authorization header must match; ECDSA signatures are verified with openssl.
@Suite struct SigV4X509KnownAnswerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var leaf: String
        var key: String
        var chain: String?
        var region = "us-east-1"
        var host = "rolesanywhere.us-east-1.amazonaws.com"
        var query = ""
        var testDescription: String { "\(leaf) + \(key)" + (chain.map { " + \($0)" } ?? "") }
    }

    static let frozen = Date(timeIntervalSince1970: 1_704_164_645)  // 2024-01-02T03:04:05Z
    static let body = Array(#"{"durationSeconds":3600,"profileArn":"arn:aws:rolesanywhere:us-east-1:123456789012:profile/3d203fc0-7bba-4ec1-a6ef-697504ce1c72","roleArn":"arn:aws:iam::123456789012:role/demo","trustAnchorArn":"arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/29efd0b1-1b66-4df4-8ae7-e935716efd8e"}"#.utf8)

    static let rsaCases: [Case] = [
        Case(leaf: "rsa2048.pem", key: "rsa2048.pkcs1.key"),
        Case(leaf: "rsa2048.pem", key: "rsa2048.pkcs8.key", chain: "intermediates.pem"),
        Case(leaf: "rsa3072.pem", key: "rsa3072.pkcs8.key", chain: "chain-2.pem", region: "eu-west-2", host: "rolesanywhere.eu-west-2.amazonaws.com"),
        Case(leaf: "rsa4096.pem", key: "rsa4096.pkcs1.key", host: "127.0.0.1:8443", query: "profileArn=arn%3Aaws%3Arolesanywhere%3Aus-east-1%3A123456789012%3Aprofile%2Fx&roleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"),
    ]

    static let ecCases: [Case] = [
        Case(leaf: "p256.pem", key: "p256.sec1.key"),
        Case(leaf: "p256.pem", key: "p256.pkcs8.key", chain: "chain-with-comments.pem"),
        Case(leaf: "p384.pem", key: "p384.pkcs8.key", chain: "intermediates.pem", region: "ap-southeast-2", host: "rolesanywhere.ap-southeast-2.amazonaws.com"),
        Case(leaf: "p384.pem", key: "p384.sec1.key"),
    ]

    static func sign(_ c: Case) throws -> SigningResult {
        let pki = TestPKI.shared
        let identity = try SigningIdentity.load(certificate: pki.path(c.leaf), privateKey: pki.path(c.key), intermediates: c.chain.map(pki.path))
        let request = SigningRequest(
            method: "POST", path: "/sessions", query: c.query,
            headers: [.init("Host", c.host), .init("Content-Type", "application/json")],
            body: body
        )
        return try identity.signer(region: c.region).signWithDetails(request, at: frozen)
    }

    static func reference(_ c: Case) async throws -> ReferenceSigner.Signature {
        let pki = TestPKI.shared
        return try await ReferenceSigner.sign(
            certificate: pki.path(c.leaf), key: pki.path(c.key), chain: c.chain.map(pki.path),
            date: "20240102T030405Z", region: c.region, host: c.host, body: body, query: c.query
        )
    }

    @Test(arguments: rsaCases)
    func rsaAuthorizationIsExact(_ c: Case) async throws {
        let ours = try Self.sign(c)
        let expected = try await Self.reference(c)
        #expect(expected.algorithm == "AWS4-X509-RSA-SHA256")
        #expect(ours.canonicalRequest == expected.canonicalRequest)
        #expect(ours.stringToSign == expected.stringToSign)
        #expect(ours.authorization == expected.authorization)
        #expect(ours.request.firstHeader(named: "authorization") == expected.authorization)
        #expect(ours.request.firstHeader(named: "x-amz-x509") == expected.x509)
        #expect(ours.request.firstHeader(named: "x-amz-x509-chain") == expected.x509Chain)
        #expect(ours.request.firstHeader(named: "x-amz-date") == "20240102T030405Z")
    }

    @Test(arguments: ecCases)
    func ecdsaSignatureVerifiesWithOpenSSL(_ c: Case) async throws {
        let ours = try Self.sign(c)
        let expected = try await Self.reference(c)
        #expect(expected.algorithm == "AWS4-X509-ECDSA-SHA256")
        #expect(ours.canonicalRequest == expected.canonicalRequest)
        #expect(ours.stringToSign == expected.stringToSign)
        // Everything but the (randomized) signature is fixed.
        let prefix = expected.authorization.components(separatedBy: "Signature=")[0]
        #expect(ours.authorization.hasPrefix(prefix))
        #expect(ours.request.firstHeader(named: "x-amz-x509") == expected.x509)
        #expect(ours.request.firstHeader(named: "x-amz-x509-chain") == expected.x509Chain)
        #expect(ours.signature == ours.signature.lowercased())
        #expect(try await ReferenceSigner.verify(certificate: TestPKI.shared.path(c.leaf), message: Array(ours.stringToSign.utf8), signatureHex: ours.signature))
        // A flipped bit must fail verification: the check above can fail.
        var tampered = Array(ours.signature)
        tampered[tampered.count - 3] = tampered[tampered.count - 3] == "0" ? "1" : "0"
        #expect(try await !ReferenceSigner.verify(certificate: TestPKI.shared.path(c.leaf), message: Array(ours.stringToSign.utf8), signatureHex: String(tampered)))
    }

    @Test func signedHeaderSetIsExactlyTheX509Set() throws {
        let pki = TestPKI.shared
        let identity = try SigningIdentity.load(certificate: pki.path("p256.pem"), privateKey: pki.path("p256.pkcs8.key"))
        let request = SigningRequest(
            method: "POST", path: "/sessions",
            headers: [.init("Host", "h"), .init("Content-Type", "application/json"), .init("User-Agent", "x"), .init("X-Extra", "y")]
        )
        let result = try identity.signer(region: "us-east-1").signWithDetails(request, at: Self.frozen)
        #expect(result.authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-x509, "))
        #expect(result.authorization.contains("/20240102/us-east-1/rolesanywhere/aws4_request, "))
        #expect(result.request.firstHeader(named: "x-amz-x509-chain") == nil)
    }
}

/// The decimal serial in `Credential=` and `read-certificate-data`.
@Suite struct DecimalSerialTests {
    @Test(arguments: ["rsa2048.pem", "rsa3072.pem", "rsa4096.pem", "p256.pem", "p384.pem", "serial-high-bit.pem", "serial-20-byte.pem", "serial-small.pem", "serial-inner-zeros.pem", "serial-leading-zero-nibble.pem"])
    func matchesOpenSSLAndPython(_ file: String) throws {
        let pki = TestPKI.shared
        let expected = try #require(pki.serials[file], "serials.txt lists \(file)")
        let certificate = try SigningIdentity.loadCertificates(path: pki.path(file))[0]
        #expect(certificate.serialNumber.decimalString == expected)
    }

    @Test func knownValues() {
        #expect(DecimalSerial.decimal(fromBigEndian: []) == "0")
        #expect(DecimalSerial.decimal(fromBigEndian: [0, 0]) == "0")
        #expect(DecimalSerial.decimal(fromBigEndian: [1, 0]) == "256")
        #expect(DecimalSerial.decimal(fromBigEndian: [0x3b, 0x9a, 0xca, 0x00]) == "1000000000")
        #expect(DecimalSerial.decimal(fromBigEndian: [0x3b, 0x9a, 0xc9, 0xff]) == "999999999")
        // 2^160 - 1, the largest 20-byte serial.
        #expect(DecimalSerial.decimal(fromBigEndian: [UInt8](repeating: 0xff, count: 20)) == "1461501637330902918203684832716283019655932542975")
        // 2^64 exactly.
        #expect(DecimalSerial.decimal(fromBigEndian: [1, 0, 0, 0, 0, 0, 0, 0, 0]) == "18446744073709551616")
    }
}
