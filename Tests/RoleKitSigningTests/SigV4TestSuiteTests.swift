import Foundation
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// Every vector of AWS's SigV4 test suite, read from `../shared/reference/sigv4-testsuite`.
@Suite struct SigV4TestSuiteTests {
    static let credentials = SigningCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    /// Folders that hold a `.req` file, relative to the suite root.
    static let vectors: [String] = {
        let root = TestEnvironment.sigV4TestSuite
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var names: [String] = []
        for case let url as URL in enumerator where url.pathExtension == "req" {
            names.append(url.deletingLastPathComponent().path.replacingOccurrences(of: root.path + "/", with: ""))
        }
        return names.sorted()
    }()

    @Test func suiteIsPresentAndComplete() {
        // 34 vectors: 24 top-level, 8 normalize-path, 2 post-sts-token.
        #expect(Self.vectors.count == 34, "found \(Self.vectors.count) vectors under \(TestEnvironment.sigV4TestSuite.path)")
        #expect(Self.vectors.contains("normalize-path/get-slashes"))
        #expect(Self.vectors.contains("post-sts-token/post-sts-header-after"))
    }

    @Test(arguments: vectors)
    func vector(_ name: String) throws {
        let folder = TestEnvironment.sigV4TestSuite.appendingPathComponent(name)
        let base = folder.lastPathComponent
        func file(_ ext: String) throws -> String {
            try String(contentsOf: folder.appendingPathComponent("\(base).\(ext)"), encoding: .utf8)
        }
        let request = try RawHTTPRequest.parse(try file("req"))
        let signedReference = try RawHTTPRequest.parse(try file("sreq"))

        // The session-token vectors: the token is in the signed request; the vector's
        // SignedHeaders says whether it is signed or appended after signing.
        var credentials = Self.credentials
        var options = SigV4Signer.Options()
        let authorization = try file("authz")
        if let token = signedReference.value(of: "x-amz-security-token") {
            credentials.sessionToken = token
            options.sessionToken = authorization.contains("x-amz-security-token") ? .signed : .appendedAfterSigning
        }
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service", options: options)
        let result = signer.signWithDetails(request.signingRequest, at: Self.date)

        #expect(result.canonicalRequest == (try file("creq")))
        #expect(result.stringToSign == (try file("sts")))
        #expect(result.authorization == authorization)
        #expect(result.request.firstHeader(named: "authorization") == authorization)
        // The signed request carries exactly the other headers of the suite's signed request
        // (its Authorization line is not used: in get-vanilla-with-session-token it belongs to
        // another vector).
        let expectedHeaders = Set(signedReference.headers.filter { $0.name.lowercased() != "authorization" }.map { "\($0.name.lowercased()):\(CanonicalRequest.canonicalHeaderValue($0.value))" })
        let actualHeaders = Set(result.request.headers.filter { $0.name.lowercased() != "authorization" }.map { "\($0.name.lowercased()):\(CanonicalRequest.canonicalHeaderValue($0.value))" })
        #expect(actualHeaders == expectedHeaders)
    }
}

/// A request in the test suite's `.req` format: request line, `Name:value` headers (indented
/// lines continue the previous value), a blank line, then the body.
struct RawHTTPRequest {
    var method: String
    var target: String
    var headers: [SigningRequest.Header]
    var body: [UInt8]

    static func parse(_ text: String) throws -> RawHTTPRequest {
        var lines = text.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        // The target may contain spaces (`GET /example space/ HTTP/1.1`).
        guard let firstSpace = requestLine.firstIndex(of: " "), let lastSpace = requestLine.range(of: " HTTP/", options: .backwards) else {
            throw ParseError(line: requestLine)
        }
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace.lowerBound])
        var headers: [SigningRequest.Header] = []
        var bodyLines: [String] = []
        var inBody = false
        for line in lines {
            if inBody { bodyLines.append(line); continue }
            if line.isEmpty { inBody = true; continue }
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw ParseError(line: line) }
            headers.append(.init(String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        return RawHTTPRequest(method: method, target: target, headers: headers, body: Array(bodyLines.joined(separator: "\n").utf8))
    }

    func value(of name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }

    var signingRequest: SigningRequest {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return SigningRequest(
            method: method,
            path: String(parts[0]),
            query: parts.count > 1 ? String(parts[1]) : "",
            headers: headers,
            body: body
        )
    }

    struct ParseError: Error { var line: String }
}
