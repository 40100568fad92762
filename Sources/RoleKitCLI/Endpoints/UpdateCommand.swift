import ArgumentParser
import RoleKitSigning
import FoundationEssentials
import RoleKitCredentials
import RoleKitEndpoints
import RoleKitIdentity
import RoleKitTransport
import RoleKitArgumentParser

/// `rolekit update`: keeps a profile of the shared credentials file fresh.
struct UpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Write credentials into a profile of ~/.aws/credentials and keep it fresh.",
        discussion: """
            As aws_signing_helper update, with the same Roles Anywhere flags, or from another
            profile (--source-profile) or the default chain. Other profiles, comments and order
            are kept; the file is replaced atomically (mode 0600) under a lock, so several
            writers are safe. Without --once it rewrites the profile about 5 minutes before each
            expiry (with jitter) and retries failures with backoff; SIGTERM/SIGINT stop it.
            Under systemd (Type=notify) it reports readiness after the first write, a status
            line after each, and watchdog keep-alives (contrib/systemd/).
            """
    )

    @OptionGroup(title: "Roles Anywhere") var source: RolesAnywhereSourceOptions

    @Option(help: "Profile to write (default: default).") var profile = "default"
    @Flag(help: "Write once and exit.") var once = false
    @Option(name: .customLong("credentials-file"), help: ArgumentHelp("File to write (default: AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials).", valueName: "path"))
    var credentialsFile: String?
    @Option(name: .customLong("source-profile"), help: ArgumentHelp("Without --certificate: the config profile that gives the credentials.", valueName: "name"))
    var sourceProfile: String?
    @Option(help: ArgumentHelp("Signing region (Roles Anywhere: default the trust anchor's).", valueName: "region"))
    var region: String?
    @Option(name: .customLong("role-session-name"), help: ArgumentHelp("Roles Anywhere role session name.", valueName: "name"))
    var roleSessionName: String?

    func validate() throws {
        if source.isGiven && sourceProfile != nil { throw ValidationError("give the Roles Anywhere flags or --source-profile, not both") }
        if sourceProfile == profile && credentialsFile == nil {
            throw ValidationError("--source-profile and --profile are the same; the profile would feed itself")
        }
        guard !profile.isEmpty, !profile.contains("]"), !profile.contains("\n") else { throw ValidationError("--profile \(profile) is not a valid section name") }
    }

    func run() async throws {
        try await StandardError.failingWithOneLine {
            try await source.transport.withTransport(logger: source.logger) { try await update(transport: $0) }
        }
    }

    private func update(transport: HTTPTransport) async throws {
        let manager = ServiceManager.fromEnvironment()
        let provider: any CredentialProvider
        if source.isGiven {
            provider = try source.provider(region: region, roleSessionName: roleSessionName, transport: transport)
        } else {
            let session = CredentialSession(settings: .init(profile: sourceProfile, region: region), transport: transport)
            provider = try await session.provider()
        }
        let updater = CredentialsFileUpdater(profile: profile, path: credentialsFile.map { SecureFileReader.expandTilde($0) })
        let served = ServedCredentials(provider: provider, logger: source.logger)
        let path = updater.path
        let profile = self.profile
        let report: @Sendable (Credentials) -> Void = { credentials in
            let line = "wrote [\(profile)] to \(path)\(credentials.expiration.map { ", valid until \(ISO8601Timestamp.format($0))" } ?? "")"
            StandardError.line("rolekit: " + line)
            // READY=1 again at later writes is harmless; systemd takes the first.
            manager.ready(status: line)
        }
        if once {
            try await updater.run(served, once: true, onWrite: report)
            return
        }
        let loop = Task { try await updater.run(served, once: false, onWrite: report) }
        let watchdog = manager.watchdog()
        let stop = Task {
            await TerminationSignal.wait()
            manager.stopping()
            loop.cancel()
        }
        defer {
            stop.cancel()
            watchdog?.cancel()
        }
        try await loop.value
    }
}
