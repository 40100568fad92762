import Foundation
import RoleKitCredentials
import RoleKitSigning
import RoleKitTestSupport
import Testing

/// `~/.aws/sso/cache` against botocore's own `SSOTokenLoader` (which the AWS CLI and boto3 use):
/// botocore reads what RoleKit wrote, RoleKit reads what botocore wrote, file names as botocore
/// computes them.
@Suite("SSO token cache")
struct SSOTokenCacheTests {
    static func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "rolekit-sso-cache-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs Python with botocore's loader over `folder`; `script` sees `loader` and `sys.argv`.
    static func botocore(_ folder: String, _ script: String, _ arguments: [String] = []) async throws -> Subprocess.Result {
        let prelude = "import json, sys\nfrom botocore.utils import SSOTokenLoader, JSONFileCache\nloader = SSOTokenLoader(cache=JSONFileCache(sys.argv[1]))\n"
        return try await Subprocess.runAsync([TestEnvironment.python, "-c", prelude + script, folder] + arguments, environment: ["PATH": "/usr/bin:/bin", "HOME": folder])
    }

    @Test func fileNamesAreBotocores() async throws {
        let script = "import hashlib, sys\nfor name in sys.argv[1:]: print(hashlib.sha1(name.encode('utf-8')).hexdigest() + '.json')"
        let names = ["my-sso", "https://d-123.awsapps.com/start", "sessión ✓", ""]
        let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", script] + names)
        #expect(result.status == 0, "\(result.stderr)")
        let expected = result.stdoutText.split(separator: "\n").map(String.init)
        #expect(expected.count == names.count)
        #expect(names.map { SSOTokenCache.fileName(sessionName: $0, startUrl: "ignored") } == expected)
        #expect(SSOTokenCache.fileName(sessionName: nil, startUrl: names[1]) == expected[1])
    }

    @Test func botocoreReadsWhatRoleKitWrote() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = SSOTokenCache(directory: folder)
        let expires = Date(timeIntervalSince1970: 2_000_000_000)
        let token = SSOToken(
            accessToken: "access-token-EXAMPLE", expiresAt: expires, startUrl: "https://d-123.awsapps.com/start", region: "eu-west-1",
            refreshToken: "refresh-token-EXAMPLE", clientId: "client-EXAMPLE", clientSecret: "client-secret-EXAMPLE", registrationExpiresAt: expires
        )
        try cache.store(token, sessionName: "my-sso", startUrl: "https://d-123.awsapps.com/start")
        let path = cache.path(sessionName: "my-sso", startUrl: "https://d-123.awsapps.com/start")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let result = try await Self.botocore(folder, "t = loader('https://d-123.awsapps.com/start', session_name='my-sso')\nprint(json.dumps(t, sort_keys=True, default=str))")
        #expect(result.status == 0, "\(result.stderr)")
        let loaded = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: String] ?? [:]
        #expect(loaded["accessToken"] == "access-token-EXAMPLE")
        #expect(loaded["expiresAt"] == "2033-05-18T03:33:20Z")
        #expect(loaded["refreshToken"] == "refresh-token-EXAMPLE")
        #expect(loaded["clientId"] == "client-EXAMPLE" && loaded["clientSecret"] == "client-secret-EXAMPLE")
        #expect(loaded["registrationExpiresAt"] == "2033-05-18T03:33:20Z")
        #expect(loaded["startUrl"] == "https://d-123.awsapps.com/start" && loaded["region"] == "eu-west-1")
    }

    @Test func roleKitReadsWhatBotocoreWrote() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let save = """
            loader.save_token('https://d-9.awsapps.com/start', {'startUrl': 'https://d-9.awsapps.com/start', 'region': 'us-east-2', 'accessToken': 'botocore-token-EXAMPLE', 'expiresAt': '2031-02-03T04:05:06Z', 'clientId': 'cid', 'clientSecret': 'csecret', 'registrationExpiresAt': '2031-03-01T00:00:00Z', 'refreshToken': 'rtok'}, session_name=sys.argv[2])
            loader.save_token('https://legacy.awsapps.com/start', {'accessToken': 'legacy-token-EXAMPLE', 'expiresAt': '2030-01-01T00:00:00+00:00'})
            """
        let result = try await Self.botocore(folder, save, ["dev-session"])
        #expect(result.status == 0, "\(result.stderr)")
        let cache = SSOTokenCache(directory: folder)
        let token = try #require(try cache.token(sessionName: "dev-session", startUrl: "https://d-9.awsapps.com/start"))
        #expect(token.accessToken == "botocore-token-EXAMPLE")
        #expect(token.expiresAt == ISO8601Timestamp.parse("2031-02-03T04:05:06Z"))
        #expect(token.region == "us-east-2" && token.refreshToken == "rtok" && token.clientId == "cid")
        #expect(token.canRefresh(at: Date(timeIntervalSince1970: 1_900_000_000)))
        #expect(!token.description.contains("botocore-token-EXAMPLE") && !token.description.contains("rtok"))
        // The legacy form: keyed by the start URL, a +00:00 offset, nothing to refresh with.
        let legacy = try #require(try cache.token(sessionName: nil, startUrl: "https://legacy.awsapps.com/start"))
        #expect(legacy.accessToken == "legacy-token-EXAMPLE")
        #expect(legacy.expiresAt == ISO8601Timestamp.parse("2030-01-01T00:00:00Z"))
        #expect(!legacy.canRefresh(at: Date(timeIntervalSince1970: 1_800_000_000)))
        #expect(try cache.token(sessionName: "absent", startUrl: "https://x") == nil)
    }

    @Test func hostileFilesAreRefused() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = SSOTokenCache(directory: folder)
        let path = cache.path(sessionName: "s", startUrl: "u")
        // No accessToken: botocore's "Token for … is invalid".
        FileManager.default.createFile(atPath: path, contents: Data(#"{"expiresAt": "2031-01-01T00:00:00Z"}"#.utf8), attributes: [.posixPermissions: 0o600])
        let error = #expect(throws: CredentialsError.self) { try cache.token(sessionName: "s", startUrl: "u") }
        #expect(error?.code == .ssoTokenNotFound)
        // A control character in the token, a bad time, not JSON: invalid, never used.
        for body in [#"{"accessToken": "a\u0000b", "expiresAt": "2031-01-01T00:00:00Z"}"#, #"{"accessToken": "a", "expiresAt": "soon"}"#, "not json"] {
            try Data(body.utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: CredentialsError.self) { try cache.token(sessionName: "s", startUrl: "u") }
        }
        // A symbolic link or a group-readable file is refused as absent (a planted file).
        try FileManager.default.removeItem(atPath: path)
        let elsewhere = folder + "/elsewhere.json"
        FileManager.default.createFile(atPath: elsewhere, contents: Data(#"{"accessToken": "planted", "expiresAt": "2031-01-01T00:00:00Z"}"#.utf8), attributes: [.posixPermissions: 0o600])
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: elsewhere)
        #expect(try cache.token(sessionName: "s", startUrl: "u") == nil)
        try FileManager.default.removeItem(atPath: path)
        FileManager.default.createFile(atPath: path, contents: Data(#"{"accessToken": "loose", "expiresAt": "2031-01-01T00:00:00Z"}"#.utf8), attributes: [.posixPermissions: 0o644])
        #expect(try cache.token(sessionName: "s", startUrl: "u") == nil)
    }
}
