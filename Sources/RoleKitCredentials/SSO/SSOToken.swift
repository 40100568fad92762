public import FoundationEssentials

/// An IAM Identity Center access token as botocore and the AWS CLI v2 keep it in
/// `~/.aws/sso/cache`: the bearer token, when it stops working, and what refreshing it needs.
///
/// `description` never shows the access token, the refresh token or the client secret.
public struct SSOToken: Sendable, Hashable, CustomStringConvertible {
    public var accessToken: String
    public var expiresAt: Date
    public var startUrl: String?
    public var region: String?
    public var refreshToken: String?
    public var clientId: String?
    public var clientSecret: String?
    /// When the client registration (`clientId`/`clientSecret`) stops working.
    public var registrationExpiresAt: Date?

    public init(
        accessToken: String, expiresAt: Date, startUrl: String? = nil, region: String? = nil, refreshToken: String? = nil,
        clientId: String? = nil, clientSecret: String? = nil, registrationExpiresAt: Date? = nil
    ) {
        self.accessToken = accessToken
        self.expiresAt = expiresAt
        self.startUrl = startUrl
        self.region = region
        self.refreshToken = refreshToken
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.registrationExpiresAt = registrationExpiresAt
    }

    /// Whether the token is expired at `date`.
    public func isExpired(at date: Date) -> Bool { expiresAt <= date }

    /// Whether it can be refreshed at `date`: a refresh token and a client registration that
    /// has not expired (botocore's condition).
    public func canRefresh(at date: Date) -> Bool {
        guard refreshToken?.isEmpty == false, clientId?.isEmpty == false, clientSecret?.isEmpty == false, let registration = registrationExpiresAt else { return false }
        return registration > date
    }

    public var description: String {
        "SSOToken(startUrl: \(startUrl ?? "nil"), region: \(region ?? "nil"), accessToken: <redacted>, expiresAt: \(expiresAt), refreshable: \(refreshToken != nil))"
    }
}
