public import FoundationEssentials
public import RoleKitTransport

/// The default provider chain in botocore's order: environment variables (skipped when a
/// profile is given explicitly, as botocore does), web identity from the environment, then the
/// profile (assume-role, web identity, credentials file, `credential_process`, config file).
/// A source that is not configured passes to the next; a configured but broken one stops the
/// chain with its error. Then the container endpoint (`AWS_CONTAINER_CREDENTIALS_*`), then the
/// instance metadata service, which counts as configured only when it answers in time.
public struct DefaultCredentialChain: Sendable {
    public let transport: HTTPTransport
    public let cache: (any AssumeRoleCache)?
    /// How long each instance-metadata call may take before the chain concludes there is no
    /// metadata service; `nil` means `AWS_METADATA_SERVICE_TIMEOUT` or 1 s, as botocore.
    public var instanceMetadataTimeout: Duration?
    private let environment: @Sendable (String) -> String?

    public init(transport: HTTPTransport, cache: (any AssumeRoleCache)? = JSONFileAssumeRoleCache(), instanceMetadataTimeout: Duration? = nil, environment: @escaping @Sendable (String) -> String? = ProcessEnvironment.value) {
        self.transport = transport
        self.cache = cache
        self.instanceMetadataTimeout = instanceMetadataTimeout
        self.environment = environment
    }

    /// - Parameters:
    ///   - profile: An explicit profile (`--profile`); `nil` uses `AWS_PROFILE`,
    ///     `AWS_DEFAULT_PROFILE`, then `default`.
    /// - Returns: The first configured source, or `nil` when none is.
    public func resolve(profile explicitProfile: String? = nil, configPath: String? = nil, credentialsPath: String? = nil) async throws -> ProfileCredentialResolver.Resolution? {
        let region = environmentRegion
        if let resolution = try resolveLazily(profile: explicitProfile, configPath: configPath, credentialsPath: credentialsPath) {
            // As botocore, credential_process runs when the chain is resolved (a failing process
            // fails the resolution); role assumption waits for first use.
            if resolution.method == "custom-process" { _ = try await resolution.provider.credentials() }
            return resolution
        }
        if let container = try ContainerCredentialProvider(transport: transport, environment: environment) {
            return .init(provider: container, method: "container-role", region: region)
        }
        if let instance = InstanceMetadataCredentialProvider(transport: transport, timeout: instanceMetadataTimeout, environment: environment) {
            // The metadata service counts as configured only if it answers in time.
            if (try? await instance.credentials()) != nil { return .init(provider: instance, method: "iam-role", region: region) }
        }
        return nil
    }

    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`.
    private var environmentRegion: String? {
        [environment("AWS_REGION"), environment("AWS_DEFAULT_REGION")].compactMap { $0 }.first { !$0.isEmpty }
    }

    /// The first configured source without fetching anything.
    public func resolveLazily(profile explicitProfile: String? = nil, configPath: String? = nil, credentialsPath: String? = nil) throws -> ProfileCredentialResolver.Resolution? {
        let region = environmentRegion
        if explicitProfile == nil {
            let env = EnvironmentCredentialProvider(environment: environment)
            if env.isConfigured {
                guard environment("AWS_SECRET_ACCESS_KEY")?.isEmpty == false else {
                    throw CredentialsError(.partialCredentials, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
                }
                return .init(provider: env, method: "env", region: region)
            }
        }
        // botocore: AWS_DEFAULT_PROFILE before AWS_PROFILE; an empty value is a (missing) name.
        let envProfile = environment("AWS_DEFAULT_PROFILE") ?? environment("AWS_PROFILE")
        let profileName = explicitProfile ?? envProfile ?? "default"
        let shared = try SharedConfiguration.load(configPath: configPath, credentialsPath: credentialsPath, environment: environment)
        let profileValues = shared.profiles[profileName]
        let resolver = ProfileCredentialResolver(configuration: shared, transport: transport, cache: cache, environment: environment)
        if profileValues?["web_identity_token_file"] == nil, var configuration = WebIdentityCredentialProvider.Configuration.fromEnvironment(environment) {
            configuration.endpoint = resolver.stsEndpoint
            let provider = try WebIdentityCredentialProvider(configuration: configuration, transport: transport)
            return .init(provider: provider, method: "assume-role-with-web-identity", region: region)
        }
        if profileValues == nil {
            // A named profile must exist; a missing default is simply not configured.
            if explicitProfile != nil || envProfile != nil {
                _ = try resolver.resolve(profile: profileName)
            }
            return nil
        }
        return try resolver.resolve(profile: profileName)
    }
}
