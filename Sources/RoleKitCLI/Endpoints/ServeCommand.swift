import ArgumentParser
import RoleKitSupport
import RoleKitArgumentParser
import FoundationEssentials
import Logging
import RoleKitCredentials
import RoleKitEndpoints
import RoleKitIdentity
import RoleKitSigning
import RoleKitTransport
import Metrics
import Prometheus
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
            and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (the same file as --token-file). With
            --source NAME=PROFILE (repeatable) one daemon serves several profiles, each at
            /credentials/NAME and refreshing on its own, for all the containers of a host:
              rolekit serve --container --token-file t --source build=ci-build --source deploy=ci-deploy
            --metrics-port P adds Prometheus metrics at http://ADDRESS:P/metrics.
            The first fetch must succeed or serve exits; later failures keep the last good
            credentials until they expire, then requests get 503. SIGTERM/SIGINT stop it.
            Under systemd: readiness, status and watchdog keep-alives go to NOTIFY_SOCKET
            (Type=notify), and a socket the unit passes (socket activation, LISTEN_FDS) is
            served instead of --port; it must be on loopback unless --allow-non-loopback.
            Example units: contrib/systemd/.
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
    @Option(name: .customLong("source"), help: ArgumentHelp("--container: serve profile PROFILE (default: NAME) at /credentials/NAME; repeat for several, each refreshing on its own.", valueName: "NAME[=PROFILE]"))
    var sourceProfiles: [String] = []
    @Option(name: .customLong("metrics-port"), help: ArgumentHelp("Serve Prometheus metrics at http://ADDRESS:PORT/metrics (refreshes, failures, seconds to expiry, requests by status).", valueName: "port"))
    var metricsPort: Int?

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
        if let metricsPort {
            guard (0...65_535).contains(metricsPort) else { throw ValidationError("--metrics-port must be 0–65535") }
            if metricsPort != 0 && metricsPort == port { throw ValidationError("--metrics-port must differ from --port") }
        }
        if !sourceProfiles.isEmpty {
            guard container else { throw ValidationError("--source goes with --container (IMDS serves one role)") }
            guard !source.isGiven, auth.profile == nil, auth.accessKeyId == nil, auth.role == nil else {
                throw ValidationError("--source names every source; give their settings in the profiles, not --certificate, --profile, --aws-access-key-id or --role")
            }
            _ = try Self.parseSources(sourceProfiles)
        }
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

    /// The socket systemd passed, if any (checked: one listening TCP socket, on loopback
    /// unless --allow-non-loopback).
    func inheritedSocket() throws -> SystemdSocketActivation.Socket? {
        let sockets: [SystemdSocketActivation.Socket]?
        do {
            sockets = try SystemdSocketActivation.inheritedSockets(environment: SystemEnvironment.value)
        } catch {
            throw ValidationError("cannot use the socket the service manager passed: \(error)")
        }
        guard let sockets, !sockets.isEmpty else { return nil }
        guard sockets.count == 1 else {
            throw ValidationError("the service manager passed \(sockets.count) sockets; serve listens on one (give the .socket unit one ListenStream=)")
        }
        let socket = sockets[0]
        if !Self.loopbackAddresses.contains(socket.host) && !allowNonLoopback {
            throw ValidationError("the passed socket listens on \(socket.host), not 127.0.0.1 or ::1; add --allow-non-loopback to serve credentials there")
        }
        return socket
    }

    /// The sources to serve: `--source` ones (each from its profile), or the one the Roles
    /// Anywhere flags or auth options describe, named `default`.
    private func sources(transport: HTTPTransport, logger: Logger) async throws -> (sources: [ServedCredentials], roleArn: String?) {
        if sourceProfiles.isEmpty {
            let (provider, roleArn) = try await Self.provider(source: source, auth: auth, transport: transport)
            return ([ServedCredentials(provider: provider, name: "default", logger: logger)], roleArn)
        }
        var served: [ServedCredentials] = []
        for entry in try Self.parseSources(sourceProfiles) {
            var settings = auth.settings()
            settings.profile = entry.profile
            let session = CredentialSession(settings: settings, transport: transport)
            let provider: any CredentialProvider
            do {
                provider = try await session.provider()
            } catch {
                throw CredentialsError(.invalidConfiguration, "--source \(entry.name): \(StandardError.oneLine(error))")
            }
            served.append(ServedCredentials(provider: provider, name: entry.name, logger: logger))
        }
        return (served, nil)
    }

    /// `NAME` or `NAME=PROFILE` of each `--source`, checked: names are path segments
    /// (letters, digits, `.`, `_`, `-`; at most 64) and unique.
    static func parseSources(_ values: [String]) throws -> [(name: String, profile: String)] {
        func isPathSegmentByte(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x5F || byte == 0x2E
        }
        var seen: Set<String> = []
        return try values.map { value in
            let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0]
            let profile = parts.count == 2 ? parts[1] : name
            guard (1...64).contains(name.utf8.count), name.utf8.allSatisfy(isPathSegmentByte), name != ".", name != ".." else {
                throw ValidationError("--source \(SafeText.excerpt(name, limit: 64)): a source name is 1–64 letters, digits, '.', '_' or '-' (it becomes the path /credentials/NAME)")
            }
            guard !profile.isEmpty else { throw ValidationError("--source \(name)=: the profile name is empty") }
            guard seen.insert(name).inserted else { throw ValidationError("--source \(name) is given twice") }
            return (name, profile)
        }
    }

    private func serve(transport: HTTPTransport) async throws {
        let logger = source.logger
        let manager = ServiceManager.fromEnvironment()
        let inherited = try inheritedSocket()
        // The metrics backend comes first: sources and the server make their counters at init.
        let registry = metricsPort.map { _ in PrometheusCollectorRegistry() }
        if let registry { MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry)) }
        let (sources, roleArn) = try await sources(transport: transport, logger: logger)
        for served in sources {
            do {
                try await served.start()
            } catch {
                let which = sourceProfiles.isEmpty ? "" : " for --source \(served.name)"
                throw CredentialsError(.retrievalFailed, "cannot get the first credentials\(which), so nothing is served: \(StandardError.oneLine(error))")
            }
        }
        let mode: CredentialEndpointServer.Mode
        let paths = sourceProfiles.isEmpty ? ["/credentials"] : sources.map { "/credentials/" + $0.name }
        if container {
            let read: @Sendable () throws -> String
            if let tokenFile {
                let path = SecureFileReader.expandTilde(tokenFile)
                read = {
                    String(decoding: try SecureFileReader.readFile(path, what: "authorization token"), as: UTF8.self).filter { $0 != "\n" && $0 != "\r" }
                }
                guard try read().count >= CredentialEndpointServer.minimumTokenLength else {
                    throw ValidationError("the token in --token-file must have at least \(CredentialEndpointServer.minimumTokenLength) characters (a random one: openssl rand -hex 16 > FILE)")
                }
            } else {
                let value = token ?? ""
                guard value.count >= CredentialEndpointServer.minimumTokenLength else {
                    throw ValidationError("--token must have at least \(CredentialEndpointServer.minimumTokenLength) characters (a random one: openssl rand -hex 16)")
                }
                read = { value }
            }
            mode = .container(token: read, path: paths[0])
        } else {
            let name = roleName ?? roleArn.flatMap { $0.split(separator: "/").last.map(String.init) } ?? "rolekit"
            mode = .instanceMetadata(roleName: name)
        }
        let host = inherited?.host ?? listenAddress
        let server = CredentialEndpointServer(
            configuration: .init(host: host, port: inherited?.port ?? port, hopLimit: hopLimit, mode: mode, inheritedSocket: inherited),
            credentials: sources[0], additionalSources: Dictionary(uniqueKeysWithValues: zip(paths, sources).dropFirst().map { ($0, $1) }), logger: logger
        )
        let bound: Int
        do {
            bound = try await server.start()
        } catch {
            if inherited != nil { throw CredentialsError(.io, "cannot serve on the socket the service manager passed: \(error)") }
            throw CredentialsError(.io, "cannot listen on \(SafeText.excerpt(self.host, limit: 80)) port \(port): \(error)")
        }
        let address = host.contains(":") ? "[\(host)]" : host
        var metricsServer: MetricsEndpointServer?
        if let registry, let metricsPort {
            let metrics = MetricsEndpointServer(host: host, port: metricsPort) {
                for served in sources { served.updateExpiryMetrics() }
                return registry.emitToString()
            }
            do {
                let metricsBound = try await metrics.start()
                print("rolekit serve metrics on http://\(address):\(metricsBound)/metrics")
            } catch {
                await server.stop()
                throw CredentialsError(.io, "cannot listen for metrics on \(SafeText.excerpt(self.host, limit: 80)) port \(metricsPort): \(error)")
            }
            metricsServer = metrics
        }
        if container {
            print("rolekit serve (container) listening on http://\(address):\(bound)")
            if sourceProfiles.isEmpty {
                print("export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://\(address):\(bound)/credentials")
            } else {
                for (path, served) in zip(paths, sources) {
                    print("source \(served.name): AWS_CONTAINER_CREDENTIALS_FULL_URI=http://\(address):\(bound)\(path)")
                }
            }
            if let tokenFile { print("export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=\(ShellQuote.quote(SecureFileReader.expandTilde(tokenFile)))") }
        } else {
            print("rolekit serve listening on http://\(address):\(bound)")
            print("export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://\(address):\(bound)/")
        }
        StandardStreams.flushOutput()
        let status: @Sendable () -> String = {
            sources.count == 1 ? "serving on \(address):\(bound)" + Self.validity(sources[0]) : "serving \(sources.count) sources on \(address):\(bound)"
        }
        manager.ready(status: status())
        let watchdog = manager.watchdog()
        // Each source refreshes on its own schedule.
        let refreshers = sources.map { served in Task { await served.run { _ in manager.status(status()) } } }
        await TerminationSignal.wait()
        manager.stopping()
        watchdog?.cancel()
        for refresher in refreshers { refresher.cancel() }
        await server.stop()
        await metricsServer?.stop()
    }

    /// `, credentials valid until …` for a status line.
    static func validity(_ served: ServedCredentials) -> String {
        guard case .success(let current) = served.current(), let expiration = current.credentials.expiration else { return "" }
        return ", credentials valid until \(ISO8601Timestamp.format(expiration))"
    }
}
