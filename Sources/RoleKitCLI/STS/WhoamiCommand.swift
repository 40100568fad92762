import ArgumentParser
import RoleKitArgumentParser
import FoundationEssentials
import RoleKitCredentials
import RoleKitIdentity
import RoleKitServices
import RoleKitTransport
import RoleKitSupport

/// `rolekit whoami`: GetCallerIdentity, and which source gave the credentials.
struct WhoamiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami",
        abstract: "Show the account, ARN and user id of the current credentials (GetCallerIdentity), and their source.",
        discussion: """
            Prints what `aws sts get-caller-identity` prints, plus "CredentialSource": the provider
            that answered (env, shared-credentials-file, config-file, assume-role, custom-process,
            assume-role-with-web-identity, container-role, iam-role or explicit-keys, with
            +mfa-session / +assume-role when --mfa-serial / --role apply).
              rolekit whoami --profile deploy
            """
    )

    @OptionGroup(title: "Credentials") var auth: AWSAuthOptions
    @OptionGroup var connection: STSConnectionOptions

    func run() async throws {
        let text = try await StandardError.failingWithOneLine { () async throws -> String in
            let (identity, source) = try await auth.withSession(connection) { session, transport in
                let credentials = try await session.freeze()
                let identity = try await STSClient(transport: transport, region: session.region, endpoint: try connection.endpointURL())
                    .getCallerIdentity(credentials: credentials.signingCredentials)
                return (identity, session.method ?? "unknown")
            }
            return JSONWriter.pretty().render(.object(["UserId": .string(identity.userId), "Account": .string(identity.account), "Arn": .string(identity.arn), "CredentialSource": .string(source)]))
        }
        print(text)
    }
}
