public import FoundationEssentials
public import RoleKitServices
public import RoleKitTransport
import RoleKitSupport

/// Role credentials from IAM Identity Center: the profile's session token (``SSOTokenProvider``,
/// re-read and refreshed on every fetch), then the portal's `GetRoleCredentials`; cached in
/// memory (refreshed 15 minutes before expiry) and, when a directory is given, in the AWS CLI
/// v2's file cache (``SSORoleCredentialCache``).
///
/// ```swift
/// let provider = try SSOCredentialProvider(configuration: .init(profile: sso), transport: transport)
/// let credentials = try await provider.credentials()
/// ```
public final class SSOCredentialProvider: CredentialProvider {
    public struct Configuration: Sendable {
        public var profile: SSOProfileConfiguration
        /// The portal endpoint (`AWS_ENDPOINT_URL_SSO`); else the one of `sso_region`.
        public var portalEndpoint: URL?
        /// The OIDC endpoint that refreshes tokens (`AWS_ENDPOINT_URL_SSO_OIDC`); else `sso_region`'s.
        public var oidcEndpoint: URL?
        /// `~/.aws/sso/cache`.
        public var tokenCacheDirectory: String
        /// `~/.aws/cli/cache`, or `nil` for memory only.
        public var roleCacheDirectory: String?

        public init(
            profile: SSOProfileConfiguration, portalEndpoint: URL? = nil, oidcEndpoint: URL? = nil, tokenCacheDirectory: String = SSOTokenCache.defaultDirectory(),
            roleCacheDirectory: String? = SSORoleCredentialCache.defaultDirectory()
        ) {
            self.profile = profile
            self.portalEndpoint = portalEndpoint
            self.oidcEndpoint = oidcEndpoint
            self.tokenCacheDirectory = tokenCacheDirectory
            self.roleCacheDirectory = roleCacheDirectory
        }
    }

    public let configuration: Configuration
    public let tokenProvider: SSOTokenProvider
    private let refresher: RefreshingCredentialProvider

    /// - Throws: ``RoleKitServices/SSOError`` `.invalidInput` for a malformed `sso_region`.
    public init(configuration: Configuration, transport: HTTPTransport, clock: any WallClock = SystemWallClock(), refresh: RefreshingCredentialProvider.Configuration = .init()) throws(SSOError) {
        self.configuration = configuration
        let profile = configuration.profile
        let portal = try SSOClient(transport: transport, region: profile.region, endpoint: configuration.portalEndpoint)
        let oidc = try SSOOIDCClient(transport: transport, region: profile.region, endpoint: configuration.oidcEndpoint)
        let tokens = SSOTokenProvider(configuration: profile, cache: SSOTokenCache(directory: configuration.tokenCacheDirectory), oidc: oidc, clock: clock)
        self.tokenProvider = tokens
        let roleCache = configuration.roleCacheDirectory.map(SSORoleCredentialCache.init(directory:))
        let key = SSORoleCredentialCache.key(for: profile)
        self.refresher = RefreshingCredentialProvider(clock: clock, configuration: refresh) {
            if let roleCache, let cached = roleCache.credentials(forKey: key, now: clock.now()) { return cached }
            let token = try await tokens.token()
            let role: SSORoleCredentials
            do {
                role = try await portal.getRoleCredentials(accessToken: token.accessToken, accountId: profile.accountId, roleName: profile.roleName)
            } catch let error as SSOError where error.code == .unauthorized {
                throw CredentialsError(.ssoTokenExpired, "IAM Identity Center refused the token of profile \(SafeText.excerpt(profile.profile, limit: 64)) (expired or signed out); sign in again with `\(tokens.loginCommand)`")
            }
            let credentials = try Credentials(
                validating: role.accessKeyId, secretAccessKey: role.secretAccessKey, sessionToken: role.sessionToken, expiration: role.expiration,
                source: "IAM Identity Center GetRoleCredentials", now: clock.now()
            )
            if let roleCache { try? roleCache.store(credentials, accountId: profile.accountId, forKey: key) }
            return credentials
        }
    }

    /// New credentials now, past the cache (see ``CredentialProvider/refreshedCredentials()``).
    public func refreshedCredentials() async throws -> Credentials {
        try await refresher.refresh()
    }

    public func credentials() async throws -> Credentials {
        try await refresher.credentials()
    }
}
