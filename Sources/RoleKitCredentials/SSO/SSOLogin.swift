import Crypto
public import FoundationEssentials
public import RoleKitServices
public import RoleKitTransport
import RoleKitSigning
import RoleKitSupport

/// Signs in to IAM Identity Center as `aws sso login` does and writes the token to
/// ``SSOTokenCache`` in botocore's format:
///
/// - **Authorization code with PKCE** (the default for sso-session profiles): a client
///   registered for `authorization_code` and `refresh_token` with a loopback redirect, the
///   browser sent to the OIDC endpoint's `/authorize`, the code taken on `127.0.0.1` (never on
///   every address), checked against the `state`, and exchanged with the verifier.
/// - **Device code** (legacy profiles, or on request): the user code shown, then `CreateToken`
///   polled at the service's interval (`slow_down` adds 5 s) until approval, denial or expiry.
///
/// Client registrations are cached next to the tokens under the AWS CLI's key and reused
/// while they have over 15 minutes left and fit the flow.
public struct SSOLogin: Sendable {
    public enum Flow: String, Sendable {
        case authorizationCode, deviceCode
    }

    /// What to show the user: where to go and, for the device flow, the code to confirm.
    public struct Prompt: Sendable {
        public var url: String
        public var userCode: String?
    }

    public let configuration: SSOLoginConfiguration
    public let oidc: SSOOIDCClient
    public let cache: SSOTokenCache
    let clock: any WallClock

    public init(configuration: SSOLoginConfiguration, transport: HTTPTransport, oidcEndpoint: URL? = nil, cache: SSOTokenCache = SSOTokenCache(), clock: any WallClock = SystemWallClock()) throws(SSOError) {
        self.configuration = configuration
        self.oidc = try SSOOIDCClient(transport: transport, region: configuration.region, endpoint: oidcEndpoint)
        self.cache = cache
        self.clock = clock
    }

    /// The flow `aws sso login` picks: PKCE for an sso-session, unless the device code is asked
    /// for; always the device code for a legacy profile.
    public func defaultFlow(useDeviceCode: Bool) -> Flow {
        configuration.sessionName == nil || useDeviceCode ? .deviceCode : .authorizationCode
    }

    /// The longest the PKCE flow waits for the browser, and the device flow's cap on the
    /// service's `expiresIn`.
    public static let maximumWaitSeconds = 600

    /// Signs in and stores the token.
    /// - Parameter present: Shows the prompt (print it, open a browser); called once.
    @discardableResult
    public func run(flow: Flow, present: @Sendable (Prompt) async -> Void) async throws -> SSOToken {
        let answer: SSOTokenResponse
        let registration: SSOClientRegistration
        switch flow {
        case .deviceCode:
            registration = try await register(pkce: false, redirectUri: nil)
            answer = try await deviceCode(registration: registration, present: present)
        case .authorizationCode:
            let listener: LoopbackCallbackListener
            do {
                listener = try LoopbackCallbackListener()
            } catch {
                throw CredentialsError(.retrievalFailed, "Unable to initialize the OAuth 2.0 authorization callback handler: \(error.description). You may use --use-device-code to sign in with a code instead")
            }
            defer { listener.stop() }
            registration = try await register(pkce: true, redirectUri: "http://127.0.0.1/oauth/callback")
            answer = try await authorizationCode(registration: registration, listener: listener, present: present)
        }
        let token = SSOToken(
            accessToken: answer.accessToken, expiresAt: clock.now().addingTimeInterval(TimeInterval(answer.expiresIn)), startUrl: configuration.startUrl,
            region: configuration.region, refreshToken: answer.refreshToken, clientId: registration.clientId, clientSecret: registration.clientSecret,
            registrationExpiresAt: registration.clientSecretExpiresAt
        )
        try cache.store(token, sessionName: configuration.sessionName, startUrl: configuration.startUrl)
        return token
    }

    // MARK: - Device code

    private func deviceCode(registration: SSOClientRegistration, present: @Sendable (Prompt) async -> Void) async throws -> SSOTokenResponse {
        let authorization = try await oidc.startDeviceAuthorization(registration: registration, startUrl: configuration.startUrl)
        let deadline = clock.now().addingTimeInterval(TimeInterval(min(authorization.expiresIn, Self.maximumWaitSeconds)))
        var interval = authorization.interval
        var presented = false
        while true {
            let outcome: Result<SSOTokenResponse, SSOError>
            do {
                outcome = .success(try await oidc.createToken(registration: registration, grant: .deviceCode(authorization.deviceCode)))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let answer):
                return answer
            case .failure(let error):
                if error.code == .slowDown {
                    interval = min(interval + 5, 60)
                } else if error.code == .expiredToken {
                    throw CredentialsError(.retrievalFailed, "The pending authorization to retrieve an SSO token has expired. The login flow to retrieve an SSO token must be restarted.")
                } else if error.code == .accessDenied {
                    throw CredentialsError(.retrievalFailed, "the sign-in was denied in the browser")
                } else if error.code != .authorizationPending {
                    throw error
                }
            }
            // As the AWS CLI: one poll before the code is shown.
            if !presented {
                presented = true
                await present(Prompt(url: authorization.verificationUriComplete ?? authorization.verificationUri, userCode: authorization.userCode))
            }
            guard clock.now().addingTimeInterval(TimeInterval(interval)) < deadline else {
                throw CredentialsError(.retrievalFailed, "The pending authorization to retrieve an SSO token has expired. The login flow to retrieve an SSO token must be restarted.")
            }
            try await clock.sleep(for: .seconds(interval))
        }
    }

    // MARK: - Authorization code with PKCE

    /// 64 characters of RFC 3986's unreserved set, as the AWS CLI makes them.
    public static func makeCodeVerifier() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        var generator = SystemRandomNumberGenerator()
        return String((0..<64).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// The authorize URL, its parameters in the AWS CLI's order.
    public func authorizeURL(clientId: String, redirectUri: String, state: String, challenge: String, scopes: [String]) -> String {
        let items = [
            ("response_type", "code"), ("client_id", clientId), ("redirect_uri", redirectUri), ("state", state), ("code_challenge_method", "S256"),
            ("scopes", scopes.joined(separator: " ")), ("code_challenge", challenge),
        ]
        return oidc.authorizeURL + "?" + items.map { "\($0.0)=\(URIEncoding.encode($0.1))" }.joined(separator: "&")
    }

    private var requestedScopes: [String] { configuration.scopes ?? ["sso:account:access"] }

    private func authorizationCode(registration: SSOClientRegistration, listener: LoopbackCallbackListener, present: @Sendable (Prompt) async -> Void) async throws -> SSOTokenResponse {
        let verifier = Self.makeCodeVerifier()
        let state = UUID().uuidString.lowercased()
        let redirectUri = "http://127.0.0.1:\(listener.port)/oauth/callback"
        await present(Prompt(url: authorizeURL(clientId: registration.clientId, redirectUri: redirectUri, state: state, challenge: SSOOIDCClient.codeChallenge(for: verifier), scopes: requestedScopes), userCode: nil))
        let page = "<!doctype html><title>RoleKit</title><p>Request approved. You can close this window and return to the terminal.</p>"
        guard let query = await listener.waitForCallback(path: "/oauth/callback", timeoutSeconds: Self.maximumWaitSeconds, page: page) else {
            throw CredentialsError(.retrievalFailed, "no authorization arrived within \(Self.maximumWaitSeconds / 60) minutes; sign in again (or use --use-device-code)")
        }
        var values: [String: String] = [:]
        for item in query.split(separator: "&").prefix(50) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(decoding: URIEncoding.decode(parts[0]), as: UTF8.self)
            if values[name] == nil { values[name] = parts.count > 1 ? String(decoding: URIEncoding.decode(parts[1]), as: UTF8.self) : "" }
        }
        if values["error"] != nil {
            throw CredentialsError(.retrievalFailed, "Error loading authorization code: Failed to retrieve an authorization code.")
        }
        guard let returned = values["state"], ConstantTime.equals(returned, state) else {
            throw CredentialsError(.retrievalFailed, "Error loading authorization code: State parameter does not match expected value.")
        }
        guard let code = values["code"], !code.isEmpty, code.utf8.count <= 4096 else {
            throw CredentialsError(.retrievalFailed, "Error loading authorization code: Failed to retrieve an authorization code.")
        }
        return try await oidc.createToken(registration: registration, grant: .authorizationCode(code: code, redirectUri: redirectUri, codeVerifier: verifier))
    }

    // MARK: - Client registration

    /// The AWS CLI's registration cache key: SHA-1 of `json.dumps` (sorted) of the tool, start
    /// URL, region, scopes and session name.
    public static func registrationCacheKey(_ configuration: SSOLoginConfiguration) -> String {
        let value = PythonJSON.object([
            "tool": .string("botocore"), "startUrl": .string(configuration.startUrl), "region": .string(configuration.region),
            "scopes": configuration.scopes.map { .array($0.map(PythonJSON.string)) } ?? .null, "session_name": configuration.sessionName.map(PythonJSON.string) ?? .null,
        ])
        return Hex.encode(Insecure.SHA1.hash(data: Array(value.dumps.utf8)))
    }

    private var registrationPath: String { cache.directory + "/" + Self.registrationCacheKey(configuration) + ".json" }

    private func register(pkce: Bool, redirectUri: String?) async throws -> SSOClientRegistration {
        let now = clock.now()
        if let cached = cachedRegistration(pkce: pkce), cached.clientSecretExpiresAt.timeIntervalSince(now) > 15 * 60 { return cached }
        let name = "botocore-client-" + (configuration.sessionName ?? String(Int(now.timeIntervalSince1970)))
        let registration: SSOClientRegistration
        if pkce {
            registration = try await oidc.registerClient(
                clientName: name, scopes: requestedScopes, grantTypes: ["authorization_code", "refresh_token"], redirectUris: redirectUri.map { [$0] }, issuerUrl: configuration.startUrl
            )
        } else {
            registration = try await oidc.registerClient(clientName: name, scopes: configuration.scopes)
        }
        var members: [JSONValue.Member] = [
            .init("clientId", .string(registration.clientId)), .init("clientSecret", .string(registration.clientSecret)),
            .init("expiresAt", .string(ISO8601Timestamp.format(registration.clientSecretExpiresAt))),
        ]
        if let scopes = pkce ? requestedScopes : configuration.scopes { members.append(.init("scopes", .array(scopes.map(JSONValue.string)))) }
        if pkce { members.append(.init("grantTypes", .array([.string("authorization_code"), .string("refresh_token")]))) }
        let path = registrationPath
        try AtomicFile.ensureDirectory(cache.directory)
        try AtomicFile.withLock(path + ".lock") { () throws(CredentialsError) in
            try AtomicFile.write(Array(JSONWriter(itemSeparator: ", ", memberSeparator: ": ", asciiOnly: true).render(.object(members)).utf8), to: path)
        }
        return registration
    }

    private func cachedRegistration(pkce: Bool) -> SSOClientRegistration? {
        guard let bytes = AtomicFile.readPrivate(registrationPath, maximumSize: 64 * 1024), let object = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else { return nil }
        func text(_ key: String) -> String? {
            if case .string(let value)? = object[key], value.utf8.count <= 16 * 1024, value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) { return value }
            return nil
        }
        var grants: [String] = []
        if case .array(let items)? = object["grantTypes"] { grants = items.compactMap { if case .string(let value) = $0 { value } else { nil } } }
        guard grants.contains("authorization_code") == pkce, let id = text("clientId"), let secret = text("clientSecret"), let expiresText = text("expiresAt"), let expires = ISO8601Timestamp.parse(expiresText) else { return nil }
        return SSOClientRegistration(clientId: id, clientSecret: secret, clientSecretExpiresAt: expires)
    }
}
