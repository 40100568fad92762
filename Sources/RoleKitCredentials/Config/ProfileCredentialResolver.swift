public import FoundationEssentials
public import RoleKitServices
public import RoleKitTransport
import RoleKitSigning
import RoleKitSupport

/// Resolves a profile of the shared files to a provider, in botocore's order and with its
/// rules: assume-role (`role_arn` with `source_profile` at any depth, loops refused, or
/// `credential_source`), web identity, IAM Identity Center (SSO), static keys from the credentials file, `credential_process`,
/// static keys from the config file.
public struct ProfileCredentialResolver: Sendable {
    /// The provider, where it came from, and the region its source configures.
    public struct Resolution: Sendable {
        public var provider: any CredentialProvider
        public var source: CredentialSource
        public var region: String?

        public init(provider: any CredentialProvider, source: CredentialSource, region: String?) {
            self.provider = provider
            self.source = source
            self.region = region
        }

        /// botocore's name for the method (`assume-role`, `shared-credentials-file`, …).
        public var method: String { source.method }
    }

    public let configuration: SharedConfiguration
    public let transport: HTTPTransport
    public let cache: (any AssumeRoleCache)?
    /// Where MFA codes come from (each profile's `mfa_process` / `mfa_ykman_account` is applied
    /// on top; without a prompt, a profile needing a code and giving no way to get one fails).
    public let mfaCode: MFACodeSource
    private let environment: AWSEnvironment

    public init(
        configuration: SharedConfiguration, transport: HTTPTransport, cache: (any AssumeRoleCache)? = JSONFileAssumeRoleCache(), mfaCode: MFACodeSource = .init(),
        environment: AWSEnvironment = .process
    ) {
        self.configuration = configuration
        self.transport = transport
        self.cache = cache
        self.mfaCode = mfaCode
        self.environment = environment
    }

    /// The provider for `name`, or `nil` when the profile exists but configures no credentials.
    /// - Throws: ``CredentialsError`` (`profileNotFound`, `invalidConfiguration`, `infiniteLoop`,
    ///   `partialCredentials`) or ``RoleKitServices/STSError`` for invalid role settings.
    public func resolve(profile name: String) throws -> Resolution? {
        let profile = try requireProfile(name)
        var visited: [String] = []
        return try resolve(profile, visited: &visited, top: true)
    }

    /// The profile `name`, or botocore's `ProfileNotFound`.
    public func requireProfile(_ name: String) throws(CredentialsError) -> SharedConfiguration.Profile {
        guard let profile = configuration.profiles[name] else {
            throw CredentialsError(.profileNotFound, "the config profile (\(SafeText.excerpt(name, limit: 64))) could not be found in \(configuration.configPath) or \(configuration.credentialsPath)")
        }
        return profile
    }

    /// `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL` from this resolver's environment (which may
    /// not be the process's).
    /// `nil` for a malformed value too: the STS client reads the same variable and reports it.
    var stsEndpoint: URL? { (try? STSClient.configuredEndpoint(environment: environment.variables)) ?? nil }

    /// The environment's region, else the profile's `region`.
    private func region(of profile: SharedConfiguration.Profile) -> String? {
        environment.region ?? profile["region"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private func resolve(_ profile: SharedConfiguration.Profile, visited: inout [String], top: Bool) throws -> Resolution? {
        visited.append(profile.name)
        if profile["role_arn"] != nil && profile["web_identity_token_file"] == nil {
            // As botocore: in a source profile, static keys win over its own role_arn.
            if top || !hasStaticKeys(profile) {
                return try assumeRole(profile, visited: &visited)
            }
        }
        if profile["web_identity_token_file"] != nil, profile["role_arn"] == nil {
            throw CredentialsError(.invalidConfiguration, "profile \(SafeText.excerpt(profile.name, limit: 64)) sets web_identity_token_file but not role_arn")
        }
        if let file = profile["web_identity_token_file"], let role = profile["role_arn"] {
            let provider = try WebIdentityCredentialProvider(
                configuration: .init(roleArn: role, tokenFile: file, roleSessionName: profile["role_session_name"], region: region(of: profile), endpoint: stsEndpoint),
                transport: transport
            )
            return Resolution(provider: provider, source: .webIdentity(tokenFile: file, profile: location(profile, configuration.configPath)), region: region(of: profile))
        }
        // botocore asks its SSO provider here, before the credentials file's keys.
        if let sso = try SSOProfileConfiguration.resolve(profile, in: configuration) {
            let provider = try SSOCredentialProvider(
                configuration: .init(
                    profile: sso, portalEndpoint: try environment.configuredEndpoint(service: "SSO"), oidcEndpoint: try environment.configuredEndpoint(service: "SSO_OIDC"),
                    tokenCacheDirectory: SSOTokenCache.defaultDirectory(environment: environment),
                    roleCacheDirectory: cache == nil ? nil : SSORoleCredentialCache.defaultDirectory(environment: environment)
                ),
                transport: transport
            )
            return Resolution(provider: provider, source: .sso(location(profile, configuration.configPath)), region: region(of: profile))
        }
        if let keys = try staticKeys(profile.credentialsFileValues, profile: profile.name, file: configuration.credentialsPath) {
            return Resolution(provider: StaticCredentialProvider(keys, region: region(of: profile)), source: .sharedCredentialsFile(location(profile, configuration.credentialsPath)), region: region(of: profile))
        }
        if let command = profile["credential_process"], !command.isEmpty {
            return Resolution(provider: ProcessCredentialProvider(command: command), source: .credentialProcess(location(profile, configuration.configPath)), region: region(of: profile))
        }
        if let keys = try staticKeys(profile.configFileValues, profile: profile.name, file: configuration.configPath) {
            return Resolution(provider: StaticCredentialProvider(keys, region: region(of: profile)), source: .configFile(location(profile, configuration.configPath)), region: region(of: profile))
        }
        return nil
    }

    private func location(_ profile: SharedConfiguration.Profile, _ file: String) -> CredentialSource.ProfileLocation {
        CredentialSource.ProfileLocation(profile: profile.name, file: file)
    }

    /// `mfa_session_duration` of the profile holding the keys (900–129600 s), default 1 hour.
    private func mfaSessionDuration(_ profile: SharedConfiguration.Profile) throws(CredentialsError) -> Int {
        guard let text = profile["mfa_session_duration"] else { return 3600 }
        guard let seconds = Int(text), (900...129_600).contains(seconds) else {
            throw CredentialsError(.invalidConfiguration, "profile \(SafeText.excerpt(profile.name, limit: 64)): mfa_session_duration must be 900–129600 seconds")
        }
        return seconds
    }

    private func hasStaticKeys(_ profile: SharedConfiguration.Profile) -> Bool {
        profile["aws_access_key_id"] != nil && profile["aws_secret_access_key"] != nil
    }

    private func staticKeys(_ values: [String: INIFile.Value], profile: String, file: String) throws(CredentialsError) -> Credentials? {
        // As botocore: the key id decides whether the profile has keys; then the secret must be there.
        guard let id = values["aws_access_key_id"]?.text else { return nil }
        guard let secret = values["aws_secret_access_key"]?.text else {
            throw CredentialsError(.partialCredentials, "profile \(profile) in \(file) sets aws_access_key_id but not aws_secret_access_key")
        }
        // botocore looks at aws_security_token first; an empty one means no token.
        let token = values["aws_security_token"]?.text ?? values["aws_session_token"]?.text
        return try Credentials(validating: id, secretAccessKey: secret, sessionToken: token?.isEmpty == false ? token : nil, expiration: nil, source: "profile \(SafeText.excerpt(profile, limit: 64)) in \(file)")
    }

    /// The deepest `source_profile` chain resolved (botocore has no limit, but recursion must end).
    public static let maximumChainDepth = 64

    private func assumeRole(_ profile: SharedConfiguration.Profile, visited: inout [String]) throws -> Resolution {
        guard let roleArn = profile["role_arn"] else {
            throw CredentialsError(.partialCredentials, "profile \(SafeText.excerpt(profile.name, limit: 64)) has no role_arn")
        }
        let sourceProfile = profile["source_profile"]
        let credentialSource = profile["credential_source"]
        var parent: any CredentialProvider
        switch (sourceProfile, credentialSource) {
        case (.some, .some):
            throw CredentialsError(.invalidConfiguration, "profile \(profile.name) sets both source_profile and credential_source; keep one")
        case (nil, nil):
            throw CredentialsError(.partialCredentials, "profile \(profile.name) has role_arn but neither source_profile nor credential_source")
        case (nil, .some(let source)):
            switch source {
            case "Environment":
                let env = EnvironmentCredentialProvider(environment: environment)
                guard env.isConfigured, environment("AWS_SECRET_ACCESS_KEY")?.isEmpty == false else {
                    throw CredentialsError(.retrievalFailed, "profile \(profile.name): credential_source Environment, but AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set")
                }
                parent = env
            case "Ec2InstanceMetadata":
                guard let instance = InstanceMetadataCredentialProvider(transport: transport, environment: environment) else {
                    throw CredentialsError(.retrievalFailed, "profile \(profile.name): credential_source Ec2InstanceMetadata, but the instance metadata service is disabled (AWS_EC2_METADATA_DISABLED)")
                }
                parent = instance
            case "EcsContainer":
                guard let container = try ContainerCredentialProvider(transport: transport, environment: environment) else {
                    throw CredentialsError(.retrievalFailed, "profile \(profile.name): credential_source EcsContainer, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set")
                }
                parent = container
            default:
                throw CredentialsError(.invalidConfiguration, "profile \(profile.name): credential_source \(source) must be Environment, Ec2InstanceMetadata or EcsContainer")
            }
        case (.some(let sourceName), nil):
            guard let source = configuration.profiles[sourceName] else {
                throw CredentialsError(.invalidConfiguration, "source_profile \(sourceName) referenced from profile \(profile.name) does not exist")
            }
            guard visited.count < Self.maximumChainDepth else {
                throw CredentialsError(.invalidConfiguration, "the source_profile chain from profile \(SafeText.excerpt(visited.first ?? profile.name, limit: 64)) is deeper than \(Self.maximumChainDepth) profiles; shorten it")
            }
            if visited.contains(sourceName) {
                // A profile may name itself to use its own static keys; anything else is a loop.
                guard sourceName == profile.name, hasStaticKeys(source) else {
                    throw CredentialsError(.infiniteLoop, "source_profile loop: \(SafeText.excerpt((visited + [sourceName]).joined(separator: " -> "), limit: 400))")
                }
                guard let keys = try staticKeys(source.values, profile: sourceName, file: configuration.credentialsPath) else {
                    throw CredentialsError(.partialCredentials, "profile \(sourceName) has no keys")
                }
                parent = StaticCredentialProvider(keys, region: region(of: source))
            } else {
                guard let resolution = try resolve(source, visited: &visited, top: false) else {
                    throw CredentialsError(.invalidConfiguration, "source_profile \(sourceName) (for \(profile.name)) configures no credentials")
                }
                parent = resolution.provider
            }
        }
        let duration = profile["duration_seconds"].flatMap { Int($0) }
        if profile["duration_seconds"] != nil && duration == nil {
            throw CredentialsError(.invalidConfiguration, "profile \(profile.name): duration_seconds must be a number of seconds")
        }
        let region = region(of: profile)
        var mfa: AssumeRoleCredentialProvider.MFA?
        let source = sourceProfile.flatMap { configuration.profiles[$0] }
        if let keys = (parent as? StaticCredentialProvider)?.fixed, keys.sessionToken == nil, let source,
            let serial = profile["mfa_serial"] ?? source["mfa_serial"]
        {
            // Long-term keys and an MFA device: one GetSessionToken with the code, shared by
            // every role these keys assume (and cached for other processes), then AssumeRole
            // with that session, as aws-vault does: one prompt, not one per role.
            let codes = mfaCode.applying(profile: profile).applying(profile: source)
            parent = MFASessionCredentialProvider(
                parent: parent, serialNumber: serial, durationSeconds: try mfaSessionDuration(source), code: codes, context: "profile \(SafeText.excerpt(source.name, limit: 64))",
                region: region, endpoint: stsEndpoint, transport: transport, cache: cache
            )
        } else if let serial = profile["mfa_serial"] {
            let codes = mfaCode.applying(profile: profile)
            let context = "profile \(SafeText.excerpt(profile.name, limit: 64))"
            mfa = .init(serialNumber: serial, tokenCode: .provider { serial in try await codes.code(serial: serial, context: context) })
        }
        let provider = try AssumeRoleCredentialProvider(
            parent: parent,
            configuration: .init(
                roleArn: roleArn, roleSessionName: profile["role_session_name"], durationSeconds: duration, externalId: profile["external_id"],
                mfa: mfa, region: region.map { .explicit($0) } ?? .inherit, endpoint: stsEndpoint
            ),
            transport: transport,
            cache: cache
        )
        return Resolution(provider: provider, source: .assumeRole(location(profile, configuration.configPath)), region: region)
    }
}
