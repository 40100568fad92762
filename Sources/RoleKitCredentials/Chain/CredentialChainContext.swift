public import RoleKitTransport
import Synchronization

/// What every link of a chain resolution sees: the transport, the role cache, the environment,
/// the profile asked for and the shared files (read once per resolution).
public final class CredentialChainContext: Sendable {
    public let transport: HTTPTransport
    public let cache: (any AssumeRoleCache)?
    public let environment: AWSEnvironment
    /// The profile given explicitly (`--profile`); `nil` when the environment or `default` decides.
    public let explicitProfile: String?
    public let configPath: String?
    public let credentialsPath: String?
    /// How long the instance metadata service may take to answer before it counts as absent.
    public let instanceMetadataTimeout: Duration?
    /// The time of refresh and backoff decisions of the providers the links make.
    public let clock: any WallClock
    /// Where MFA codes for profiles come from.
    public let mfaCode: MFACodeSource
    private let loaded = Mutex<SharedConfiguration?>(nil)

    public init(
        transport: HTTPTransport, cache: (any AssumeRoleCache)?, environment: AWSEnvironment, explicitProfile: String?,
        configPath: String?, credentialsPath: String?, instanceMetadataTimeout: Duration?, clock: any WallClock = SystemWallClock(),
        mfaCode: MFACodeSource = .init()
    ) {
        self.clock = clock
        self.mfaCode = mfaCode
        self.transport = transport
        self.cache = cache
        self.environment = environment
        self.explicitProfile = explicitProfile
        self.configPath = configPath
        self.credentialsPath = credentialsPath
        self.instanceMetadataTimeout = instanceMetadataTimeout
    }

    /// The profile from the environment: `AWS_DEFAULT_PROFILE`, else `AWS_PROFILE` (botocore's order).
    public var environmentProfile: String? { environment.profileName?.name }

    /// The profile in use: the explicit one, else the environment's, else `default`.
    public var profileName: String { explicitProfile ?? environmentProfile ?? "default" }

    /// The config and credentials files, read on first use.
    public func sharedConfiguration() throws(CredentialsError) -> SharedConfiguration {
        if let configuration = loaded.withLock({ $0 }) { return configuration }
        let configuration = try SharedConfiguration.load(configPath: configPath, credentialsPath: credentialsPath, environment: environment)
        loaded.withLock { $0 = configuration }
        return configuration
    }

    /// A profile chosen explicitly or by `AWS_DEFAULT_PROFILE`/`AWS_PROFILE` must exist, before
    /// any source is asked (botocore raises `ProfileNotFound` even with environment keys set).
    public func requireSelectedProfile() throws(CredentialsError) {
        guard let name = explicitProfile ?? environmentProfile else { return }
        _ = try profileResolver().requireProfile(name)
    }

    /// A resolver of profiles over the shared files.
    public func profileResolver() throws(CredentialsError) -> ProfileCredentialResolver {
        ProfileCredentialResolver(configuration: try sharedConfiguration(), transport: transport, cache: cache, mfaCode: mfaCode, environment: environment)
    }
}
