public import FoundationEssentials
public import RoleKitIdentity
public import RoleKitServices
import RoleKitSigning
public import RoleKitTransport
import Synchronization
public import Logging
import RoleKitSupport

/// Credentials from IAM Roles Anywhere: an X.509 certificate and its key sign `CreateSession`.
///
/// Initialised like the iamra library (region, certificate, key, passphrase, chain, duration,
/// profile, role, trust anchor, session name). ``credentials()`` caches and refreshes;
/// ``createSession()`` always calls the service and returns the full response. Certificate and
/// key files are re-read when they change on disk, so rotation needs no restart.
public final class RolesAnywhereCredentialProvider: CredentialProvider {
    public struct Configuration: Sendable, Hashable {
        /// Signing region; `nil` uses the trust anchor's.
        public var region: String?
        public var certificate: String
        public var privateKey: String?
        public var intermediates: String?
        public var durationSeconds: Int
        public var profileArn: String
        public var roleArn: String
        public var trustAnchorArn: String
        public var roleSessionName: String?
        /// Overrides the service endpoint (`https://host:port`).
        public var endpoint: URL?
        /// Sent with each CreateSession and recorded on the subject.
        public var instanceProperties: [String: String]?

        public init(
            region: String? = nil,
            certificate: String,
            privateKey: String? = nil,
            intermediates: String? = nil,
            durationSeconds: Int = 3600,
            profileArn: String,
            roleArn: String,
            trustAnchorArn: String,
            roleSessionName: String? = nil,
            endpoint: URL? = nil,
            instanceProperties: [String: String]? = nil
        ) {
            self.instanceProperties = instanceProperties
            self.region = region
            self.certificate = certificate
            self.privateKey = privateKey
            self.intermediates = intermediates
            self.durationSeconds = durationSeconds
            self.profileArn = profileArn
            self.roleArn = roleArn
            self.trustAnchorArn = trustAnchorArn
            self.roleSessionName = roleSessionName
            self.endpoint = endpoint
        }

        /// What identifies a cached answer (``FileCachedCredentialProvider``): every setting that
        /// changes which credentials come back, the files by their `~`-expanded paths.
        public func cacheKey(environment: AWSEnvironment = .process) -> [String] {
            let properties = (instanceProperties ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return [
                "rolesanywhere-v2", endpoint?.absoluteString ?? "", region ?? "", trustAnchorArn, profileArn, roleArn, String(durationSeconds), roleSessionName ?? "",
                environment.expandingTilde(certificate), privateKey.map(environment.expandingTilde) ?? "", intermediates.map(environment.expandingTilde) ?? "",
            ] + properties
        }

        var input: CreateSessionInput {
            CreateSessionInput(profileArn: profileArn, roleArn: roleArn, trustAnchorArn: trustAnchorArn, durationSeconds: durationSeconds, roleSessionName: roleSessionName, instanceProperties: instanceProperties)
        }
    }

    public let configuration: Configuration
    private let client: RolesAnywhereClient
    private let identities: IdentityFileCache
    private let refresher: RefreshingCredentialProvider
    private let logger: Logger

    public init(
        configuration: Configuration,
        passphrase: PassphraseSource? = nil,
        pkcs11: PKCS11Token.Options = .init(),
        tpm: TPMKey.Options = .init(),
        transport: HTTPTransport,
        clock: any WallClock = SystemWallClock(),
        refresh: RefreshingCredentialProvider.Configuration = .init(),
        logger: Logger = Logger(label: "rolekit.rolesanywhere")
    ) {
        self.configuration = configuration
        self.client = RolesAnywhereClient(transport: transport, endpoint: configuration.endpoint)
        let identities = IdentityFileCache(
            certificate: configuration.certificate, privateKey: configuration.privateKey, intermediates: configuration.intermediates, passphrase: passphrase, pkcs11: pkcs11, tpm: tpm
        )
        self.identities = identities
        let client = self.client
        self.logger = logger
        self.refresher = RefreshingCredentialProvider(clock: clock, configuration: refresh) {
            try Self.credentials(from: try await Self.call(client, configuration, identities, logger))
        }
    }

    /// Validates the configuration and loads the identity now, so mistakes surface at start-up.
    public func validate() throws {
        _ = try configuration.input.validate(region: configuration.region)
        _ = try identities.current()
    }

    /// New credentials now, past the cache (see ``CredentialProvider/refreshedCredentials()``).
    public func refreshedCredentials() async throws -> Credentials {
        try await refresher.refresh()
    }

    public func credentials() async throws -> Credentials {
        try await refresher.credentials()
    }

    /// Calls `CreateSession` now and returns the whole response (not cached).
    public func createSession() async throws -> CreateSessionOutput {
        try await Self.call(client, configuration, identities, logger)
    }

    private static func call(_ client: RolesAnywhereClient, _ configuration: Configuration, _ identities: IdentityFileCache, _ logger: Logger) async throws -> CreateSessionOutput {
        // Load (or reload) the identity once per call, outside the per-attempt signer.
        let identity = try identities.current()
        logger.debug("signing identity", metadata: [
            "certificate": "\(configuration.certificate)", "serial": "\(identity.serialNumber)",
            "key": "\(identity.key.keyDescription)", "intermediates": "\(identity.intermediates.count)",
        ])
        logger.debug("CreateSession", metadata: [
            "trustAnchorArn": "\(configuration.trustAnchorArn)", "profileArn": "\(configuration.profileArn)", "roleArn": "\(configuration.roleArn)",
            "durationSeconds": "\(configuration.durationSeconds)", "endpoint": "\(configuration.endpoint.map(EndpointURL.display) ?? "default")",
        ])
        let output = try await client.createSession(configuration.input, region: configuration.region) { region in
            try identity.signer(region: region)
        }
        if let set = output.credentialSet.first, let credentials = set.credentials {
            // Server text, not yet validated: shown parsed or cut, never as sent.
            logger.debug("credentials", metadata: [
                "accessKeyId": "\(SafeText.excerpt(credentials.accessKeyId, limit: 32))",
                "expiration": "\(ISO8601Timestamp.parse(credentials.expiration).map(ISO8601Timestamp.format) ?? "unreadable")",
                "roleArn": "\(SafeText.excerpt(set.roleArn ?? "-", limit: 200))",
            ])
        }
        return output
    }

    /// The first credential set of a response as ``Credentials``.
    public static func credentials(from output: CreateSessionOutput) throws -> Credentials {
        guard let set = output.credentialSet.first?.credentials else {
            throw RolesAnywhereError(.malformedResponse, "CreateSession returned no credentials")
        }
        guard let expiration = ISO8601Timestamp.parse(set.expiration) else {
            throw RolesAnywhereError(.malformedResponse, "CreateSession returned an unreadable expiration")
        }
        return try Credentials(validating: set.accessKeyId, secretAccessKey: set.secretAccessKey, sessionToken: set.sessionToken, expiration: expiration, source: "CreateSession")
    }
}

/// Holds the loaded identity and reloads it when a file changes (size, mtime or inode).
final class IdentityFileCache: Sendable {
    private struct Entry {
        var stamp: [FileStamp]
        var identity: SigningIdentity
    }

    private let paths: [String]
    private let certificate: String
    private let privateKey: String?
    private let intermediates: String?
    private let passphrase: PassphraseSource?
    private let pkcs11: PKCS11Token.Options
    private let tpm: TPMKey.Options
    private let entry = Mutex<Entry?>(nil)

    /// `certificate` and `privateKey` may be `pkcs11:` URIs and `privateKey` a TPM `handle:`
    /// (then only the files are watched; a token or TPM key opens its own session at every
    /// signature).
    init(certificate: String, privateKey: String?, intermediates: String?, passphrase: PassphraseSource?, pkcs11: PKCS11Token.Options = .init(), tpm: TPMKey.Options = .init()) {
        self.pkcs11 = pkcs11
        self.tpm = tpm
        self.certificate = certificate
        self.privateKey = privateKey
        self.intermediates = intermediates
        self.passphrase = passphrase
        self.paths = [certificate, privateKey, intermediates].compactMap { $0 }.filter { !$0.hasPrefix("pkcs11:") && !TPMKey.isHandle($0) }.map(SecureFileReader.expandTilde)
    }

    func current() throws -> SigningIdentity {
        let stamp = paths.map(FileStamp.init(path:))
        if let cached = entry.withLock({ $0 }), cached.stamp == stamp { return cached.identity }
        let identity = try SigningIdentity.load(certificate: certificate, privateKey: privateKey, intermediates: intermediates, passphrase: passphrase, pkcs11: pkcs11, tpm: tpm)
        entry.withLock { $0 = Entry(stamp: stamp, identity: identity) }
        return identity
    }
}

/// What identifies a file's version without reading it.
struct FileStamp: Hashable, Sendable {
    var device: Int = 0
    var inode: Int = 0
    var size: Int = -1
    var modified: Date?

    init(path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return }
        device = (attributes[.systemNumber] as? Int) ?? 0
        inode = (attributes[.systemFileNumber] as? Int) ?? 0
        size = (attributes[.size] as? Int) ?? -1
        modified = attributes[.modificationDate] as? Date
    }
}
