import Foundation
import RoleKitCredentials
import RoleKitTestSupport
import RoleKitTransport
import Testing

/// SSO profile settings checked as botocore checks them, message for message (botocore's text
/// comes from botocore itself, on the same files).
@Suite("SSO profile configuration")
struct SSOProfileConfigurationTests {
    static let cases = ["113-sso-session-section-missing", "114-sso-missing-required-settings", "115-sso-inconsistent-start-url", "116-sso-session-missing-region", "117-sso-legacy-missing-start-url"]

    static func configPath(_ name: String) -> String {
        TestEnvironment.repositoryRoot.appendingPathComponent("Tests/Fixtures/profiles/\(name)/config").path
    }

    @Test(arguments: cases)
    func messagesAreBotocores(_ name: String) async throws {
        let script = "import botocore.session, sys\ntry:\n    botocore.session.Session(profile='dev').get_credentials()\n    print('no error')\nexcept Exception as e:\n    print(type(e).__name__ + ': ' + str(e))"
        let result = try await Subprocess.runAsync(
            [TestEnvironment.python, "-c", script],
            environment: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "AWS_CONFIG_FILE": Self.configPath(name), "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        let expected = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        let shared = try SharedConfiguration.load(configPath: Self.configPath(name), credentialsPath: "/nonexistent", environment: ["HOME": "/nonexistent"])
        let profile = try #require(shared.profiles["dev"])
        let error = #expect(throws: CredentialsError.self) { try SSOProfileConfiguration.resolve(profile, in: shared) }
        #expect(error?.code == .invalidConfiguration)
        #expect("InvalidConfigError: " + (error?.message ?? "") == expected)
    }

    @Test func bothFormsResolve() throws {
        let folder = NSTemporaryDirectory() + "rolekit-sso-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
            [profile session]
            sso_session = my-sso
            sso_account_id = 111122223333
            sso_role_name = ReadOnly
            region = eu-west-1
            [sso-session my-sso]
            sso_start_url = https://d-123.awsapps.com/start
            sso_region = us-east-1
            [profile legacy]
            sso_start_url = https://d-456.awsapps.com/start
            sso_region = eu-central-1
            sso_account_id = 444455556666
            sso_role_name = Admin
            [profile plain]
            region = eu-west-1
            """.write(toFile: folder + "/config", atomically: true, encoding: .utf8)
        let shared = try SharedConfiguration.load(configPath: folder + "/config", credentialsPath: folder + "/none", environment: ["HOME": folder])
        let sessionProfile = try #require(shared.profiles["session"])
        let legacyProfile = try #require(shared.profiles["legacy"])
        let plainProfile = try #require(shared.profiles["plain"])
        let session = try #require(try SSOProfileConfiguration.resolve(sessionProfile, in: shared))
        #expect(session == SSOProfileConfiguration(profile: "session", sessionName: "my-sso", startUrl: "https://d-123.awsapps.com/start", region: "us-east-1", accountId: "111122223333", roleName: "ReadOnly"))
        let legacy = try #require(try SSOProfileConfiguration.resolve(legacyProfile, in: shared))
        #expect(legacy.sessionName == nil && legacy.region == "eu-central-1" && legacy.accountId == "444455556666")
        #expect(try SSOProfileConfiguration.resolve(plainProfile, in: shared) == nil)
    }
}
