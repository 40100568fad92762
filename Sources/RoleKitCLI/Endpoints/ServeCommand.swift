import ArgumentParser
import RoleKitSupport
import RoleKitArgumentParser
import FoundationEssentials
import Logging
import RoleKitCredentials
import RoleKitEndpoints
import RoleKitIdentity
import RoleKitTransport
import UnixSignals

/// Waits for SIGTERM or SIGINT (for the long-running commands).
enum TerminationSignal {
    static func wait() async {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        for await _ in signals { return }
    }
}

/// `rolekit serve`: credentials for any SDK from a local IMDSv2-compatible (or container)
/// endpoint, refreshed ahead of expiry.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve credentials on a local IMDSv2-compatible endpoint (or, with --container, an ECS-style one).",
        discussion: """
            The credentials come from Roles Anywhere (--certificate … as credential-process), or
            from the auth options (a profile, keys, a role chain, the default chain).
              rolekit serve --certificate leaf.pem --private-key leaf.key --trust-anchor-arn … --profile-arn … --role-arn …
              export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9911/
            With --container, SDKs use AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9911/credentials
            and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (the same file as --token-file).
            The first fetch must succeed or serve exits; later failures keep the last good
            credentials until they expire, then requests get 503. SIGTERM/SIGINT stop it.
            """
    )

    @OptionGroup(title: "Roles Anywhere") var source: RolesAnywhereSourceOptions
    @OptionGroup(title: "Other credentials") var auth: AWSAuthOptions

    @Option(help: "Port to listen on (0 picks a free one).") var port = 9911
    @Option(name: [.customLong("host"), .customLong("address")], help: ArgumentHelp("Address to listen on: 127.0.0.1 (the default) or ::1; any other needs --allow-non-loopback.", valueName: "address"))
    var host = "127.0.0.1"
    @Flag(name: .customLong("allow-non-loopback"), help: "Allow --host to be a non-loopback address (then anyone who can reach it gets credentials).")
    var allowNonLoopback = false
    @Option(name: .customLong("hop-limit"), help: "IP TTL / hop limit of responses (1 keeps them on this host, as EC2's IMDSv2).")
    var hopLimit = 64
    @Flag(help: "Serve the container-credentials endpoint instead of IMDSv2.") var container = false
    @Option(name: .customLong("token-file"), help: ArgumentHelp("--container: file holding the Authorization token (read at each request).", valueName: "path"))
    var tokenFile: String?
    @Option(help: ArgumentHelp("--container: the Authorization token (visible in the process list; prefer --token-file).", valueName: "token"))
    var token: String?
    @Option(name: .customLong("role-name"), help: "Role name IMDS announces (default: the role ARN's name).")
    var roleName: String?

    /// The addresses served without --allow-non-loopback.
    static let loopbackAddresses: Set<String> = ["127.0.0.1", "::1"]

    /// `--host` without the brackets an IPv6 address may be given in (`[::1]`).
    var listenAddress: String {
        host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2 ? String(host.dropFirst().dropLast()) : host
    }

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard (1...255).contains(hopLimit) else { throw ValidationError("--hop-limit must be 1–255") }
        if !Self.loopbackAddresses.contains(listenAddress) && !allowNonLoopback {
            throw ValidationError("--host \(SafeText.excerpt(host, limit: 80)) is not 127.0.0.1 or ::1; add --allow-non-loopback to serve credentials there")
        }
        if container {
            guard (tokenFile == nil) != (token == nil) else { throw ValidationError("--container needs exactly one of --token-file and --token") }
        } else if tokenFile != nil || token != nil {
            throw ValidationError("--token and --token-file go with --container")
        }
        if token != nil { SecretFlagWarning.warn("--token", prefer: "--token-file") }
    }

    /// The credentials: Roles Anywhere (then --role, if given), or the auth options.
    static func provider(source: RolesAnywhereSourceOptions, auth: AWSAuthOptions, transport: HTTPTransport) async throws -> (any CredentialProvider, roleArn: String?) {
        if source.isGiven {
            let settings = auth.settings()
            let base = try source.provider(region: settings.region, roleSessionName: auth.role == nil ? settings.roleSessionName : nil, transport: transport)
            guard let role = auth.role else { return (base, source.roleArn) }
            let chained = try base.assumingRole(.init(roleArn: role, roleSessionName: settings.roleSessionName), transport: transport)
            return (chained, role)
        }
        let session = auth.session(transport: transport)
        return (try await session.provider(), auth.role)
    }

    func run() async throws {
        try await StandardError.failingWithOneLine {
            try await source.transport.withTransport(logger: source.logger) { try await serve(transport: $0) }
        }
    }

    private func serve(transport: HTTPTransport) async throws {
        let logger = source.logger
        let (provider, roleArn) = try await Self.provider(source: source, auth: auth, transport: transport)
        let served = ServedCredentials(provider: provider, logger: logger)
        do {
            try await served.start()
        } catch {
            throw CredentialsError(.retrievalFailed, "cannot get the first credentials, so nothing is served: \(StandardError.oneLine(error))")
        }
        let mode: CredentialEndpointServer.Mode
        if container {
            if let tokenFile {
                let path = SecureFileReader.expandTilde(tokenFile)
                let read: @Sendable () throws -> String = {
                    String(decoding: try SecureFileReader.readFile(path, what: "authorization token"), as: UTF8.self).filter { $0 != "\n" && $0 != "\r" }
                }
                guard try read().count >= CredentialEndpointServer.minimumTokenLength else {
                    throw ValidationError("the token in --token-file must have at least \(CredentialEndpointServer.minimumTokenLength) characters (a random one: openssl rand -hex 16 > FILE)")
                }
                mode = .container(token: read)
            } else {
                let value = token ?? ""
                guard value.count >= CredentialEndpointServer.minimumTokenLength else {
                    throw ValidationError("--token must have at least \(CredentialEndpointServer.minimumTokenLength) characters (a random one: openssl rand -hex 16)")
                }
                mode = .container { value }
            }
        } else {
            let name = roleName ?? roleArn.flatMap { $0.split(separator: "/").last.map(String.init) } ?? "rolekit"
            mode = .instanceMetadata(roleName: name)
        }
        let server = CredentialEndpointServer(configuration: .init(host: listenAddress, port: port, hopLimit: hopLimit, mode: mode), credentials: served, logger: logger)
        let bound: Int
        do {
            bound = try await server.start()
        } catch {
            throw CredentialsError(.io, "cannot listen on \(SafeText.excerpt(host, limit: 80)) port \(port): \(error)")
        }
        let address = listenAddress.contains(":") ? "[\(listenAddress)]" : listenAddress
        if container {
            print("rolekit serve (container) listening on http://\(address):\(bound)")
            print("export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://\(address):\(bound)/credentials")
            if let tokenFile { print("export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=\(ShellQuote.quote(SecureFileReader.expandTilde(tokenFile)))") }
        } else {
            print("rolekit serve listening on http://\(address):\(bound)")
            print("export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://\(address):\(bound)/")
        }
        StandardStreams.flushOutput()
        let refresher = Task { await served.run { _ in } }
        await TerminationSignal.wait()
        refresher.cancel()
        await server.stop()
    }
}
