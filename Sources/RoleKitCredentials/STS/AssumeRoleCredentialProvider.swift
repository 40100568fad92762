public import FoundationEssentials
public import RoleKitServices
import RoleKitSigning
public import RoleKitTransport
import Synchronization

/// Credentials for a role assumed with another provider's credentials, refreshed before they
/// expire. Chains of any depth are providers of providers: each link refreshes with its
/// parent's current credentials, and ``parent`` stays reachable.
public final class AssumeRoleCredentialProvider: RegionalCredentialProvider {
    /// Where the STS call for this role goes (aws-assume-role-lib's three `region_name` modes).
    public enum RegionMode: Sendable, Hashable {
        /// Use the parent's region at each refresh (and follow it when it changes).
        case inherit
        /// Use the parent's region as it is now, and keep it.
        case pinned
        case explicit(String)
    }

    /// Where MFA codes come from.
    public enum TokenCodeSource: Sendable {
        /// One code, good for the first call only; a later refresh that needs a code fails with
        /// ``RoleKitServices/STSError/Code-swift.struct/mfaCodeRequired``.
        case oneTime(String)
        /// Asked at each refresh that needs a code (gets the device serial).
        case provider(@Sendable (String) async throws -> String)
    }

    public struct MFA: Sendable {
        public var serialNumber: String
        public var tokenCode: TokenCodeSource
        public init(serialNumber: String, tokenCode: TokenCodeSource) {
            self.serialNumber = serialNumber
            self.tokenCode = tokenCode
        }
    }

    public struct Configuration: Sendable {
        public var roleArn: String
        /// `nil` generates a valid name (left out of the cache key, as botocore does).
        public var roleSessionName: String?
        public var policyArns: [String]
        public var policy: SessionPolicy?
        public var durationSeconds: Int?
        public var tags: [STSTag]
        public var transitiveTagKeys: [String]
        public var externalId: String?
        public var sourceIdentity: String?
        public var mfa: MFA?
        public var additionalParameters: [String: String]
        public var region: RegionMode
        public var endpoint: URL?
        /// Check the parameters before the first call (on by default).
        public var validate: Bool

        public init(
            roleArn: String, roleSessionName: String? = nil, policyArns: [String] = [], policy: SessionPolicy? = nil, durationSeconds: Int? = nil,
            tags: [STSTag] = [], transitiveTagKeys: [String] = [], externalId: String? = nil, sourceIdentity: String? = nil, mfa: MFA? = nil,
            additionalParameters: [String: String] = [:], region: RegionMode = .inherit, endpoint: URL? = nil, validate: Bool = true
        ) {
            self.roleArn = roleArn
            self.roleSessionName = roleSessionName
            self.policyArns = policyArns
            self.policy = policy
            self.durationSeconds = durationSeconds
            self.tags = tags
            self.transitiveTagKeys = transitiveTagKeys
            self.externalId = externalId
            self.sourceIdentity = sourceIdentity
            self.mfa = mfa
            self.additionalParameters = additionalParameters
            self.region = region
            self.endpoint = endpoint
            self.validate = validate
        }
    }

    /// The provider whose credentials assume this role.
    public var parent: any CredentialProvider { core.parent }
    public var configuration: Configuration { core.configuration }
    /// The session name used for every call (given or generated once).
    public var roleSessionName: String { core.roleSessionName }
    /// The botocore-compatible cache key of this role's arguments.
    public var cacheKey: String { core.cacheKey }
    /// Whether an AssumeRole call is under way (a background refresh included).
    public var isRefreshing: Bool { refresher.isRefreshing }
    private let core: Core
    private let refresher: RefreshingCredentialProvider

    /// - Throws: ``RoleKitServices/STSError`` with `.invalidInput` when validation is on and a
    ///   parameter is malformed.
    public init(
        parent: any CredentialProvider,
        configuration: Configuration,
        transport: HTTPTransport,
        cache: (any AssumeRoleCache)? = nil,
        clock: any WallClock = SystemWallClock(),
        refresh: RefreshingCredentialProvider.Configuration = .init()
    ) throws(STSError) {
        let core = try Core(parent: parent, configuration: configuration, transport: transport, cache: cache, now: clock.now())
        self.core = core
        let minimumRemaining = max(refresh.advisoryWindow.timeInterval, 15 * 60)
        self.refresher = RefreshingCredentialProvider(clock: clock, configuration: refresh) {
            if let cache, let entry = cache.entry(forKey: core.cacheKey), let expiration = entry.credentials.expiration,
                expiration.timeIntervalSince(clock.now()) > minimumRemaining, (try? entry.credentials.validate(source: "the role cache")) != nil
            {
                return entry.credentials
            }
            return try Credentials(try await core.assumeRole().credentials)
        }
    }

    /// The region the next STS call uses.
    public var region: String? { core.region }

    /// New credentials now, past the cache (see ``CredentialProvider/refreshedCredentials()``).
    public func refreshedCredentials() async throws -> Credentials {
        try await refresher.refresh()
    }

    public func credentials() async throws -> Credentials {
        try await refresher.credentials()
    }

    /// The last `AssumeRole` answer (assumed role user, packed policy size, …), if a call was made.
    public var lastResponse: AssumeRoleOutput? { core.lastOutput.withLock { $0 } }

    /// Calls `AssumeRole` now with the parent's current credentials (asking for an MFA code if
    /// needed), stores the answer in the cache, and returns it.
    public func assumeRole() async throws -> AssumeRoleOutput {
        try await core.assumeRole()
    }

    /// A role assumed with this role's credentials (the next link of a chain).
    public func assumingRole(_ configuration: Configuration, cache: (any AssumeRoleCache)? = nil, clock: any WallClock = SystemWallClock()) throws(STSError) -> AssumeRoleCredentialProvider {
        try AssumeRoleCredentialProvider(parent: self, configuration: configuration, transport: core.transport, cache: cache ?? core.cache, clock: clock)
    }

    static var fallbackRegion: String {
        AWSEnvironment.process.region ?? "us-east-1"
    }

    /// Everything a fetch needs, shared by the provider and its refresher.
    final class Core: Sendable {
        let parent: any CredentialProvider
        let configuration: Configuration
        let roleSessionName: String
        let cacheKey: String
        let transport: HTTPTransport
        let cache: (any AssumeRoleCache)?
        let pinnedRegion: String?
        let oneTimeCodeUsed = Mutex(false)
        let lastOutput = Mutex<AssumeRoleOutput?>(nil)

        init(parent: any CredentialProvider, configuration: Configuration, transport: HTTPTransport, cache: (any AssumeRoleCache)?, now: Date) throws(STSError) {
            self.parent = parent
            self.configuration = configuration
            self.transport = transport
            self.cache = cache
            let generated = configuration.roleSessionName == nil
            roleSessionName = configuration.roleSessionName ?? RoleSessionName.generate(prefix: "rolekit", now: now)
            if case .pinned = configuration.region {
                pinnedRegion = (parent as? any RegionalCredentialProvider)?.region
            } else {
                pinnedRegion = nil
            }
            let template = AssumeRoleCredentialProvider.input(configuration, sessionName: roleSessionName, tokenCode: nil)
            if configuration.validate {
                try template.validate()
                if case .oneTime(let code) = configuration.mfa?.tokenCode {
                    try RoleKitServices.MFA.validate(serialNumber: configuration.mfa?.serialNumber, tokenCode: code)
                }
            }
            cacheKey = AssumeRoleCacheKey.botocore(template, sessionNameWasGenerated: generated)
        }

        var region: String? {
            switch configuration.region {
            case .explicit(let region): return region
            case .pinned: return pinnedRegion
            case .inherit: return (parent as? any RegionalCredentialProvider)?.region
            }
        }

        func assumeRole() async throws -> AssumeRoleOutput {
            let tokenCode = try await nextTokenCode()
            let source = try await parent.credentials()
            let input = AssumeRoleCredentialProvider.input(configuration, sessionName: roleSessionName, tokenCode: tokenCode)
            let client = STSClient(transport: transport, region: region ?? AssumeRoleCredentialProvider.fallbackRegion, endpoint: configuration.endpoint)
            let output = try await client.assumeRole(input, credentials: source.signingCredentials)
            lastOutput.withLock { $0 = output }
            if let cache {
                try? cache.store(CachedRoleCredentials(credentials: try Credentials(output.credentials), assumedRoleUser: output.assumedRoleUser), forKey: cacheKey)
            }
            return output
        }

        private func nextTokenCode() async throws -> String? {
            guard let mfa = configuration.mfa else { return nil }
            switch mfa.tokenCode {
            case .oneTime(let code):
                let used = oneTimeCodeUsed.withLock { used in
                    defer { used = true }
                    return used
                }
                if used {
                    throw STSError(.mfaCodeRequired, "assuming \(configuration.roleArn) again needs a new MFA code for \(mfa.serialNumber), and only a one-time code was given; pass a code provider or start a new session")
                }
                return code
            case .provider(let ask):
                let code = try await ask(mfa.serialNumber)
                try RoleKitServices.MFA.validate(serialNumber: mfa.serialNumber, tokenCode: code)
                return code
            }
        }
    }

    static func input(_ configuration: Configuration, sessionName: String, tokenCode: String?) -> AssumeRoleInput {
        AssumeRoleInput(
            roleArn: configuration.roleArn, roleSessionName: sessionName, policyArns: configuration.policyArns, policy: configuration.policy,
            durationSeconds: configuration.durationSeconds, tags: configuration.tags, transitiveTagKeys: configuration.transitiveTagKeys,
            externalId: configuration.externalId, serialNumber: configuration.mfa?.serialNumber, tokenCode: tokenCode,
            sourceIdentity: configuration.sourceIdentity, additionalParameters: configuration.additionalParameters
        )
    }
}

extension Credentials {
    /// STS credentials as a ``Credentials`` value.
    ///
    /// - Throws: ``CredentialsError`` when the answer fails ``validate(source:now:)``.
    public init(_ sts: STSCredentials) throws(CredentialsError) {
        try self.init(validating: sts.accessKeyId, secretAccessKey: sts.secretAccessKey, sessionToken: sts.sessionToken, expiration: sts.expiration, source: "STS")
    }
}

extension CredentialProvider {
    /// A refreshing provider for `configuration.roleArn`, assumed with this provider's credentials.
    public func assumingRole(
        _ configuration: AssumeRoleCredentialProvider.Configuration,
        transport: HTTPTransport,
        cache: (any AssumeRoleCache)? = nil,
        clock: any WallClock = SystemWallClock()
    ) throws(STSError) -> AssumeRoleCredentialProvider {
        try AssumeRoleCredentialProvider(parent: self, configuration: configuration, transport: transport, cache: cache, clock: clock)
    }
}
