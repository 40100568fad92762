import FoundationEssentials
import RoleKitServices
import RoleKitSigning
import RoleKitSupport
import RoleKitTransport
import Synchronization

extension SSOEmulator {
    /// `RegisterClient`: a public client, valid 90 days.
    func registerClient(_ request: SigningRequest) throws(EmulatorError) -> RolesAnywhereEmulator.Response {
        let body = try Self.body(request)
        guard let name = try Self.string(body, "clientName", limit: 256), !name.isEmpty, try Self.string(body, "clientType") == "public" else {
            throw Self.invalidRequest("clientName and clientType \"public\" are required")
        }
        let redirectUris = try Self.strings(body, "redirectUris") ?? []
        for uri in redirectUris {
            guard let url = URL(string: uri), url.scheme == "http", ["127.0.0.1", "localhost", "::1"].contains(url.host() ?? "") else {
                throw EmulatorError(status: 400, code: "InvalidRedirectUriException", message: "redirect URIs must be http loopback URIs")
            }
        }
        let now = clock.now()
        let id = Self.token("emu-client-", 22)
        let secret = Self.token("emu-secret-", 48)
        let expires = now.addingTimeInterval(90 * 86_400)
        let client = Client(secret: secret, expiresAt: expires, redirectUris: redirectUris, scopes: try Self.strings(body, "scopes") ?? [])
        state.withLock { state in
            Self.bound(&state.clients) { $0.expiresAt <= now }
            state.clients[id] = client
        }
        return Self.json(.object([
            "clientId": .string(id), "clientSecret": .string(secret), "clientIdIssuedAt": .int(Int(now.timeIntervalSince1970)),
            "clientSecretExpiresAt": .int(Int(expires.timeIntervalSince1970)),
        ]))
    }

    /// The registered client named by `clientId` whose secret is `clientSecret`.
    private func client(_ body: JSONValue) throws(EmulatorError) -> (id: String, client: Client) {
        let id = try Self.string(body, "clientId") ?? ""
        let secret = try Self.string(body, "clientSecret") ?? ""
        let now = clock.now()
        guard let client = state.withLock({ $0.clients[id] }), ConstantTime.equals(secret, client.secret), client.expiresAt > now else {
            throw EmulatorError(status: 401, code: "InvalidClientException", message: "The client is unknown, its secret is wrong or it has expired")
        }
        return (id, client)
    }

    /// `StartDeviceAuthorization`: a device code valid 10 minutes.
    func startDeviceAuthorization(_ request: SigningRequest) throws(EmulatorError) -> RolesAnywhereEmulator.Response {
        let body = try Self.body(request)
        let (clientId, _) = try client(body)
        guard let startUrl = try Self.string(body, "startUrl", limit: 2048), startUrl.hasPrefix("https://") else {
            throw Self.invalidRequest("startUrl must be an https URL")
        }
        let now = clock.now()
        let deviceCode = Self.token("emu-device-", 48)
        let letters = "BCDFGHJKLMNPQRSTVWXZ"
        let userCode = RolesAnywhereEmulator.random(4, alphabet: letters) + "-" + RolesAnywhereEmulator.random(4, alphabet: letters)
        let entry = DeviceCode(clientId: clientId, userCode: userCode, expiresAt: now.addingTimeInterval(600), approved: false, denied: false, polls: 0, lastPoll: nil)
        state.withLock { state in
            Self.bound(&state.deviceCodes) { $0.expiresAt <= now }
            state.deviceCodes[deviceCode] = entry
        }
        let page = Self.base(request) + "/device"
        return Self.json(.object([
            "deviceCode": .string(deviceCode), "userCode": .string(userCode), "verificationUri": .string(page),
            "verificationUriComplete": .string(page + "?user_code=" + userCode), "expiresIn": .int(600), "interval": .int(max(1, configuration.pollingIntervalSeconds)),
        ]))
    }

    /// `CreateToken` for the three grants.
    func createToken(_ request: SigningRequest) throws(EmulatorError) -> RolesAnywhereEmulator.Response {
        let body = try Self.body(request)
        let (clientId, _) = try client(body)
        let grant = try Self.string(body, "grantType") ?? ""
        let now = clock.now()
        let invalidGrant = EmulatorError(status: 400, code: "InvalidGrantException", message: "Invalid grant provided")
        switch grant {
        case "urn:ietf:params:oauth:grant-type:device_code":
            let code = try Self.string(body, "deviceCode") ?? ""
            let outcome: Result<Void, EmulatorError> = state.withLock { state in
                guard var entry = state.deviceCodes[code], entry.clientId == clientId else { return .failure(invalidGrant) }
                if entry.expiresAt <= now {
                    state.deviceCodes[code] = nil
                    return .failure(EmulatorError(status: 400, code: "ExpiredTokenException", message: "The device code has expired"))
                }
                if entry.denied {
                    state.deviceCodes[code] = nil
                    return .failure(EmulatorError(status: 400, code: "AccessDeniedException", message: "The user denied the login"))
                }
                defer { state.deviceCodes[code] = entry }
                let interval = TimeInterval(max(1, configuration.pollingIntervalSeconds))
                if let last = entry.lastPoll, now.timeIntervalSince(last) < interval / 2 {
                    entry.lastPoll = now
                    return .failure(EmulatorError(status: 400, code: "SlowDownException", message: "Polling too often"))
                }
                entry.lastPoll = now
                entry.polls += 1
                if configuration.autoApprove, entry.polls > 1 { entry.approved = true }
                guard entry.approved else {
                    return .failure(EmulatorError(status: 400, code: "AuthorizationPendingException", message: "The user has not approved the login yet"))
                }
                return .success(())
            }
            try outcome.get()
            state.withLock { $0.deviceCodes[code] = nil }
            return issueToken(clientId: clientId, now: now)
        case "authorization_code":
            let code = try Self.string(body, "code") ?? ""
            let redirectUri = try Self.string(body, "redirectUri") ?? ""
            let verifier = try Self.string(body, "codeVerifier") ?? ""
            // One use: the code is gone whether or not the rest is right.
            guard let entry = state.withLock({ $0.codes.removeValue(forKey: code) }), entry.clientId == clientId, entry.expiresAt > now, entry.redirectUri == redirectUri,
                (43...128).contains(verifier.utf8.count), ConstantTime.equals(SSOOIDCClient.codeChallenge(for: verifier), entry.challenge)
            else { throw invalidGrant }
            return issueToken(clientId: clientId, now: now)
        case "refresh_token":
            let token = try Self.string(body, "refreshToken") ?? ""
            guard let entry = state.withLock({ $0.refreshTokens[token] }), entry.clientId == clientId else { throw invalidGrant }
            if !entry.reusable { state.withLock { _ = $0.refreshTokens.removeValue(forKey: token) } }
            return issueToken(clientId: clientId, now: now)
        default:
            throw EmulatorError(status: 400, code: "UnsupportedGrantTypeException", message: "Unsupported grant type")
        }
    }

    /// A new access token and refresh token (refresh tokens are always rotated).
    private func issueToken(clientId: String, now: Date) -> RolesAnywhereEmulator.Response {
        let access = Self.token("aoa", 160)
        let refresh = Self.token("aor", 160)
        let lifetime = max(60, configuration.tokenLifetimeSeconds)
        state.withLock { state in
            Self.bound(&state.accessTokens) { $0.expiresAt <= now }
            Self.bound(&state.refreshTokens) { _ in false }
            state.accessTokens[access] = AccessToken(clientId: clientId, expiresAt: now.addingTimeInterval(TimeInterval(lifetime)))
            state.refreshTokens[refresh] = RefreshToken(clientId: clientId, reusable: false)
        }
        return Self.json(.object(["accessToken": .string(access), "tokenType": .string("Bearer"), "expiresIn": .int(lifetime), "refreshToken": .string(refresh)]))
    }

    // MARK: - Pages

    /// `GET /authorize`: checks the client, redirect URI and S256 challenge; with
    /// `autoApprove` redirects at once with a code, else shows a page to approve or deny.
    func authorize(_ request: SigningRequest) throws(EmulatorError) -> RolesAnywhereEmulator.Response {
        let query = Self.query(request)
        let now = clock.now()
        guard query["response_type"] == "code", let clientId = query["client_id"], let client = state.withLock({ $0.clients[clientId] }), client.expiresAt > now else {
            return Self.html("<p>Unknown client or response type.</p>", status: 400)
        }
        guard let redirectUri = query["redirect_uri"], Self.matchesRegistered(redirectUri, client.redirectUris) else {
            return Self.html("<p>The redirect URI is not registered for this client.</p>", status: 400)
        }
        guard query["code_challenge_method"] == "S256", let challenge = query["code_challenge"], challenge.utf8.count == 43, let stateValue = query["state"], stateValue.utf8.count <= 512 else {
            return Self.redirect(Self.appending(redirectUri, [("error", "invalid_request"), ("state", query["state"] ?? "")]))
        }
        let scopes = (query["scopes"] ?? "").split(separator: " ").map(String.init)
        let pending = AuthorizationRequest(clientId: clientId, redirectUri: redirectUri, state: stateValue, challenge: challenge, scopes: scopes, expiresAt: now.addingTimeInterval(600))
        if configuration.autoApprove { return approve(pending, now: now) }
        let id = Self.token("req-", 32)
        state.withLock { state in
            Self.bound(&state.pendingAuthorizations) { $0.expiresAt <= now }
            state.pendingAuthorizations[id] = pending
        }
        return Self.html(
            "<!doctype html><title>RoleKit emulator sign-in</title><h1>Allow access?</h1><p>Client \(Self.escapeHTML(clientId)) asks for \(Self.escapeHTML(scopes.joined(separator: " ")))."
                + "</p><p><a id=\"approve\" href=\"/authorize/approve?request=\(id)\">Allow</a> <a id=\"deny\" href=\"/authorize/deny?request=\(id)\">Deny</a></p>"
        )
    }

    func decide(_ request: SigningRequest, approve: Bool) throws(EmulatorError) -> RolesAnywhereEmulator.Response {
        let now = clock.now()
        guard let id = Self.query(request)["request"], let pending = state.withLock({ $0.pendingAuthorizations.removeValue(forKey: id) }), pending.expiresAt > now else {
            return Self.html("<p>This sign-in request has expired or was already answered.</p>", status: 400)
        }
        guard approve else { return Self.redirect(Self.appending(pending.redirectUri, [("error", "access_denied"), ("state", pending.state)])) }
        return self.approve(pending, now: now)
    }

    private func approve(_ pending: AuthorizationRequest, now: Date) -> RolesAnywhereEmulator.Response {
        let code = Self.token("emu-code-", 40)
        state.withLock { state in
            Self.bound(&state.codes) { $0.expiresAt <= now }
            state.codes[code] = AuthorizationCode(clientId: pending.clientId, redirectUri: pending.redirectUri, challenge: pending.challenge, scopes: pending.scopes, expiresAt: now.addingTimeInterval(600))
        }
        return Self.redirect(Self.appending(pending.redirectUri, [("code", code), ("state", pending.state)]))
    }

    /// `GET /device`: the page where a user enters (or confirms) a user code.
    func devicePage(_ request: SigningRequest) -> RolesAnywhereEmulator.Response {
        let code = Self.escapeHTML(String((Self.query(request)["user_code"] ?? "").prefix(16)))
        return Self.html(
            "<!doctype html><title>RoleKit emulator device sign-in</title><h1>Confirm the code</h1><form method=\"post\" action=\"/device/approve\">"
                + "<input name=\"user_code\" value=\"\(code)\"><button name=\"decision\" value=\"allow\">Allow</button><button name=\"decision\" value=\"deny\">Deny</button></form>"
        )
    }

    /// `POST /device/approve` (form `user_code`, `decision=allow|deny`): what the user's click does.
    func approveDevice(_ request: SigningRequest) throws(EmulatorError) -> RolesAnywhereEmulator.Response {
        let form = Dictionary(QueryString.items(String(decoding: request.body.prefix(4096), as: UTF8.self), plusIsSpace: true), uniquingKeysWith: { first, _ in first })
        let userCode = (form["user_code"] ?? "").uppercased()
        let allow = form["decision"] != "deny"
        let now = clock.now()
        let found: Bool = state.withLock { state in
            guard let key = state.deviceCodes.first(where: { $0.value.userCode == userCode && $0.value.expiresAt > now })?.key else { return false }
            if allow { state.deviceCodes[key]?.approved = true } else { state.deviceCodes[key]?.denied = true }
            return true
        }
        guard found else { return Self.html("<p>No pending sign-in has this code.</p>", status: 400) }
        return Self.html(allow ? "<p>Approved. You can close this window.</p>" : "<p>Denied.</p>")
    }

    /// `uri` with `items` added to its query.
    static func appending(_ uri: String, _ items: [(String, String)]) -> String {
        uri + (uri.contains("?") ? "&" : "?") + items.map { "\($0.0)=\(URIEncoding.encode($0.1))" }.joined(separator: "&")
    }
}
