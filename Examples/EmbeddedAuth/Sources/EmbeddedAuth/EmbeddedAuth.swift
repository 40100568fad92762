import ArgumentParser
import RoleKitArgumentParser
import RoleKitCredentials
import RoleKitServices
import RoleKitTransport

/// `embedded-auth`: prints who the AWS auth options make you (STS GetCallerIdentity) and where
/// the credentials came from. Every flag is RoleKit's: keys, `--profile`, `--role` with MFA,
/// `--auth-type`, the config files, and the transport flags.
@main
struct EmbeddedAuth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embedded-auth",
        abstract: "Print the caller identity for RoleKit's AWS auth options (an example of embedding them)."
    )

    @OptionGroup(title: "Credentials") var auth: AWSAuthOptions
    @OptionGroup(title: "Connection") var transport: TransportOptions

    @Option(help: ArgumentHelp("STS endpoint (default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, else the regional one).", valueName: "url"))
    var endpoint: String?

    func run() async throws {
        let endpoint = try endpoint.map { text throws(ValidationError) in
            do throws(TransportError) { return try EndpointURL.parse(text, origin: "--endpoint") } catch { throw ValidationError(error.message) }
        }
        try await transport.withTransport { transport in
            let session = auth.session(transport: transport, stsEndpoint: endpoint)
            let credentials = try await session.freeze()
            let identity = try await STSClient(transport: transport, region: session.region, endpoint: endpoint)
                .getCallerIdentity(credentials: credentials.signingCredentials)
            print("arn=\(identity.arn)")
            print("account=\(identity.account)")
            print("source=\(session.source?.method ?? "unknown")")
            if let location = session.source?.location { print("location=\(location)") }
        }
    }
}
