import ArgumentParser
import RoleKitSupport
import FoundationEssentials
import Logging
import RoleKitCredentials
import RoleKitEmulator
import RoleKitEndpoints
import RoleKitIdentity
import RoleKitTransport
import RoleKitCLI
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `rolekit emulator`: a local Roles Anywhere `CreateSession` service.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run a local IAM Roles Anywhere emulator (CreateSession, the control plane, STS) on loopback.",
        discussion: """
            Give a JSON configuration with --config, or a trust anchor and profile with flags:
              rolekit emulator --trust-anchor ca.pem --role-arn arn:aws:iam::123456789012:role/demo
            or nothing, and create resources through the control plane (rolekit trust-anchors …
            --endpoint-url http://HOST:PORT, or boto3), signed with the admin key. Without
            --admin-access-key-id, a random key is made and written (mode 0600) as profile
            rolekit-emulator of a credentials file whose path is printed: DIR/admin-credentials
            with --data-dir (kept across restarts), else a temporary file removed on exit. With
            --data-dir the state survives restarts (SQLite); without it, it lives in memory.
            Stop with Ctrl-C or SIGTERM.
            """
    )

    @Option(help: ArgumentHelp("JSON configuration (accountId, region, trustAnchors, profiles, crls, sso).", valueName: "path"))
    var config: String?

    @Option(name: .customLong("trust-anchor"), help: ArgumentHelp("PEM bundle of CA certificates to trust (repeatable).", valueName: "path"))
    var trustAnchors: [String] = []

    @Option(help: ArgumentHelp("CRL (PEM or DER) checked against the trust anchors (repeatable).", valueName: "path"))
    var crl: [String] = []

    @Option(name: .customLong("role-arn"), help: ArgumentHelp("Role the profile may assume (repeatable).", valueName: "arn"))
    var roleArns: [String] = []

    @Option(name: .customLong("account-id"), help: ArgumentHelp("Account id in the ARNs.", valueName: "id"))
    var accountId = "123456789012"

    @Option(help: ArgumentHelp("Region of the trust anchors and profiles.", valueName: "region"))
    var region = "us-east-1"

    @Option(name: .customLong("profile-duration"), help: ArgumentHelp("Longest session the profile allows, in seconds.", valueName: "seconds"))
    var profileDuration = 3600

    @Option(name: .customLong("session-lifetime"), help: ArgumentHelp("Make every Roles Anywhere session expire this many seconds after it is issued, whatever was asked (to watch clients refresh; 1–43200).", valueName: "seconds"))
    var sessionLifetime: Int?

    @Flag(name: .customLong("accept-role-session-name"), help: "Let callers set roleSessionName.")
    var acceptRoleSessionName = false

    @Flag(name: .customLong("sso-auto-approve"), help: "Approve every IAM Identity Center sign-in at once (no browser needed): the authorize page redirects with a code, device codes are approved after their first poll.")
    var ssoAutoApprove = false

    @Option(help: ArgumentHelp("Address to listen on (loopback by default).", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on; 0 picks a free one.", valueName: "port"))
    var port = 9911

    @Option(name: .customLong("tls-certificate"), help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (leaf first).", valueName: "path"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("Private key of --tls-certificate (PEM).", valueName: "path"))
    var tlsKey: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Keep state in DIR/emulator.sqlite across restarts (default: in memory).", valueName: "dir"))
    var dataDirectory: String?

    @Option(name: .customLong("admin-access-key-id"), help: ArgumentHelp("Access key id the control plane accepts (ROLEKIT_EMULATOR_ACCESS_KEY_ID).", valueName: "id"))
    var adminAccessKeyId: String?

    @Option(name: .customLong("admin-secret-access-key"), help: ArgumentHelp("Its secret (ROLEKIT_EMULATOR_SECRET_ACCESS_KEY).", valueName: "secret"))
    var adminSecretAccessKey: String?

    /// The profile the generated admin key is written under.
    static let adminProfile = "rolekit-emulator"

    /// The admin key given by flags or `ROLEKIT_EMULATOR_*`, if any.
    var givenAdminKey: EmulatorConfiguration.AdminKey? {
        let id = adminAccessKeyId ?? ProcessEnvironment.value("ROLEKIT_EMULATOR_ACCESS_KEY_ID").flatMap { $0.isEmpty ? nil : $0 }
        let secret = adminSecretAccessKey ?? ProcessEnvironment.value("ROLEKIT_EMULATOR_SECRET_ACCESS_KEY").flatMap { $0.isEmpty ? nil : $0 }
        guard let id, let secret else { return nil }
        return .init(accessKeyId: id, secretAccessKey: secret)
    }

    /// The key in `file` (profile `rolekit-emulator`), or a new random one written there (0600).
    static func generatedAdminKey(file: String) throws -> EmulatorConfiguration.AdminKey {
        let existing = try SharedConfiguration.load(configPath: file + ".no-config", credentialsPath: file).profiles[adminProfile]
        if let id = existing?["aws_access_key_id"], let secret = existing?["aws_secret_access_key"] {
            return .init(accessKeyId: id, secretAccessKey: secret)
        }
        let key = EmulatorConfiguration.AdminKey.generate()
        try CredentialsFileUpdater(profile: adminProfile, path: file).write(Credentials(accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey))
        return key
    }

    func validate() throws {
        if config != nil && (!trustAnchors.isEmpty || !roleArns.isEmpty || !crl.isEmpty) {
            throw ValidationError("--config cannot be combined with --trust-anchor, --role-arn or --crl")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        if let sessionLifetime, !(1...43_200).contains(sessionLifetime) { throw ValidationError("--session-lifetime must be 1–43200 seconds") }
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-certificate and --tls-key go together")
        }
        if (adminAccessKeyId == nil) != (adminSecretAccessKey == nil) {
            throw ValidationError("--admin-access-key-id and --admin-secret-access-key go together")
        }
    }

    /// The configuration; `adminKey` is added unless the configuration file names its own keys
    /// (flags and environment always add theirs).
    func makeConfiguration(adminKey: () throws -> EmulatorConfiguration.AdminKey) throws -> EmulatorConfiguration {
        if let config {
            var configuration = try EmulatorConfiguration.load(path: config)
            if ssoAutoApprove { configuration.sso.autoApprove = true }
            if let sessionLifetime { configuration.sessionLifetimeSeconds = sessionLifetime }
            if let given = givenAdminKey {
                configuration.adminKeys.append(given)
            } else if configuration.adminKeys.isEmpty {
                configuration.adminKeys.append(try adminKey())
            }
            return configuration
        }
        let anchors = trustAnchors.enumerated().map { index, path in
            EmulatorConfiguration.TrustAnchor(id: "ta-\(index + 1)", name: "anchor-\(index + 1)", certificateBundle: path)
        }
        let crls = crl.enumerated().flatMap { index, path in
            anchors.map { EmulatorConfiguration.CRL(id: "crl-\(index + 1)-\($0.id)", name: "crl-\(index + 1)", trustAnchorId: $0.id, crl: path) }
        }
        let profiles = roleArns.isEmpty ? [] : [
            EmulatorConfiguration.Profile(id: "profile-1", name: "default", roleArns: roleArns, durationSeconds: profileDuration, acceptRoleSessionName: acceptRoleSessionName)
        ]
        return EmulatorConfiguration(
            accountId: accountId, region: region, trustAnchors: anchors, profiles: profiles, crls: crls, adminKeys: [try givenAdminKey ?? adminKey()],
            sso: SSOEmulatorConfiguration(autoApprove: ssoAutoApprove), sessionLifetimeSeconds: sessionLifetime
        )
    }

    /// Removes `rolekit-emulator-PID-*` folders of this user whose process is gone.
    static func sweepAbandonedTemporaries() {
        let base = FileManager.default.temporaryDirectory.path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return }
        for name in names where name.hasPrefix("rolekit-emulator-") {
            let parts = name.dropFirst("rolekit-emulator-".count).split(separator: "-", maxSplits: 1)
            guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, pid != getpid() else { continue }
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = base + "/" + name
            guard let status = SafeFile.linkStatus(path), status.ownedByUser else { continue }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    func run() async throws {
        try await StandardError.failingWithOneLine {
            let directory = dataDirectory.map { SecureFileReader.expandTilde($0) }
            // A generated admin key lives next to the state, or in a private temporary folder.
            // The folder's name carries this process's id: one left by an emulator that crashed or
            // was killed (no defer runs then) is removed by the next start.
            if directory == nil { Self.sweepAbandonedTemporaries() }
            let temporary = directory == nil ? FileManager.default.temporaryDirectory.path + "/rolekit-emulator-\(getpid())-\(UUID().uuidString.lowercased())" : nil
            defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
            let adminFile = (directory ?? temporary!) + "/admin-credentials"
            var generated = false
            let configuration = try makeConfiguration {
                generated = true
                return try Self.generatedAdminKey(file: adminFile)
            }
            let wroteAdminFile = generated
            let store = try EmulatorStore(directory: directory)
            let emulator = try RolesAnywhereEmulator(configuration: configuration, store: store)
            if host != "127.0.0.1" && host != "::1" && host != "localhost" {
                StandardError.line("rolekit: warning: the emulator listens on \(host), not loopback; it issues credentials to anyone who can reach it")
            }
            let tls = tlsCertificate.flatMap { certificate in tlsKey.map { (certificateChain: certificate, privateKey: $0) } }
            let server = EmulatorServer(rolesAnywhere: emulator, configuration: .init(host: host, port: port, tls: tls))
            let host = self.host
            let scheme = tls == nil ? "http" : "https"
            try await server.run { port in
                var lines = ["rolekit emulator listening on \(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)"]
                lines.append("  state         \(store.path ?? "in memory")")
                lines.append("  admin key     \(configuration.adminKeys.map(\.accessKeyId).joined(separator: ", ")) (control plane and STS)")
                if wroteAdminFile {
                    lines.append("  admin secret  AWS_SHARED_CREDENTIALS_FILE=\(adminFile) AWS_PROFILE=\(Self.adminProfile)")
                }
                for anchor in configuration.trustAnchors { lines.append("  trust anchor  \(configuration.trustAnchorArn(anchor))") }
                for profile in configuration.profiles {
                    lines.append("  profile       \(configuration.profileArn(profile))")
                    for role in profile.roleArns { lines.append("    role        \(role)") }
                }
                let base = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)"
                lines.append("  sso           AWS_ENDPOINT_URL_SSO=\(base) AWS_ENDPOINT_URL_SSO_OIDC=\(base)\(configuration.sso.autoApprove ? " (sign-ins approved at once)" : "")")
                for account in emulator.sso.accounts() {
                    lines.append("    account     \(account.accountId): \(account.roles.joined(separator: ", "))")
                }
                print(lines.joined(separator: "\n"))
                StandardStreams.flushOutput()
            }
        }
    }
}
