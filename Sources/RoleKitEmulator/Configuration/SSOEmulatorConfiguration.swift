/// What the emulator's IAM Identity Center knows: the accounts and permission sets the user
/// may use, how logins are approved, and tokens seeded for tests.
///
/// Every member is optional in the JSON file.
public struct SSOEmulatorConfiguration: Sendable, Codable, Hashable {
    public struct Account: Sendable, Codable, Hashable {
        public var accountId: String
        public var accountName: String
        public var emailAddress: String
        /// Permission sets (role names) the user may use in the account.
        public var roles: [String]

        public init(accountId: String, accountName: String? = nil, emailAddress: String? = nil, roles: [String]) {
            self.accountId = accountId
            self.accountName = accountName ?? "Account \(accountId)"
            self.emailAddress = emailAddress ?? "aws+\(accountId)@example.com"
            self.roles = roles
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let id = try container.decode(String.self, forKey: .accountId)
            self.init(
                accountId: id, accountName: try container.decodeIfPresent(String.self, forKey: .accountName),
                emailAddress: try container.decodeIfPresent(String.self, forKey: .emailAddress), roles: try container.decodeIfPresent([String].self, forKey: .roles) ?? []
            )
        }
    }

    /// A client registration and refresh token known from the start (for fixtures whose token
    /// files name them); the refresh token keeps working after use.
    public struct SeededRefreshToken: Sendable, Codable, Hashable {
        public var clientId: String
        public var clientSecret: String
        public var refreshToken: String

        public init(clientId: String, clientSecret: String, refreshToken: String) {
            self.clientId = clientId
            self.clientSecret = clientSecret
            self.refreshToken = refreshToken
        }
    }

    /// The user's accounts; empty means one per account of the Roles Anywhere profiles' role
    /// ARNs (their role names as permission sets), else the emulator's account with
    /// `AdministratorAccess`.
    public var accounts: [Account]
    /// Approve every login at once: the authorize page redirects with a code, and a device
    /// code is approved after its first poll. Otherwise the user approves on the page.
    public var autoApprove: Bool
    /// The lifetime of access tokens (default 8 hours).
    public var tokenLifetimeSeconds: Int
    /// The lifetime of role credentials (default 1 hour).
    public var roleCredentialSeconds: Int
    /// The device-code polling interval the emulator asks for (default 1 s).
    public var pollingIntervalSeconds: Int
    /// The user name of the sessions (the assumed-role session name).
    public var userName: String
    /// Access tokens accepted from the start, never expiring (for fixtures).
    public var seededAccessTokens: [String]
    public var seededRefreshTokens: [SeededRefreshToken]

    public init(
        accounts: [Account] = [], autoApprove: Bool = false, tokenLifetimeSeconds: Int = 8 * 3600, roleCredentialSeconds: Int = 3600, pollingIntervalSeconds: Int = 1,
        userName: String = "emulator-user", seededAccessTokens: [String] = [], seededRefreshTokens: [SeededRefreshToken] = []
    ) {
        self.accounts = accounts
        self.autoApprove = autoApprove
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
        self.roleCredentialSeconds = roleCredentialSeconds
        self.pollingIntervalSeconds = pollingIntervalSeconds
        self.userName = userName
        self.seededAccessTokens = seededAccessTokens
        self.seededRefreshTokens = seededRefreshTokens
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SSOEmulatorConfiguration()
        self.init(
            accounts: try container.decodeIfPresent([Account].self, forKey: .accounts) ?? [],
            autoApprove: try container.decodeIfPresent(Bool.self, forKey: .autoApprove) ?? false,
            tokenLifetimeSeconds: try container.decodeIfPresent(Int.self, forKey: .tokenLifetimeSeconds) ?? defaults.tokenLifetimeSeconds,
            roleCredentialSeconds: try container.decodeIfPresent(Int.self, forKey: .roleCredentialSeconds) ?? defaults.roleCredentialSeconds,
            pollingIntervalSeconds: try container.decodeIfPresent(Int.self, forKey: .pollingIntervalSeconds) ?? defaults.pollingIntervalSeconds,
            userName: try container.decodeIfPresent(String.self, forKey: .userName) ?? defaults.userName,
            seededAccessTokens: try container.decodeIfPresent([String].self, forKey: .seededAccessTokens) ?? [],
            seededRefreshTokens: try container.decodeIfPresent([SeededRefreshToken].self, forKey: .seededRefreshTokens) ?? []
        )
    }
}
