public import FoundationEssentials
public import RoleKitServices
public import RoleKitTransport
import Synchronization

/// awsauthhelper's `Credentials` object in Swift: base credentials (keys, a profile, or the
/// default chain), an optional role to assume and an optional MFA device, with checks, role
/// assumption, an MFA session token, reset, frozen snapshots and a process-wide default.
public final class CredentialSession: Sendable {
    public struct Settings: Sendable, Hashable {
        public var accessKeyId: String?
        public var secretAccessKey: String?
        public var sessionToken: String?
        public var profile: String?
        public var region: String?
        public var roleArn: String?
        public var roleSessionName: String?
        public var configPath: String?
        public var credentialsPath: String?
        public var mfaSerial: String?
        public var mfaToken: String?
        /// Length of an MFA session token, in seconds.
        public var mfaSessionLife: Int?
        /// STS endpoint for the role and MFA calls this session makes itself (default:
        /// `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, else the regional endpoint).
        public var stsEndpoint: URL?
        /// Where MFA codes come from when one is needed and `mfaToken` is not given.
        public var mfaCode: MFACodeSource = .init()

        /// These settings with `source` for MFA codes.
        public func withMFACode(_ source: MFACodeSource) -> Settings {
            var settings = self
            settings.mfaCode = source
            return settings
        }

        public init(
            accessKeyId: String? = nil, secretAccessKey: String? = nil, sessionToken: String? = nil, profile: String? = nil, region: String? = nil,
            roleArn: String? = nil, roleSessionName: String? = nil, configPath: String? = nil, credentialsPath: String? = nil,
            mfaSerial: String? = nil, mfaToken: String? = nil, mfaSessionLife: Int? = nil, stsEndpoint: URL? = nil
        ) {
            self.stsEndpoint = stsEndpoint
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
            self.profile = profile
            self.region = region
            self.roleArn = roleArn
            self.roleSessionName = roleSessionName
            self.configPath = configPath
            self.credentialsPath = credentialsPath
            self.mfaSerial = mfaSerial
            self.mfaToken = mfaToken
            self.mfaSessionLife = mfaSessionLife
        }
    }

    public let settings: Settings
    public let transport: HTTPTransport
    private let environment: AWSEnvironment
    private struct State {
        var current: (any CredentialProvider)?
        var source: CredentialSource?
        var method: String?
        /// The region the base source configures (a profile's `region`).
        var sourceRegion: String?
    }
    private let state = Mutex(State())

    public init(settings: Settings, transport: HTTPTransport, environment: AWSEnvironment = .process) {
        self.settings = settings
        self.transport = transport
        self.environment = environment
    }

    public var hasKeys: Bool { settings.accessKeyId != nil && settings.secretAccessKey != nil }
    public var hasSessionKeys: Bool { hasKeys && settings.sessionToken != nil }
    public var hasProfile: Bool { settings.profile != nil }
    public var hasRole: Bool { settings.roleArn != nil }
    public var hasMFA: Bool { settings.mfaSerial != nil }
    /// A role is set and there are base credentials to assume it with.
    public var shouldAssumeRole: Bool { hasRole && (hasKeys || hasProfile) }

    /// The region: the setting, else `AWS_REGION`, `AWS_DEFAULT_REGION`, else the profile's
    /// `region` (known once the base credentials are resolved), else `us-east-1`.
    public var region: String {
        settings.region ?? environment.region ?? state.withLock { $0.sourceRegion } ?? "us-east-1"
    }

    /// Which source answers: `explicit-keys`, a chain method (`env`, `assume-role`, …), with
    /// `+assume-role` or `+mfa-session` after the base when those apply.
    public var method: String? { state.withLock { $0.method } }

    /// Where the base credentials came from (the chain's typed answer), once ``provider()`` ran.
    public var source: CredentialSource? { state.withLock { $0.source } }

    /// The base credentials (keys or profile or default chain), before any role or MFA, and
    /// where they came from (``CredentialSource/explicitKeys`` or the chain's source).
    public func baseProvider() async throws -> (any CredentialProvider, CredentialSource) {
        if let id = settings.accessKeyId {
            guard let secret = settings.secretAccessKey else {
                throw CredentialsError(.partialCredentials, "an access key id was given without its secret access key")
            }
            return (StaticCredentialProvider(try Credentials(validating: id, secretAccessKey: secret, sessionToken: settings.sessionToken, expiration: nil, source: "the explicit keys"), region: region), .explicitKeys)
        }
        let chain = DefaultCredentialChain(transport: transport, environment: environment, mfaCode: settings.mfaCode)
        guard let resolution = try await chain.resolve(profile: settings.profile, configPath: settings.configPath, credentialsPath: settings.credentialsPath) else {
            throw CredentialsError(.notFound, "no AWS credentials: give keys or a profile, or set the AWS_ variables or \(environment.credentialsFilePath)")
        }
        if let region = resolution.region { state.withLock { $0.sourceRegion = region } }
        return (resolution.provider, resolution.source)
    }

    /// The provider these settings describe (base, then MFA session, then role), built once.
    public func provider() async throws -> any CredentialProvider {
        if let current = state.withLock({ $0.current }) { return current }
        var (provider, source) = try await baseProvider()
        var method = source.method
        if let serial = settings.mfaSerial, settings.roleArn == nil {
            let code: String
            if let given = settings.mfaToken {
                code = given
            } else if settings.mfaCode.canProvide {
                code = try await settings.mfaCode.code(serial: serial, context: "--mfa-serial")
            } else {
                throw STSError(.mfaCodeRequired, "an MFA device (serial) was given without its MFA code", parameter: "tokenCode")
            }
            let base = try await provider.credentials()
            let session = try await STSClient(transport: transport, region: region, endpoint: stsEndpoint, environment: environment.variables)
                .getSessionToken(.init(durationSeconds: settings.mfaSessionLife, serialNumber: serial, tokenCode: code), credentials: base.signingCredentials)
            provider = StaticCredentialProvider(try Credentials(session), region: region)
            method += "+mfa-session"
        }
        if let role = settings.roleArn {
            let codes = settings.mfaCode
            let mfa = settings.mfaSerial.map { serial in
                AssumeRoleCredentialProvider.MFA(
                    serialNumber: serial, tokenCode: settings.mfaToken.map { .oneTime($0) } ?? .provider { try await codes.code(serial: $0, context: "--mfa-serial") }
                )
            }
            provider = try AssumeRoleCredentialProvider(
                parent: provider,
                configuration: .init(roleArn: role, roleSessionName: settings.roleSessionName, mfa: mfa, region: .explicit(region), endpoint: stsEndpoint),
                transport: transport
            )
            method += "+assume-role"
        }
        let final = provider
        state.withLock {
            $0.current = final
            $0.source = source
            $0.method = method
        }
        return final
    }

    private var stsEndpoint: URL? {
        // A malformed AWS_ENDPOINT_URL* gives nil here; the STS client reads the same variable
        // and reports it on its first call.
        settings.stsEndpoint ?? (try? STSClient.configuredEndpoint(environment: environment.variables)) ?? nil
    }

    /// A snapshot of the current credentials (what a child process or a config file gets).
    public func freeze() async throws -> Credentials {
        try await provider().credentials()
    }

    /// Forgets any assumed role or MFA session: the next call starts from the base credentials.
    public func reset() {
        state.withLock { $0 = State() }
    }

    /// A provider for `region` with the same base, role and MFA settings.
    public func forRegion(_ region: String) -> CredentialSession {
        var settings = self.settings
        settings.region = region
        return CredentialSession(settings: settings, transport: transport, environment: environment)
    }

    private static let shared = Mutex<CredentialSession?>(nil)

    /// Makes this session the process-wide default (``CredentialSession/default``).
    public func makeDefault() {
        Self.shared.withLock { $0 = self }
    }

    /// The session set with ``makeDefault()``, if any.
    public static var `default`: CredentialSession? { shared.withLock { $0 } }
}
