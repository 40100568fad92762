import Foundation
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// The auth options on every command that needs AWS credentials: whoami (with the source that
/// answered, checked against botocore), configure-list, assume-role, session-token, password.
@Suite("Auth options on every command", .serialized)
struct AuthCommandsCLITests {
    /// A home folder with a config and credentials file of several kinds of profiles.
    final class Home {
        let folder = NSTemporaryDirectory() + "rolekit-authcmd-\(UUID().uuidString)"
        init() throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try """
            [base]
            aws_access_key_id = AKIABASEPROFILE0001
            aws_secret_access_key = base-secret-4321
            region = ap-south-1
            """.write(toFile: folder + "/credentials", atomically: true, encoding: .utf8)
            let process = "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROCESS00000001\", \"SecretAccessKey\": \"process-secret\"}'"
            try """
            [profile base]
            region = eu-west-3
            [profile deploy]
            role_arn = arn:aws:iam::123456789012:role/deploy
            source_profile = base
            role_session_name = deploy-session
            [profile keys-in-config]
            aws_access_key_id = AKIACONFIGKEYS00001
            aws_secret_access_key = config-secret
            [profile tool]
            credential_process = sh -c "\(process.replacing("\"", with: "\\\""))"
            """.write(toFile: folder + "/config", atomically: true, encoding: .utf8)
        }
        deinit { try? FileManager.default.removeItem(atPath: folder) }

        var environment: [String: String] {
            [
                "PATH": "/usr/bin:/bin", "HOME": folder, "AWS_CONFIG_FILE": folder + "/config", "AWS_SHARED_CREDENTIALS_FILE": folder + "/credentials",
                "AWS_ENDPOINT_URL_STS": MotoServer.endpoint.absoluteString, "AWS_EC2_METADATA_DISABLED": "true",
            ]
        }
    }

    /// botocore's name for the provider that answers for `profile` (its `Credentials.method`).
    static func botocoreMethod(profile: String, environment: [String: String]) async throws -> String {
        let script = "import botocore.session; c = botocore.session.Session(profile=__import__('sys').argv[1]).get_credentials(); print(c.method if c else 'none')"
        let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", script, profile], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: ["base", "deploy", "keys-in-config", "tool"])
    func whoamiNamesTheSourceBotocoreUses(_ profile: String) async throws {
        let home = try Home()
        let result = try await Subprocess.rolekitAsync(["whoami", "--profile", profile, "--region", "us-east-1"], environment: home.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: String] ?? [:]
        #expect(object["Account"] == "123456789012")
        #expect(object["CredentialSource"] == (try await Self.botocoreMethod(profile: profile, environment: home.environment)))
        if profile == "deploy" { #expect(object["Arn"] == "arn:aws:sts::123456789012:assumed-role/deploy/deploy-session") }
        for secret in ["base-secret-4321", "config-secret", "process-secret"] { #expect(!result.stdoutText.contains(secret) && !result.stderr.contains(secret)) }
    }

    @Test func whoamiWithEnvironmentKeysAndWithExplicitKeys() async throws {
        let home = try Home()
        var environment = home.environment
        environment["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT0001"
        environment["AWS_SECRET_ACCESS_KEY"] = "env-secret"
        let env = try await Subprocess.rolekitAsync(["whoami"], environment: environment)
        #expect(env.status == 0, "\(env.stderr)")
        #expect(env.stdoutText.contains("\"CredentialSource\": \"env\""))
        let explicit = try await Subprocess.rolekitAsync(["whoami", "--aws-access-key-id", "AKIAEXPLICIT0000001", "--aws-secret-access-key", "x"], environment: home.environment)
        #expect(explicit.stdoutText.contains("\"CredentialSource\": \"explicit-keys\""), "\(explicit.stderr)")
    }

    @Test func configureListShowsSourcesAndMasksSecrets() async throws {
        let home = try Home()
        let table = try await Subprocess.rolekitAsync(["configure-list", "--profile", "base"], environment: home.environment)
        #expect(table.status == 0, "\(table.stderr)")
        let expected = [
            "      Name                    Value             Type    Location",
            "      ----                    -----             ----    --------",
            "   profile                     base           manual    --profile",
            "access_key     ****************0001 shared-credentials-file    \(home.folder)/credentials",
            "secret_key     ****************4321 shared-credentials-file    \(home.folder)/credentials",
            // The credentials file's region overrides the config's, as botocore merges them.
            "    region               ap-south-1 credentials-file    \(home.folder)/credentials",
        ]
        #expect(table.stdoutText == expected.joined(separator: "\n") + "\n")
        #expect(!table.stdoutText.contains("base-secret"))
        var environment = home.environment
        environment["AWS_PROFILE"] = "keys-in-config"
        environment["AWS_DEFAULT_REGION"] = "sa-east-1"
        let json = try await Subprocess.rolekitAsync(["configure-list", "--format", "json"], environment: environment)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: [String: String?]] ?? [:]
        #expect(object["profile"]?["Value"] == "keys-in-config")
        #expect(object["profile"]?["Type"] == "env")
        #expect(object["access_key"]?["Type"] == "config-file")
        #expect(object["access_key"]?["Value"] == "****************0001")
        #expect(object["region"]?["Location"] == "AWS_DEFAULT_REGION")
        #expect(!json.stdoutText.contains("config-secret"))
        // Nothing configured: one line on stderr, non-zero.
        let none = try await Subprocess.rolekitAsync(["configure-list"], environment: ["PATH": "/usr/bin:/bin", "HOME": home.folder + "/empty", "AWS_EC2_METADATA_DISABLED": "true"])
        #expect(none.status != 0)
        #expect(none.stderr.hasPrefix("rolekit: no AWS credentials") && none.stderr.split(separator: "\n").count == 1)
    }

    @Test func stsCommandsTakeTheAuthOptions() async throws {
        let home = try Home()
        // assume-role from a profile that is itself a role: a chain of two.
        let assumed = try await Subprocess.rolekitAsync(
            ["assume-role", "--profile", "deploy", "--role-arn", "arn:aws:iam::123456789012:role/final", "--role-session-name", "final-1", "--region", "us-east-1"],
            environment: home.environment
        )
        #expect(assumed.status == 0, "\(assumed.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(assumed.stdout)) as? [String: [String: String]] ?? [:]
        #expect(object["AssumedRoleUser"]?["Arn"] == "arn:aws:sts::123456789012:assumed-role/final/final-1")
        // session-token with keys given as flags, the endpoint as a flag.
        var plain = home.environment
        plain["AWS_ENDPOINT_URL_STS"] = nil
        let session = try await Subprocess.rolekitAsync(
            ["session-token", "--aws-access-key-id", "AKIAFLAGKEYS0000001", "--aws-secret-access-key", "flag-secret", "--endpoint", MotoServer.endpoint.absoluteString, "--output", "process"],
            environment: plain
        )
        #expect(session.status == 0, "\(session.stderr)")
        let process = try JSONSerialization.jsonObject(with: Data(session.stdout)) as? [String: Any] ?? [:]
        #expect(process["Version"] as? Int == 1)
        #expect((process["AccessKeyId"] as? String)?.isEmpty == false)
        // password --from-account with a profile, IAM at moto.
        let password = try await Subprocess.rolekitAsync(["password", "--from-account", "--profile", "base", "--endpoint", MotoServer.endpoint.absoluteString], environment: plain)
        #expect(password.status == 0, "\(password.stderr)")
        #expect(password.stdoutText.count >= 17)
        // --auth-type applies to these commands too.
        let refused = try await Subprocess.rolekitAsync(["whoami", "--auth-type", "profile"], environment: home.environment)
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--profile is missing"))
    }
}
