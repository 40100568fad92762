import Foundation
import RoleKitCredentials
import RoleKitServices
import RoleKitTesting
import RoleKitTestSupport
import RoleKitTransport
import Testing

/// `rolekit sso` and SSO profiles end to end against the emulator's IAM Identity Center, with
/// botocore's own SSO code and the AWS CLI as the peers.
@Suite("IAM Identity Center: login, exec and botocore", .serialized)
struct SSOCLITests {
    /// A private HOME with an sso-session profile `dev`, a legacy profile `legacy`, a chained
    /// profile `chained` sourcing `dev`, and a `$BROWSER` that follows the authorize redirect.
    struct Workspace {
        let root: String
        let environment: [String: String]
        var home: String { root + "/home" }
        var tokenFile: String { home + "/.aws/sso/cache/" + SSOTokenCache.fileName(sessionName: "corp", startUrl: SSOCLITests.startUrl) }
        var roleCache: String { home + "/.aws/cli/cache" }
    }

    static let startUrl = "https://d-0000000000.awsapps.com/start"

    static func workspace(_ fixture: EmulatorFixture) throws -> Workspace {
        let root = NSTemporaryDirectory() + "rolekit-sso-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/home", withIntermediateDirectories: true)
        let config = """
            [profile dev]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = ReadOnly
            region = us-east-1

            [profile legacy]
            sso_start_url = \(startUrl)
            sso_region = us-east-1
            sso_account_id = 210987654321
            sso_role_name = Developer
            region = us-east-1

            [profile chained]
            source_profile = dev
            role_arn = arn:aws:iam::123456789012:role/Deployer
            role_session_name = from-sso
            region = us-east-1

            [sso-session corp]
            sso_start_url = \(startUrl)
            sso_region = us-east-1
            sso_registration_scopes = sso:account:access

            """
        try config.write(toFile: root + "/config", atomically: true, encoding: .utf8)
        let browser = root + "/browser"
        try "#!/bin/sh\nexec '\(TestEnvironment.python)' '\(TestEnvironment.referenceScript("botocore_sso.py"))' browse \"$1\"\n".write(toFile: browser, atomically: true, encoding: .utf8)
        chmod(browser, 0o755)
        let endpoint = fixture.endpoint.absoluteString
        return Workspace(root: root, environment: [
            "PATH": "/usr/bin:/bin", "HOME": root + "/home", "AWS_CONFIG_FILE": root + "/config", "AWS_SHARED_CREDENTIALS_FILE": root + "/credentials",
            "AWS_ENDPOINT_URL_SSO": endpoint, "AWS_ENDPOINT_URL_SSO_OIDC": endpoint, "AWS_ENDPOINT_URL_STS": endpoint, "AWS_EC2_METADATA_DISABLED": "true",
            "BROWSER": browser, "PYTHONUTF8": "1",
        ])
    }

    static func withWorkspace(_ body: (EmulatorFixture, Workspace) async throws -> Void) async throws {
        let fixture = try await EmulatorFixture()
        let workspace = try workspace(fixture)
        try await withTeardown({ try await body(fixture, workspace) }, teardown: {
            await fixture.stop()
            try? FileManager.default.removeItem(atPath: workspace.root)
        })
    }

    /// The AWS CLI run by `rolekit exec --profile PROFILE`: its GetCallerIdentity Arn.
    static func awsCLIArn(profile: String, _ workspace: Workspace) async throws -> String {
        let result = try await Subprocess.rolekitAsync(
            ["exec", "--profile", profile, "--", TestEnvironment.python, "-m", "awscli", "sts", "get-caller-identity", "--output", "json"], environment: workspace.environment
        )
        #expect(result.status == 0, "exec failed: \(result.stderr)")
        struct Identity: Decodable { var Arn: String }
        return (try? JSONDecoder().decode(Identity.self, from: Data(result.stdout)).Arn) ?? "no identity: \(result.stderr)"
    }

    static func token(_ workspace: Workspace) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: workspace.tokenFile))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    static func botocore(_ arguments: [String], _ workspace: Workspace) async throws -> Subprocess.Result {
        try await Subprocess.runAsync([TestEnvironment.python, TestEnvironment.referenceScript("botocore_sso.py")] + arguments, environment: workspace.environment)
    }

    @Test func pkceLoginThenExecRunsTheAWSCLI() async throws {
        try await Self.withWorkspace { fixture, workspace in
            let login = try await Subprocess.rolekitAsync(["sso", "login", "--profile", "dev"], environment: workspace.environment)
            #expect(login.status == 0, "\(login.stderr)")
            #expect(login.stderr.contains("/authorize?response_type=code&client_id="))
            #expect(login.stderr.contains("code_challenge_method=S256"))
            let token = try Self.token(workspace)
            #expect(token["startUrl"] as? String == Self.startUrl)
            #expect(token["region"] as? String == "us-east-1")
            #expect(token["refreshToken"] is String && token["clientSecret"] is String && token["registrationExpiresAt"] is String)
            #expect((token["expiresAt"] as? String)?.hasSuffix("Z") == true)
            let mode = try FileManager.default.attributesOfItem(atPath: workspace.tokenFile)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try await Self.awsCLIArn(profile: "dev", workspace) == "arn:aws:sts::123456789012:assumed-role/ReadOnly/sso-tester")
            // The role credentials went to the AWS CLI v2's cache, under its key.
            let key = SSORoleCredentialCache.key(for: .init(profile: "dev", sessionName: "corp", startUrl: Self.startUrl, region: "us-east-1", accountId: "123456789012", roleName: "ReadOnly"))
            let cached = try String(contentsOfFile: workspace.roleCache + "/\(key).json", encoding: .utf8)
            #expect(cached.contains("\"ProviderType\": \"sso\""))
        }
    }

    @Test func deviceCodeLoginThenExecRunsTheAWSCLI() async throws {
        try await Self.withWorkspace { fixture, workspace in
            var environment = workspace.environment
            environment["BROWSER"] = nil
            let login = try await Subprocess.rolekitAsync(["sso", "login", "--profile", "legacy", "--no-browser"], environment: environment)
            #expect(login.status == 0, "\(login.stderr)")
            #expect(login.stderr.contains("/device?user_code="))
            #expect(login.stderr.contains("Then confirm the code"))
            // Legacy: the file is named by the start URL, and device-code tokens carry no refresh token here.
            let legacyFile = workspace.home + "/.aws/sso/cache/" + SSOTokenCache.fileName(sessionName: nil, startUrl: Self.startUrl)
            #expect(FileManager.default.fileExists(atPath: legacyFile))
            #expect(try await Self.awsCLIArn(profile: "legacy", workspace) == "arn:aws:sts::210987654321:assumed-role/Developer/sso-tester")
            // The sso-session profile can use the device code too.
            let session = try await Subprocess.rolekitAsync(["sso", "login", "--sso-session", "corp", "--use-device-code", "--no-browser"], environment: environment)
            #expect(session.status == 0, "\(session.stderr)")
            #expect(try await Self.awsCLIArn(profile: "dev", workspace) == "arn:aws:sts::123456789012:assumed-role/ReadOnly/sso-tester")
        }
    }

    @Test func botocoreUsesTheTokenRoleKitWrote() async throws {
        try await Self.withWorkspace { fixture, workspace in
            let login = try await Subprocess.rolekitAsync(["sso", "login", "--profile", "dev"], environment: workspace.environment)
            #expect(login.status == 0, "\(login.stderr)")
            let result = try await Self.botocore(["credentials", "dev"], workspace)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdoutText.contains("\"method\": \"sso\""))
            #expect(result.stdoutText.contains("\"arn\": \"arn:aws:sts::123456789012:assumed-role/ReadOnly/sso-tester\""))
        }
    }

    @Test func roleKitUsesTheTokenBotocoreRefreshedAndTheReverse() async throws {
        try await Self.withWorkspace { fixture, workspace in
            let login = try await Subprocess.rolekitAsync(["sso", "login", "--profile", "dev"], environment: workspace.environment)
            #expect(login.status == 0, "\(login.stderr)")
            let first = try Self.token(workspace)
            // Five minutes left: botocore refreshes through SSO OIDC and writes the file itself.
            #expect(try await Self.botocore(["expire-in", workspace.tokenFile, "300"], workspace).status == 0)
            let refreshedByBotocore = try await Self.botocore(["credentials", "dev"], workspace)
            #expect(refreshedByBotocore.status == 0, "\(refreshedByBotocore.stderr)")
            let second = try Self.token(workspace)
            #expect(second["accessToken"] as? String != first["accessToken"] as? String)
            #expect(second["refreshToken"] as? String != first["refreshToken"] as? String)
            // RoleKit signs in with what botocore wrote (its own role cache emptied first).
            try? FileManager.default.removeItem(atPath: workspace.roleCache)
            #expect(try await Self.awsCLIArn(profile: "dev", workspace) == "arn:aws:sts::123456789012:assumed-role/ReadOnly/sso-tester")
            // The reverse: RoleKit refreshes, botocore uses RoleKit's file without refreshing.
            #expect(try await Self.botocore(["expire-in", workspace.tokenFile, "300"], workspace).status == 0)
            try? FileManager.default.removeItem(atPath: workspace.roleCache)
            #expect(try await Self.awsCLIArn(profile: "dev", workspace) == "arn:aws:sts::123456789012:assumed-role/ReadOnly/sso-tester")
            let third = try Self.token(workspace)
            #expect(third["accessToken"] as? String != second["accessToken"] as? String)
            #expect(third["clientId"] as? String == second["clientId"] as? String)
            let mode = try FileManager.default.attributesOfItem(atPath: workspace.tokenFile)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let byBotocore = try await Self.botocore(["credentials", "dev"], workspace)
            #expect(byBotocore.status == 0, "\(byBotocore.stderr)")
            #expect(try Self.token(workspace)["accessToken"] as? String == third["accessToken"] as? String)
        }
    }

    @Test func noTokenSaysWhichCommandToRun() async throws {
        try await Self.withWorkspace { fixture, workspace in
            for command in [["env", "--profile", "dev"], ["exec", "--profile", "dev", "--", "true"], ["whoami", "--profile", "dev"]] {
                let result = try await Subprocess.rolekitAsync(command, environment: workspace.environment)
                #expect(result.status == 1, "\(command): \(result.stderr)")
                #expect(result.stderr.contains("rolekit sso login --profile dev"), "\(command): \(result.stderr)")
                #expect(!result.stderr.contains("no AWS credentials"))
                #expect(result.stderr.split(separator: "\n").count == 1)
            }
            // A source profile's SSO session names the SSO profile.
            let chained = try await Subprocess.rolekitAsync(["env", "--profile", "chained"], environment: workspace.environment)
            #expect(chained.stderr.contains("rolekit sso login --profile dev"), "\(chained.stderr)")
        }
    }

    @Test func anSSOProfileIsASourceProfile() async throws {
        try await Self.withWorkspace { fixture, workspace in
            let login = try await Subprocess.rolekitAsync(["sso", "login", "--profile", "dev"], environment: workspace.environment)
            #expect(login.status == 0, "\(login.stderr)")
            #expect(try await Self.awsCLIArn(profile: "chained", workspace) == "arn:aws:sts::123456789012:assumed-role/Deployer/from-sso")
            let list = try await Subprocess.rolekitAsync(["configure-list", "--profile", "dev", "--format", "json"], environment: workspace.environment)
            #expect(list.stdoutText.contains("\"Type\": \"sso\""), "\(list.stdoutText) \(list.stderr)")
            let whoami = try await Subprocess.rolekitAsync(["whoami", "--profile", "dev"], environment: workspace.environment)
            #expect(whoami.stdoutText.contains("\"Arn\": \"arn:aws:sts::123456789012:assumed-role/ReadOnly/sso-tester\""), "\(whoami.stdoutText) \(whoami.stderr)")
            #expect(whoami.stdoutText.contains("\"CredentialSource\": \"sso"), "\(whoami.stdoutText)")
        }
    }

    @Test func listsAccountsAndRolesThenLogsOut() async throws {
        try await Self.withWorkspace { fixture, workspace in
            let login = try await Subprocess.rolekitAsync(["sso", "login", "--profile", "dev"], environment: workspace.environment)
            #expect(login.status == 0, "\(login.stderr)")
            let accounts = try await Subprocess.rolekitAsync(["sso", "list-accounts", "--profile", "dev"], environment: workspace.environment)
            #expect(accounts.stdoutText == "123456789012\tMain\taws+123456789012@example.com\n210987654321\tSandbox\taws+210987654321@example.com\n", "\(accounts.stderr)")
            let roles = try await Subprocess.rolekitAsync(["sso", "list-roles", "--sso-session", "corp"], environment: workspace.environment)
            #expect(roles.stdoutText == "123456789012\tAdministratorAccess\n123456789012\tReadOnly\n210987654321\tDeveloper\n", "\(roles.stderr)")
            #expect(try await Self.awsCLIArn(profile: "dev", workspace).hasSuffix("ReadOnly/sso-tester"))
            let accessToken = try #require(try Self.token(workspace)["accessToken"] as? String)
            let logout = try await Subprocess.rolekitAsync(["sso", "logout"], environment: workspace.environment)
            #expect(logout.status == 0, "\(logout.stderr)")
            #expect(!FileManager.default.fileExists(atPath: workspace.tokenFile))
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: workspace.roleCache)) ?? []).filter { $0.hasSuffix(".json") }.isEmpty)
            // The token no longer works at the portal.
            let transport = try HTTPTransport(configuration: .init(retry: .none))
            let client = try SSOClient(transport: transport, region: "us-east-1", endpoint: fixture.endpoint)
            await #expect(throws: SSOError.self) { try await client.listAccounts(accessToken: accessToken) }
            try await transport.shutdown()
            let after = try await Subprocess.rolekitAsync(["env", "--profile", "dev"], environment: workspace.environment)
            #expect(after.stderr.contains("rolekit sso login --profile dev"))
        }
    }
}
