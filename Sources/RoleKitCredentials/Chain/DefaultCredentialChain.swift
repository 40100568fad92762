public import FoundationEssentials
public import RoleKitTransport
import Synchronization

/// The default provider chain in botocore's order, itself a ``CredentialProvider``:
/// environment variables (skipped when a profile is given explicitly, as botocore does), web
/// identity from the environment, then the profile (assume-role, web identity, credentials
/// file, `credential_process`, config file), then the container endpoint
/// (`AWS_CONTAINER_CREDENTIALS_*`), then the instance metadata service, which counts as
/// configured only when it answers in time.
///
/// A source that is not configured passes to the next; a configured but broken one stops the
/// chain with its error.
///
/// ```swift
/// let chain = try DefaultCredentialChain()             // the process's environment and files
/// let credentials = try await chain.credentials()     // resolved once, then refreshed by the source
/// if let resolution = try await chain.resolve() {
///     print(resolution.source.method, resolution.source.location ?? "")   // "assume-role ~/.aws/config"
/// }
/// ```
public final class DefaultCredentialChain: CredentialProvider {
    /// Where the chain's answer is and what it is.
    public typealias Resolution = ProfileCredentialResolver.Resolution

    public let transport: HTTPTransport
    public let cache: (any AssumeRoleCache)?
    /// How long each instance-metadata call may take before the chain concludes there is no
    /// metadata service; `nil` means `AWS_METADATA_SERVICE_TIMEOUT` or 1 s, as botocore.
    public let instanceMetadataTimeout: Duration?
    public let environment: AWSEnvironment
    /// The profile to use (`--profile`); `nil` uses `AWS_DEFAULT_PROFILE`, `AWS_PROFILE`, then `default`.
    public let profile: String?
    public let configPath: String?
    public let credentialsPath: String?
    /// The sources, in the order they are asked.
    public let links: [any CredentialChainLink]
    /// The time the sources' refresh and backoff decisions use.
    public let clock: any WallClock
    /// Where MFA codes for profiles come from (see ``MFACodeSource``).
    public let mfaCode: MFACodeSource
    private let resolved = Mutex<Resolution?>(nil)

    /// A chain over the process-wide ``RoleKitTransport/HTTPTransport/shared()`` transport:
    /// `DefaultCredentialChain()` is botocore's `Session().get_credentials()`.
    public convenience init(
        cache: (any AssumeRoleCache)? = JSONFileAssumeRoleCache(), instanceMetadataTimeout: Duration? = nil,
        environment: AWSEnvironment = .process, profile: String? = nil, configPath: String? = nil, credentialsPath: String? = nil
    ) throws(TransportError) {
        self.init(
            transport: try HTTPTransport.shared(), cache: cache, instanceMetadataTimeout: instanceMetadataTimeout,
            environment: environment, profile: profile, configPath: configPath, credentialsPath: credentialsPath
        )
    }

    /// The sources of botocore's chain, in its order.
    public static let standardLinks: [any CredentialChainLink] = [
        EnvironmentKeysLink(), WebIdentityEnvironmentLink(), ProfileLink(), ContainerLink(), InstanceMetadataLink(),
    ]

    /// A chain over `transport`.
    public init(
        transport: HTTPTransport, cache: (any AssumeRoleCache)? = JSONFileAssumeRoleCache(), instanceMetadataTimeout: Duration? = nil,
        environment: AWSEnvironment = .process, profile: String? = nil, configPath: String? = nil, credentialsPath: String? = nil,
        links: [any CredentialChainLink] = DefaultCredentialChain.standardLinks, clock: any WallClock = SystemWallClock(), mfaCode: MFACodeSource = .init()
    ) {
        self.clock = clock
        self.mfaCode = mfaCode
        self.transport = transport
        self.cache = cache
        self.instanceMetadataTimeout = instanceMetadataTimeout
        self.environment = environment
        self.profile = profile
        self.configPath = configPath
        self.credentialsPath = credentialsPath
        self.links = links
    }

    /// Credentials from the first configured source. The source is found on the first call and
    /// kept; later calls ask that source, which refreshes its own credentials.
    /// - Throws: ``CredentialsError`` `.notFound` when no source is configured, or the error of
    ///   the first source that is configured but broken.
    public func credentials() async throws -> Credentials {
        if let resolution = resolved.withLock({ $0 }) { return try await resolution.provider.credentials() }
        guard let resolution = try await resolve() else {
            throw CredentialsError(.notFound, "no AWS credentials: set the AWS_ variables, configure a profile in \(environment.configFilePath) or \(environment.credentialsFilePath), or run where a container or instance metadata endpoint serves them")
        }
        let kept = resolved.withLock { (current: inout Resolution?) -> Resolution in
            if let current { return current }
            current = resolution
            return resolution
        }
        return try await kept.provider.credentials()
    }

    /// The source ``credentials()`` settled on, once it has been called.
    public var source: CredentialSource? { resolved.withLock { $0?.source } }

    /// The first configured source with where it came from, or `nil` when none is.
    public func resolve() async throws -> Resolution? {
        try await resolve(profile: profile, configPath: configPath, credentialsPath: credentialsPath)
    }

    /// The first configured source for an explicit profile and files (overriding this chain's).
    /// - Parameter profile: `nil` uses `AWS_DEFAULT_PROFILE`, `AWS_PROFILE`, then `default`.
    public func resolve(profile explicitProfile: String?, configPath: String? = nil, credentialsPath: String? = nil) async throws -> Resolution? {
        let context = context(profile: explicitProfile, configPath: configPath, credentialsPath: credentialsPath)
        try context.requireSelectedProfile()
        for link in links {
            if let resolution = try await link.resolve(in: context) { return resolution }
        }
        return nil
    }

    /// The first source configuration alone names, without fetching or probing anything (the
    /// instance metadata service, which counts only when it answers, is never the answer).
    public func resolveLazily(profile explicitProfile: String? = nil, configPath: String? = nil, credentialsPath: String? = nil) throws -> Resolution? {
        let context = context(profile: explicitProfile ?? profile, configPath: configPath ?? self.configPath, credentialsPath: credentialsPath ?? self.credentialsPath)
        try context.requireSelectedProfile()
        for link in links {
            if let resolution = try link.resolveLazily(in: context) { return resolution }
        }
        return nil
    }

    private func context(profile: String?, configPath: String?, credentialsPath: String?) -> CredentialChainContext {
        CredentialChainContext(
            transport: transport, cache: cache, environment: environment, explicitProfile: profile,
            configPath: configPath, credentialsPath: credentialsPath, instanceMetadataTimeout: instanceMetadataTimeout, clock: clock, mfaCode: mfaCode
        )
    }
}
