import Foundation
import RoleKitTestSupport
import Testing

/// MFA that asks once, against moto's STS: profiles' `mfa_process` and `mfa_ykman_account`
/// (a stand-in `ykman` on the PATH) give the code, and one GetSessionToken made with it serves
/// every role the long-term keys assume, across separate `rolekit` processes (the session is
/// cached, 0600, in the AWS CLI's cache folder).
@Suite("MFA: one prompt for many roles", .serialized)
struct MFACLITests {
    final class Home {
        let folder = NSTemporaryDirectory() + "rolekit-mfa-\(UUID().uuidString)"
        var counter: String { folder + "/prompts" }
        var ykmanLog: String { folder + "/ykman-args" }

        init() throws {
            try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
            try """
            [base]
            aws_access_key_id = AKIAMFABASE0EXAMPLE
            aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
            [yubikey]
            aws_access_key_id = AKIAMFAYUBIKEYEXAMPLE
            aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEYK1
            [failing]
            aws_access_key_id = AKIAMFAFAILEXAMPLE0
            aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEFL1
            """.write(toFile: folder + "/credentials", atomically: true, encoding: .utf8)
            var config = """
            [profile base]
            mfa_serial = arn:aws:iam::123456789012:mfa/alice
            mfa_process = sh -c "echo asked >> \(counter); echo 123456"
            [profile yubikey]
            mfa_serial = arn:aws:iam::123456789012:mfa/bob
            mfa_ykman_account = AWS:bob@example
            [profile failing]
            mfa_serial = arn:aws:iam::123456789012:mfa/carol
            mfa_process = sh -c "exit 3" carol-SECRET-ARGUMENT
            [profile yk-role]
            role_arn = arn:aws:iam::123456789012:role/yk-role
            source_profile = yubikey
            role_session_name = yk
            [profile failing-role]
            role_arn = arn:aws:iam::123456789012:role/failing-role
            source_profile = failing

            """
            for index in 1...3 {
                config += """
                [profile role\(index)]
                role_arn = arn:aws:iam::123456789012:role/role\(index)
                source_profile = base
                mfa_serial = arn:aws:iam::123456789012:mfa/alice
                role_session_name = session\(index)

                """
            }
            try config.write(toFile: folder + "/config", atomically: true, encoding: .utf8)
            // A stand-in for Yubico's ykman: logs its arguments, prints a code for the account.
            let ykman = folder + "/bin/ykman"
            try "#!/bin/sh\necho \"$@\" >> \(ykmanLog)\nif [ \"$*\" = \"oath accounts code --single AWS:bob@example\" ]; then echo 654321; else exit 2; fi\n".write(toFile: ykman, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ykman)
        }
        deinit { try? FileManager.default.removeItem(atPath: folder) }

        var environment: [String: String] {
            [
                "PATH": folder + "/bin:/usr/bin:/bin", "HOME": folder, "AWS_CONFIG_FILE": folder + "/config", "AWS_SHARED_CREDENTIALS_FILE": folder + "/credentials",
                "AWS_ENDPOINT_URL_STS": MotoServer.endpoint.absoluteString, "AWS_EC2_METADATA_DISABLED": "true",
            ]
        }

        func whoami(_ profile: String) async throws -> (status: Int32, arn: String, stderr: String) {
            let result = try await Subprocess.rolekitAsync(["whoami", "--profile", profile, "--region", "us-east-1"], environment: environment)
            let object = try? JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: String]
            return (result.status, object?["Arn"] ?? "", result.stderr)
        }
    }

    @Test func threeRolesOneMFAPrompt() async throws {
        let home = try Home()
        for index in 1...3 {
            let (status, arn, stderr) = try await home.whoami("role\(index)")
            #expect(status == 0, "\(stderr)")
            #expect(arn == "arn:aws:sts::123456789012:assumed-role/role\(index)/session\(index)")
        }
        let prompts = try String(contentsOfFile: home.counter, encoding: .utf8).split(separator: "\n")
        #expect(prompts.count == 1, "mfa_process ran \(prompts.count) times for three roles")
        // The session is in the AWS CLI's cache folder, owner-only.
        let cache = home.folder + "/.aws/cli/cache"
        let sessions = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasPrefix("rolekit-mfa-session-") }
        #expect(sessions.count == 1, "\(sessions)")
        if let file = sessions.first {
            let mode = try FileManager.default.attributesOfItem(atPath: cache + "/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let text = try String(contentsOfFile: cache + "/" + file, encoding: .utf8)
            #expect(!text.contains("123456") && !text.contains("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "neither the code nor the long-term secret is cached")
        }
    }

    @Test func ykmanGivesTheCode() async throws {
        let home = try Home()
        let (status, arn, stderr) = try await home.whoami("yk-role")
        #expect(status == 0, "\(stderr)")
        #expect(arn == "arn:aws:sts::123456789012:assumed-role/yk-role/yk")
        #expect(try String(contentsOfFile: home.ykmanLog, encoding: .utf8) == "oath accounts code --single AWS:bob@example\n")
    }

    /// A failing mfa_process is one line naming the program and its status, never its
    /// arguments.
    @Test func aFailingMFAProcessIsNamedNotQuoted() async throws {
        let home = try Home()
        let (status, _, stderr) = try await home.whoami("failing-role")
        #expect(status == 1)
        #expect(stderr.contains("mfa_process sh exited with status 3"), "\(stderr)")
        #expect(!stderr.contains("SECRET-ARGUMENT"))
        #expect(stderr.split(separator: "\n").count == 1, "\(stderr)")
    }
}
