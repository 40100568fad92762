public import FoundationEssentials
import Logging
public import RoleKitServices
public import RoleKitTransport
import RoleKitSupport
import Synchronization

/// The bearer token of an IAM Identity Center session, read from ``SSOTokenCache`` on every
/// call (so a `rolekit sso login` or `aws sso login` in another terminal is picked up) and
/// refreshed as botocore refreshes it.
///
/// - **Session form** (`sso_session`): with under 15 minutes left, and when the cached token
///   has a refresh token and an unexpired client registration, `CreateToken` with the refresh
///   token; the new token is written back (refresh token only if the answer has one,
///   registration kept). A failed refresh keeps the old token; outside the last 10 minutes at
///   most one try a minute.
/// - **Legacy form** (`sso_start_url` in the profile): never refreshed.
///
/// An expired token that cannot be refreshed, and a missing one, are errors that name the
/// command that signs in.
public final class SSOTokenProvider: Sendable {
    public let sessionName: String?
    public let startUrl: String
    public let region: String
    /// The profile named in the sign-in advice.
    public let profile: String
    public let cache: SSOTokenCache
    let oidc: SSOOIDCClient?
    let clock: any WallClock
    private let lastAttempt = Mutex<Date?>(nil)
    private let logger = Logger(label: "rolekit.sso")

    /// botocore's windows: refresh with under 15 minutes left, always with under 10, and at
    /// most once a minute otherwise.
    public static let advisoryRefreshWindow: TimeInterval = 15 * 60
    public static let mandatoryRefreshWindow: TimeInterval = 10 * 60
    public static let refreshAttemptInterval: TimeInterval = 60

    /// - Parameter oidc: The OIDC client of `region` that refreshes; `nil` never refreshes.
    public init(configuration: SSOProfileConfiguration, cache: SSOTokenCache, oidc: SSOOIDCClient?, clock: any WallClock = SystemWallClock()) {
        self.sessionName = configuration.sessionName
        self.startUrl = configuration.startUrl
        self.region = configuration.region
        self.profile = configuration.profile
        self.cache = cache
        self.oidc = configuration.sessionName == nil ? nil : oidc
        self.clock = clock
    }

    /// What a user runs to sign in.
    public var loginCommand: String {
        "rolekit sso login --profile \(SafeText.excerpt(profile, limit: 64))"
    }

    private var label: String { SafeText.excerpt(sessionName.map { "sso-session \($0)" } ?? startUrl, limit: 120) }

    /// A token that has not expired, refreshed when due.
    /// - Throws: ``CredentialsError`` `.ssoTokenNotFound`, `.ssoTokenExpired` (legacy) or
    ///   `.ssoTokenRefreshFailed` (session form), each naming ``loginCommand``;
    ///   `.ssoTokenNotFound` for an unreadable cache file too.
    public func token() async throws(CredentialsError) -> SSOToken {
        let cached: SSOToken?
        do {
            cached = try cache.token(sessionName: sessionName, startUrl: startUrl)
        } catch {
            throw CredentialsError(.ssoTokenNotFound, "\(error.message) with `\(loginCommand)`")
        }
        guard var token = cached else {
            throw CredentialsError(.ssoTokenNotFound, "there is no IAM Identity Center token for \(label) (profile \(SafeText.excerpt(profile, limit: 64))); sign in with `\(loginCommand)`")
        }
        let now = clock.now()
        guard let oidc else {
            if token.isExpired(at: now) {
                throw CredentialsError(.ssoTokenExpired, "the IAM Identity Center session of profile \(SafeText.excerpt(profile, limit: 64)) has expired or is otherwise invalid; sign in again with `\(loginCommand)`")
            }
            return token
        }
        let remaining = token.expiresAt.timeIntervalSince(now)
        if remaining < Self.advisoryRefreshWindow, token.canRefresh(at: now), shouldAttempt(at: now, mandatory: remaining < Self.mandatoryRefreshWindow) {
            if let refreshed = await refresh(token, oidc: oidc, now: now) { token = refreshed }
        }
        if token.isExpired(at: clock.now()) {
            throw CredentialsError(.ssoTokenRefreshFailed, "the IAM Identity Center token for \(label) has expired and could not be refreshed; sign in again with `\(loginCommand)`")
        }
        return token
    }

    private func shouldAttempt(at now: Date, mandatory: Bool) -> Bool {
        lastAttempt.withLock { last in
            if !mandatory, let last, now.timeIntervalSince(last) < Self.refreshAttemptInterval { return false }
            last = now
            return true
        }
    }

    private func refresh(_ token: SSOToken, oidc: SSOOIDCClient, now: Date) async -> SSOToken? {
        guard let refreshToken = token.refreshToken, let clientId = token.clientId, let clientSecret = token.clientSecret, let registrationExpiresAt = token.registrationExpiresAt else { return nil }
        let registration = SSOClientRegistration(clientId: clientId, clientSecret: clientSecret, clientSecretExpiresAt: registrationExpiresAt)
        do {
            let answer = try await oidc.createToken(registration: registration, grant: .refreshToken(refreshToken))
            let refreshed = SSOToken(
                accessToken: answer.accessToken, expiresAt: now.addingTimeInterval(TimeInterval(answer.expiresIn)), startUrl: startUrl, region: region,
                refreshToken: answer.refreshToken, clientId: clientId, clientSecret: clientSecret, registrationExpiresAt: registrationExpiresAt
            )
            do {
                try cache.store(refreshed, sessionName: sessionName, startUrl: startUrl)
            } catch {
                logger.warning("could not write the refreshed IAM Identity Center token", metadata: ["error": "\(error.message)"])
            }
            return refreshed
        } catch {
            logger.info("refreshing the IAM Identity Center token failed; using the cached one", metadata: ["error": "\(error.message)"])
            return nil
        }
    }
}
