import ArgumentParser
import RoleKitArgumentParser
import FoundationEssentials
import RoleKitCredentials
import RoleKitIdentity
import RoleKitServices
import RoleKitTransport
import RoleKitSupport

/// `rolekit session-token`: GetSessionToken, usually with MFA.
struct SessionTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session-token",
        abstract: "Get a session token for the base credentials (GetSessionToken), usually with an MFA code."
    )

    @OptionGroup var mfa: MFAOptions

    @Option(name: .customLong("duration-seconds"), help: ArgumentHelp("Session length, 900–129600 seconds.", valueName: "seconds"))
    var durationSeconds: Int?

    @Option(help: "Output: json, env or process.")
    var output: CredentialsOutputFormat = .json

    @OptionGroup(title: "Credentials") var auth: AWSAuthOptions
    @OptionGroup var connection: STSConnectionOptions

    func run() async throws {
        let text = try await StandardError.failingWithOneLine { () async throws -> String in
            if let durationSeconds, !(900...129_600).contains(durationSeconds) {
                throw STSError(.invalidInput, "--duration-seconds must be 900–129600 for GetSessionToken")
            }
            let code = try mfa.code()
            try MFA.validate(serialNumber: mfa.serialNumber, tokenCode: code)
            let sts = try await auth.withSession(connection) { session, transport in
                let base = try await session.freeze()
                let client = STSClient(transport: transport, region: session.region, endpoint: try connection.endpointURL())
                return try await client.getSessionToken(.init(durationSeconds: durationSeconds, serialNumber: mfa.serialNumber, tokenCode: code), credentials: base.signingCredentials)
            }
            return output.render(try Credentials(sts))
        }
        print(text)
    }
}
