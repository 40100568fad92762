import ArgumentParser
import FoundationEssentials
import RoleKitArgumentParser
import RoleKitCredentials
import RoleKitServices
import RoleKitSupport
import RoleKitTransport

/// `rolekit sso`: sign in to IAM Identity Center and look at what the session may use.
struct SSOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sso",
        abstract: "Sign in to IAM Identity Center (SSO) and list the accounts and roles it gives.",
        discussion: """
            Tokens live in ~/.aws/sso/cache in the AWS CLI's format, so `rolekit sso login` and
            `aws sso login` share them. Endpoints follow AWS_ENDPOINT_URL_SSO_OIDC,
            AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL (the emulator prints them).
            """,
        subcommands: [SSOLoginCommand.self, SSOLogoutCommand.self, SSOListAccountsCommand.self, SSOListRolesCommand.self]
    )
}

/// `--profile` or `--sso-session`, and the config file.
struct SSOTargetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Profile whose sso_session (or legacy sso_start_url and sso_region) to use; default AWS_PROFILE, else default.", valueName: "name"))
    var profile: String?

    @Option(name: .customLong("sso-session"), help: ArgumentHelp("The [sso-session NAME] section to use instead of a profile.", valueName: "name"))
    var ssoSession: String?

    @Option(name: .customLong("config-file"), help: ArgumentHelp("The shared config file (default AWS_CONFIG_FILE, else ~/.aws/config).", valueName: "path"))
    var configPath: String?

    func validate() throws {
        if profile != nil && ssoSession != nil { throw ValidationError("give --profile or --sso-session, not both") }
    }

    /// The login settings the options name.
    func loginConfiguration(environment: AWSEnvironment) throws -> SSOLoginConfiguration {
        let shared = try SharedConfiguration.load(configPath: configPath, environment: environment)
        if let ssoSession { return try SSOLoginConfiguration.resolve(session: ssoSession, in: shared) }
        let name = profile ?? environment.profileName.map(\.name).flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        guard let found = shared.profiles[name] else {
            throw CredentialsError(.profileNotFound, "the config profile (\(SafeText.excerpt(name, limit: 64))) could not be found in \(shared.configPath)")
        }
        return try SSOLoginConfiguration.resolve(profile: found, in: shared)
    }

    /// The cached token of the named session, refreshed when due.
    func token(transport: HTTPTransport, environment: AWSEnvironment) async throws -> (SSOToken, SSOLoginConfiguration) {
        let login = try loginConfiguration(environment: environment)
        // The advice names the profile asked for, or the sso-session given by --sso-session.
        let named = login.profile ?? (ssoSession != nil ? login.sessionName : nil) ?? profile ?? "default"
        let configuration = SSOProfileConfiguration(profile: named, sessionName: login.sessionName, startUrl: login.startUrl, region: login.region, accountId: "", roleName: "")
        let oidc = try SSOOIDCClient(transport: transport, region: login.region, endpoint: try environment.configuredEndpoint(service: "SSO_OIDC"))
        let provider = SSOTokenProvider(configuration: configuration, cache: SSOTokenCache(directory: SSOTokenCache.defaultDirectory(environment: environment)), oidc: oidc)
        return (try await provider.token(), login)
    }
}

extension SSOTargetOptions {
    /// Runs `body` with the portal client of the named session and its (refreshed) token.
    func withPortal<T>(_ transportOptions: TransportOptions, _ body: (SSOClient, String) async throws -> T) async throws -> T {
        let environment = AWSEnvironment.process
        return try await transportOptions.withTransport { transport in
            let (token, login) = try await self.token(transport: transport, environment: environment)
            let client = try SSOClient(transport: transport, region: login.region, endpoint: try environment.configuredEndpoint(service: "SSO"))
            return try await body(client, token.accessToken)
        }
    }
}

struct SSOLoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in and cache the token (authorization code with PKCE, or a device code).",
        discussion: """
            sso-session profiles sign in through the browser with PKCE on a 127.0.0.1 redirect;
            --use-device-code (and every legacy profile) shows a code to confirm instead. The
            browser is $BROWSER, else xdg-open (or open on macOS) when a display is there;
            --no-browser only prints the URL.
            """
    )

    @OptionGroup var target: SSOTargetOptions
    @OptionGroup(title: "Connection") var transportOptions: TransportOptions

    @Flag(name: .customLong("use-device-code"), help: "Sign in with a device code instead of the browser redirect.")
    var useDeviceCode = false

    @Flag(name: .customLong("no-browser"), help: "Print the URL; do not open a browser.")
    var noBrowser = false

    func run() async throws {
        try await StandardError.failingWithOneLine {
            let environment = AWSEnvironment.process
            let login = try target.loginConfiguration(environment: environment)
            try await transportOptions.withTransport { transport in
                let flow = try SSOLogin(
                    configuration: login, transport: transport, oidcEndpoint: try environment.configuredEndpoint(service: "SSO_OIDC"),
                    cache: SSOTokenCache(directory: SSOTokenCache.defaultDirectory(environment: environment))
                )
                let noBrowser = self.noBrowser
                try await flow.run(flow: flow.defaultFlow(useDeviceCode: useDeviceCode)) { prompt in
                    let opened = noBrowser ? false : Browser.open(prompt.url, environment: environment)
                    var text = opened
                        ? "Attempting to open the IAM Identity Center sign-in page in your browser. If it does not open, or to use another device, open this URL:\n\n\(prompt.url)\n"
                        : "Open this URL in a browser (on any device):\n\n\(prompt.url)\n"
                    if let code = prompt.userCode { text += "\nThen confirm the code:\n\n\(code)\n" }
                    StandardError.write(text + "\n")
                }
            }
            print("Successfully signed in to start URL: \(SafeText.excerpt(login.startUrl, limit: 200))")
        }
    }
}

struct SSOLogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "Sign out of every cached IAM Identity Center session and delete the cached tokens and role credentials.",
        discussion: "As aws sso logout: each token in ~/.aws/sso/cache is signed out (errors ignored) and deleted; SSO role credentials in ~/.aws/cli/cache are deleted; client registrations stay."
    )

    @OptionGroup(title: "Connection") var transportOptions: TransportOptions

    func run() async throws {
        try await StandardError.failingWithOneLine {
            let environment = AWSEnvironment.process
            let portalOverride = try environment.configuredEndpoint(service: "SSO")
            let tokens = SSOTokenCache(directory: SSOTokenCache.defaultDirectory(environment: environment))
            let roleCache = SSORoleCredentialCache.defaultDirectory(environment: environment)
            var signedOut = 0
            try await transportOptions.withTransport { transport in
                for (path, token) in tokens.allTokens() {
                    if let region = token.region, let client = try? SSOClient(transport: transport, region: region, endpoint: portalOverride) {
                        try? await client.logout(accessToken: token.accessToken)
                    }
                    tokens.removeFile(path)
                    signedOut += 1
                }
            }
            let removed = SSORoleCredentialCache(directory: roleCache).removeAll()
            print("Signed out of \(signedOut) IAM Identity Center session\(signedOut == 1 ? "" : "s"); removed \(removed) cached role credential file\(removed == 1 ? "" : "s").")
        }
    }
}

enum SSOListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

struct SSOListAccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list-accounts", abstract: "List the accounts the signed-in session may use (ListAccounts, all pages).")

    @OptionGroup var target: SSOTargetOptions
    @OptionGroup(title: "Connection") var transportOptions: TransportOptions
    @Option(help: "Output: table or json.") var output: SSOListFormat = .table

    func run() async throws {
        try await StandardError.failingWithOneLine {
            let accounts = try await target.withPortal(transportOptions) { client, accessToken in
                try await client.listAccounts(accessToken: accessToken)
            }
            switch output {
            case .json:
                let list = accounts.map { JSONValue.object(["accountId": .string($0.accountId), "accountName": .string($0.accountName), "emailAddress": .string($0.emailAddress)]) }
                print(JSONWriter.pretty().render(.object(["accountList": .array(list)])))
            case .table:
                for account in accounts {
                    print([account.accountId, account.accountName ?? "-", account.emailAddress ?? "-"].map { SafeText.excerpt($0, limit: 120) }.joined(separator: "\t"))
                }
            }
        }
    }
}

struct SSOListRolesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list-roles", abstract: "List the roles of an account (ListAccountRoles, all pages), or of every account.")

    @OptionGroup var target: SSOTargetOptions
    @OptionGroup(title: "Connection") var transportOptions: TransportOptions
    @Option(name: .customLong("account-id"), help: ArgumentHelp("The account; default every account of the session.", valueName: "id")) var accountId: String?
    @Option(help: "Output: table or json.") var output: SSOListFormat = .table

    func run() async throws {
        try await StandardError.failingWithOneLine {
            let roles = try await target.withPortal(transportOptions) { client, accessToken in
                let accounts: [String]
                if let accountId { accounts = [accountId] } else { accounts = try await client.listAccounts(accessToken: accessToken).map(\.accountId) }
                var roles: [SSOAccountRole] = []
                for account in accounts { roles += try await client.listAccountRoles(accessToken: accessToken, accountId: account) }
                return roles
            }
            switch output {
            case .json:
                print(JSONWriter.pretty().render(.object(["roleList": .array(roles.map { .object(["roleName": .string($0.roleName), "accountId": .string($0.accountId)]) })])))
            case .table:
                for role in roles { print("\(role.accountId)\t\(SafeText.excerpt(role.roleName, limit: 128))") }
            }
        }
    }
}
