import Foundation
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// Header signing and presigned URLs compared with botocore's own signer at the same instant.
@Suite struct BotocoreCrossCheckTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var url: String
        var headers: [[String]] = []
        var body: String = ""
        var token: String? = nil
        var service: String = "sts"
        var testDescription: String { name }
    }

    static let headerCases: [Case] = [
        Case(name: "sts form post", method: "POST", url: "https://sts.us-east-1.amazonaws.com/",
             headers: [["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"]],
             body: "Action=GetCallerIdentity&Version=2011-06-15"),
        Case(name: "session token", method: "POST", url: "https://sts.eu-west-1.amazonaws.com/",
             headers: [["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"]],
             body: "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo", token: "FwoGZXIvYXdzE/token+value=="),
        Case(name: "encoded query and path", method: "GET", url: "https://rolesanywhere.us-east-2.amazonaws.com/trustanchors?maxResults=5&nextToken=a%2Fb%2Bc%3D",
             service: "rolesanywhere"),
        Case(name: "json body with spaces in header", method: "POST", url: "https://rolesanywhere.us-east-1.amazonaws.com/profiles",
             headers: [["Content-Type", "application/json"], ["X-Custom", "  a   b  "]], body: "{\"name\":\"demo\"}", service: "rolesanywhere"),
        Case(name: "port in host", method: "GET", url: "http://127.0.0.1:8443/latest?b=2&a=1&a=0", service: "rolesanywhere"),
        // Canonicalization in one pass: repeated names in any case, white space of every ASCII
        // kind in values, names that sort differently by case, dot segments and double slashes.
        Case(name: "repeated mixed-case headers and white space", method: "POST", url: "https://rolesanywhere.us-east-1.amazonaws.com/sessions",
             headers: [["X-Amz-Meta-B", "2"], ["x-amz-meta-a", "1"], ["X-AMZ-META-B", " 3 "], ["X-Custom", "a\tb\r\n  c\u{0B}d\u{0C}e\u{1F}f"], ["Content-Type", "application/json"], ["ZZ-Last", "z"], ["aa-first", "\t"]],
             body: "{}", service: "rolesanywhere"),
        Case(name: "dot segments and double slashes", method: "GET", url: "https://rolesanywhere.us-east-1.amazonaws.com/a/./b/../c//d/", service: "rolesanywhere"),
        Case(name: "encoded path characters", method: "GET", url: "https://rolesanywhere.us-east-1.amazonaws.com/x%20y/%C3%A9/~a_b-c.d", service: "rolesanywhere"),
    ]

    static let presignCases: [Case] = [
        Case(name: "presign get caller identity", method: "GET", url: "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"),
        Case(name: "presign with token", method: "GET", url: "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", token: "tok/en+=="),
        Case(name: "presign no query", method: "GET", url: "https://example.amazonaws.com/some/path", service: "execute-api"),
    ]

    static let timestamp = 1_700_000_000

    static func botocore(_ c: Case, mode: String, expires: Int = 900) async throws -> (url: String, headers: [String: String]) {
        var spec: [String: Any] = [
            "mode": mode, "method": c.method, "url": c.url, "headers": c.headers, "body": c.body,
            "accessKey": "AKIAIOSFODNN7EXAMPLE", "secretKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "region": URL(string: c.url)!.host!.split(separator: ".").dropFirst().first.map(String.init) ?? "us-east-1",
            "service": c.service, "timestamp": timestamp, "expires": expires,
        ]
        if let token = c.token { spec["token"] = token }
        let region = Self.region(for: c)
        spec["region"] = region
        let result = try await Subprocess.runAsync(
            [TestEnvironment.python, TestEnvironment.referenceScript("botocore_sigv4.py")],
            stdin: Array(try JSONSerialization.data(withJSONObject: spec))
        )
        #expect(result.status == 0, "botocore reference failed: \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout)) as! [String: Any]
        return (object["url"] as! String, object["headers"] as! [String: String])
    }

    static func region(for c: Case) -> String {
        let host = URL(string: c.url)!.host!
        let parts = host.split(separator: ".")
        if parts.count >= 4, parts[1].contains("-") { return String(parts[1]) }
        return "us-east-1"
    }

    static func signer(_ c: Case) -> SigV4Signer {
        SigV4Signer(
            credentials: SigningCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sessionToken: c.token),
            region: region(for: c),
            service: c.service
        )
    }

    static func request(_ c: Case) -> SigningRequest {
        SigningRequest(method: c.method, url: URL(string: c.url)!, headers: c.headers.map { .init($0[0], $0[1]) }, body: Array(c.body.utf8))
    }

    @Test(arguments: headerCases)
    func headerSigningMatchesBotocore(_ c: Case) async throws {
        let expected = try await Self.botocore(c, mode: "header")
        let signed = Self.signer(c).sign(Self.request(c), at: Date(timeIntervalSince1970: TimeInterval(Self.timestamp)))
        #expect(signed.firstHeader(named: "authorization") == expected.headers["authorization"])
        #expect(signed.firstHeader(named: "x-amz-date") == expected.headers["x-amz-date"])
        #expect(signed.firstHeader(named: "x-amz-security-token") == expected.headers["x-amz-security-token"])
    }

    @Test(arguments: presignCases)
    func presignedURLMatchesBotocore(_ c: Case) async throws {
        let expected = try await Self.botocore(c, mode: "presign", expires: 3600)
        let result = Self.signer(c).presign(Self.request(c), at: Date(timeIntervalSince1970: TimeInterval(Self.timestamp)), expires: 3600)
        let expectedQuery = Self.queryItems(URLComponents(string: expected.url)!.percentEncodedQuery ?? "")
        let actualQuery = Self.queryItems(result.request.query)
        #expect(actualQuery == expectedQuery)
        #expect(actualQuery["X-Amz-Signature"] == result.signature)
    }

    static func queryItems(_ query: String) -> [String: String] {
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = String(parts[0]).removingPercentEncoding!
            let value = parts.count > 1 ? String(parts[1]).removingPercentEncoding! : ""
            items[key] = value
        }
        return items
    }

    @Test func unsignedPayloadAndContentHeader() {
        let signer = SigV4Signer(
            credentials: SigningCredentials(accessKeyId: "AKID", secretAccessKey: "secret"),
            region: "us-east-1", service: "s3",
            options: .init(path: .init(normalize: false), payload: .unsigned, addContentSHA256Header: true)
        )
        let request = SigningRequest(method: "PUT", path: "/bucket//key", headers: [.init("Host", "s3.amazonaws.com")], body: Array("data".utf8))
        let result = signer.signWithDetails(request, at: Date(timeIntervalSince1970: 0))
        let lines = result.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1] == "/bucket//key")
        #expect(lines.last == "UNSIGNED-PAYLOAD")
        #expect(result.request.firstHeader(named: "x-amz-content-sha256") == "UNSIGNED-PAYLOAD")
        #expect(result.authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"))
    }

    @Test func credentialsDescriptionIsRedacted() {
        let credentials = SigningCredentials(accessKeyId: "AKID", secretAccessKey: "very-secret", sessionToken: "token-secret")
        let text = "\(credentials)"
        #expect(!text.contains("very-secret"))
        #expect(!text.contains("token-secret"))
        #expect(text.contains("AKID"))
    }
}
