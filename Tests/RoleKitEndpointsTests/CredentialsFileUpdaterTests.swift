import Foundation
@testable import RoleKitEndpoints
import RoleKitCredentials
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// How `update` rewrites one profile and leaves the rest of the file alone; the results are also
/// read back with botocore's own parser.
@Suite("Credentials file updater")
struct CredentialsFileUpdaterTests {
    static let values = [("aws_access_key_id", "ASIANEW"), ("aws_secret_access_key", "new-secret"), ("aws_session_token", "new-token")]

    @Test func replacesOwnedKeysInPlaceAndKeepsEverythingElse() {
        let before = """
            # top comment
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = default-secret

            [ra]
            ; about ra
            region = eu-west-1
            aws_access_key_id = ASIAOLD
            aws_secret_access_key = old-secret
            aws_session_token = old-token
              continued-token-line
            aws_security_token = stale
            output = json

            [rax]
            aws_access_key_id = AKIAPREFIX

            """
        let after = CredentialsFileUpdater.replacing(profile: "ra", in: before, with: Self.values)
        #expect(after == """
            # top comment
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = default-secret

            [ra]
            ; about ra
            region = eu-west-1
            aws_access_key_id = ASIANEW
            aws_secret_access_key = new-secret
            aws_session_token = new-token
            output = json

            [rax]
            aws_access_key_id = AKIAPREFIX

            """)
    }

    @Test func appendsAMissingSectionAndEditsOnlyTheFirstOfDuplicates() {
        #expect(CredentialsFileUpdater.replacing(profile: "new", in: "", with: Self.values) == "[new]\naws_access_key_id = ASIANEW\naws_secret_access_key = new-secret\naws_session_token = new-token\n")
        #expect(CredentialsFileUpdater.replacing(profile: "new", in: "[a]\nx = 1", with: [("aws_access_key_id", "K")]) == "[a]\nx = 1\n\n[new]\naws_access_key_id = K\n")
        let duplicated = "[p]\naws_access_key_id = ONE\n[p]\naws_access_key_id = TWO\n"
        #expect(CredentialsFileUpdater.replacing(profile: "p", in: duplicated, with: [("aws_access_key_id", "NEW")]) == "[p]\naws_access_key_id = NEW\n[p]\naws_access_key_id = TWO\n")
        // A section without the keys gets them after its last setting, before trailing comments.
        #expect(CredentialsFileUpdater.replacing(profile: "p", in: "[p]\nregion = x\n# end\n", with: [("aws_access_key_id", "K")]) == "[p]\nregion = x\naws_access_key_id = K\n# end\n")
        // Fewer keys than before: a stale session token goes.
        #expect(CredentialsFileUpdater.replacing(profile: "p", in: "[p]\naws_access_key_id = A\naws_secret_access_key = B\naws_session_token = C\n", with: [("aws_access_key_id", "K"), ("aws_secret_access_key", "S")]) == "[p]\naws_access_key_id = K\naws_secret_access_key = S\n")
    }

    @Test func keepsCRLFLineEndings() {
        let after = CredentialsFileUpdater.replacing(profile: "p", in: "[a]\r\nx = 1\r\n[p]\r\naws_access_key_id = OLD\r\n", with: [("aws_access_key_id", "NEW")])
        #expect(after == "[a]\r\nx = 1\r\n[p]\r\naws_access_key_id = NEW\r\n")
    }

    @Test func writtenFilesParseWithBotocore() async throws {
        let directory = NSTemporaryDirectory() + "rolekit-updater-\(UUID().uuidString)/nested"
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        let updater = CredentialsFileUpdater(profile: "ra", path: directory + "/credentials")
        try await updater.write(Credentials(accessKeyId: "ASIAWRITTEN00000001", secretAccessKey: "s3cret=with/chars", sessionToken: "tok", expiration: Date(timeIntervalSince1970: 2_000_000_000)))
        try await CredentialsFileUpdater(profile: "other", path: directory + "/credentials").write(Credentials(accessKeyId: "AKIAOTHER0000000001", secretAccessKey: "o"))
        let script = "import sys, botocore.configloader as c; p = c.raw_config_parse(sys.argv[1]); print(p['ra']['aws_access_key_id'], p['ra']['aws_secret_access_key'], p['other']['aws_access_key_id'])"
        let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", script, directory + "/credentials"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "ASIAWRITTEN00000001 s3cret=with/chars AKIAOTHER0000000001\n")
        #expect(try FileManager.default.attributesOfItem(atPath: directory + "/credentials")[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int == 0o700)
    }
}
