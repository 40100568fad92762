import ArgumentParser
import RoleKitSigning
import RoleKitArgumentParser
import FoundationEssentials
import RoleKitCredentials
import RoleKitIdentity
import RoleKitServices
import RoleKitTransport
import RoleKitSupport

/// Endpoint and transport flags shared by the commands that call AWS (the region comes from
/// the auth options).
struct STSConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Endpoint for this command's calls (default: AWS_ENDPOINT_URL_STS (or _IAM), AWS_ENDPOINT_URL, else the regional endpoint).", valueName: "url"))
    var endpoint: String?

    @OptionGroup var transport: TransportOptions

    func endpointURL() throws -> URL? {
        guard let endpoint else { return nil }
        return try RolesAnywhereOptions.parseEndpoint(endpoint)
    }

    /// Runs `body` with a transport and always shuts it down.
    func withTransport<T>(_ body: (HTTPTransport) async throws -> T) async throws -> T {
        try await transport.withTransport(body)
    }
}

extension AWSAuthOptions {
    /// Runs `body` with the session these options describe, on `connection`'s transport;
    /// `--auth-debug` reports the source (never the secrets) on stderr.
    func withSession<T>(_ connection: STSConnectionOptions, _ body: (CredentialSession, HTTPTransport) async throws -> T) async throws -> T {
        try await connection.withTransport { transport in
            let session = self.session(transport: transport, stsEndpoint: try connection.endpointURL())
            let result = try await body(session, transport)
            if authDebug { StandardError.line("rolekit: credentials from \(session.method ?? "?")") }
            return result
        }
    }
}
