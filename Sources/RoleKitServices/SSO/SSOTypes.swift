public import FoundationEssentials

/// Role credentials from the portal's `GetRoleCredentials`.
///
/// `description` never shows the secret key or the session token.
public struct SSORoleCredentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String
    public var expiration: Date

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String, expiration: Date) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    public var description: String { "SSORoleCredentials(\(accessKeyId), <redacted>, expires \(expiration))" }
}

/// An AWS account the signed-in user may use (`ListAccounts`).
public struct SSOAccount: Sendable, Hashable, Codable {
    public var accountId: String
    public var accountName: String?
    public var emailAddress: String?

    public init(accountId: String, accountName: String? = nil, emailAddress: String? = nil) {
        self.accountId = accountId
        self.accountName = accountName
        self.emailAddress = emailAddress
    }
}

/// A role (permission set) the user may use in an account (`ListAccountRoles`).
public struct SSOAccountRole: Sendable, Hashable, Codable {
    public var accountId: String
    public var roleName: String

    public init(accountId: String, roleName: String) {
        self.accountId = accountId
        self.roleName = roleName
    }
}

/// A client registered with `sso-oidc` `RegisterClient`.
///
/// `description` never shows the client secret.
public struct SSOClientRegistration: Sendable, Hashable, CustomStringConvertible {
    public var clientId: String
    public var clientSecret: String
    public var clientIdIssuedAt: Date?
    public var clientSecretExpiresAt: Date

    public init(clientId: String, clientSecret: String, clientIdIssuedAt: Date? = nil, clientSecretExpiresAt: Date) {
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.clientIdIssuedAt = clientIdIssuedAt
        self.clientSecretExpiresAt = clientSecretExpiresAt
    }

    public var description: String { "SSOClientRegistration(\(clientId), <redacted>, expires \(clientSecretExpiresAt))" }
}

/// What `StartDeviceAuthorization` answers: the code the user confirms and where.
public struct SSODeviceAuthorization: Sendable, Hashable, CustomStringConvertible {
    public var deviceCode: String
    public var userCode: String
    public var verificationUri: String
    public var verificationUriComplete: String?
    public var expiresIn: Int
    /// Seconds between polls (5 when the service gives none).
    public var interval: Int

    public init(deviceCode: String, userCode: String, verificationUri: String, verificationUriComplete: String?, expiresIn: Int, interval: Int) {
        self.deviceCode = deviceCode
        self.userCode = userCode
        self.verificationUri = verificationUri
        self.verificationUriComplete = verificationUriComplete
        self.expiresIn = expiresIn
        self.interval = interval
    }

    public var description: String { "SSODeviceAuthorization(userCode: \(userCode), deviceCode: <redacted>, expiresIn: \(expiresIn))" }
}

/// A `CreateToken` grant.
public enum SSOTokenGrant: Sendable, Hashable {
    /// `urn:ietf:params:oauth:grant-type:device_code`.
    case deviceCode(String)
    /// `authorization_code` with PKCE.
    case authorizationCode(code: String, redirectUri: String, codeVerifier: String)
    /// `refresh_token`.
    case refreshToken(String)

    public var grantType: String {
        switch self {
        case .deviceCode: "urn:ietf:params:oauth:grant-type:device_code"
        case .authorizationCode: "authorization_code"
        case .refreshToken: "refresh_token"
        }
    }
}

/// What `CreateToken` answers.
///
/// `description` never shows the tokens.
public struct SSOTokenResponse: Sendable, Hashable, CustomStringConvertible {
    public var accessToken: String
    public var tokenType: String?
    public var expiresIn: Int
    public var refreshToken: String?

    public init(accessToken: String, tokenType: String?, expiresIn: Int, refreshToken: String?) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.refreshToken = refreshToken
    }

    public var description: String { "SSOTokenResponse(<redacted>, expiresIn: \(expiresIn), refreshable: \(refreshToken != nil))" }
}
