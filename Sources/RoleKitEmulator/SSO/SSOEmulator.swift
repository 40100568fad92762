public import FoundationEssentials
public import RoleKitSigning
public import RoleKitTransport
import RoleKitServices
import RoleKitSupport
import Synchronization

/// Enough IAM Identity Center for botocore's `SSOProvider`, the AWS CLI's `sso login` and
/// RoleKit's: the OIDC service (`RegisterClient`, `StartDeviceAuthorization`, `CreateToken`
/// for device codes, authorization codes with PKCE and refresh tokens), the authorize and
/// device pages, and the portal (`GetRoleCredentials`, `ListAccounts`, `ListAccountRoles`,
/// `Logout`). Role credentials are sessions of the emulator, so its STS accepts them.
///
/// Every call is unsigned (as the real services); the bearer token, client secret, code
/// verifier and refresh token are the secrets checked, in constant time. State is bounded:
/// at most ``maximumEntries`` of each kind, expired ones pruned first.
public final class SSOEmulator: Sendable {
    let configuration: SSOEmulatorConfiguration
    let accountId: String
    let clock: any WallClock
    let rolesAnywhere: RolesAnywhereEmulator
    let state = Mutex(State())

    /// The most clients, device codes, authorization requests, codes, access and refresh
    /// tokens each kept.
    public static let maximumEntries = 10_000

    struct Client {
        var secret: String
        var expiresAt: Date
        var redirectUris: [String]
        var scopes: [String]
    }

    struct DeviceCode {
        var clientId: String
        var userCode: String
        var expiresAt: Date
        var approved: Bool
        var denied: Bool
        var polls: Int
        var lastPoll: Date?
    }

    struct AuthorizationRequest {
        var clientId: String
        var redirectUri: String
        var state: String
        var challenge: String
        var scopes: [String]
        var expiresAt: Date
    }

    struct AuthorizationCode {
        var clientId: String
        var redirectUri: String
        var challenge: String
        var scopes: [String]
        var expiresAt: Date
    }

    struct AccessToken {
        var clientId: String?
        var expiresAt: Date
    }

    struct RefreshToken {
        var clientId: String
        var reusable: Bool
    }

    struct State {
        var clients: [String: Client] = [:]
        var deviceCodes: [String: DeviceCode] = [:]
        var pendingAuthorizations: [String: AuthorizationRequest] = [:]
        var codes: [String: AuthorizationCode] = [:]
        var accessTokens: [String: AccessToken] = [:]
        var refreshTokens: [String: RefreshToken] = [:]
    }

    init(configuration: SSOEmulatorConfiguration, accountId: String, rolesAnywhere: RolesAnywhereEmulator) {
        self.configuration = configuration
        self.accountId = accountId
        self.clock = rolesAnywhere.clock
        self.rolesAnywhere = rolesAnywhere
        var initial = State()
        for token in configuration.seededAccessTokens { initial.accessTokens[token] = AccessToken(clientId: nil, expiresAt: .distantFuture) }
        for seeded in configuration.seededRefreshTokens {
            initial.clients[seeded.clientId] = Client(secret: seeded.clientSecret, expiresAt: .distantFuture, redirectUris: [], scopes: [])
            initial.refreshTokens[seeded.refreshToken] = RefreshToken(clientId: seeded.clientId, reusable: true)
        }
        state.withLock { $0 = initial }
    }

    /// The accounts and permission sets of the user (see ``SSOEmulatorConfiguration/accounts``).
    public func accounts() -> [SSOEmulatorConfiguration.Account] {
        if !configuration.accounts.isEmpty { return configuration.accounts }
        var roles: [String: [String]] = [:]
        let profiles = (try? rolesAnywhere.store.list(.profile, after: 0, limit: 1000).0) ?? []
        for entry in profiles {
            guard let detail = try? JSONDecoder().decode(RolesAnywhere.ProfileDetail.self, from: entry.document) else { continue }
            for arn in detail.roleArns ?? [] {
                guard let parsed = try? ARN(parsing: arn), parsed.accountId.utf8.count == 12, let name = parsed.resource.split(separator: "/").last else { continue }
                if !(roles[parsed.accountId]?.contains(String(name)) ?? false) { roles[parsed.accountId, default: []].append(String(name)) }
            }
        }
        if roles.isEmpty { return [.init(accountId: accountId, roles: ["AdministratorAccess"])] }
        return roles.keys.sorted().map { .init(accountId: $0, roles: roles[$0] ?? []) }
    }

    /// The answer to `request`.
    public func handle(_ request: SigningRequest) -> RolesAnywhereEmulator.Response {
        do throws(EmulatorError) {
            switch (request.method, request.path) {
            case ("POST", "/client/register"): return try registerClient(request)
            case ("POST", "/device_authorization"): return try startDeviceAuthorization(request)
            case ("POST", "/token"): return try createToken(request)
            case ("GET", "/authorize"): return try authorize(request)
            case ("GET", "/authorize/approve"): return try decide(request, approve: true)
            case ("GET", "/authorize/deny"): return try decide(request, approve: false)
            case ("GET", "/device"): return devicePage(request)
            case ("POST", "/device/approve"): return try approveDevice(request)
            case ("GET", "/federation/credentials"): return try getRoleCredentials(request)
            case ("GET", "/assignment/accounts"): return try listAccounts(request)
            case ("GET", "/assignment/roles"): return try listAccountRoles(request)
            case ("POST", "/logout"): return try logout(request)
            default: throw EmulatorError.unknownOperation(request)
            }
        } catch {
            return Self.errorResponse(error, oidc: ["/client/register", "/device_authorization", "/token"].contains(request.path))
        }
    }

    // MARK: - Shared

    static func errorResponse(_ error: EmulatorError, oidc: Bool) -> RolesAnywhereEmulator.Response {
        guard oidc else { return error.response }
        // sso-oidc answers `{"error": "...", "error_description": "..."}` with the code in the header.
        let snake = Self.oauthCode(error.code)
        let body = JSONWriter.compact.render(.object(["error": .string(snake), "error_description": .string(error.message)]))
        return .init(status: error.status, headers: [("Content-Type", "application/json"), ("X-Amzn-ErrorType", error.code), ("x-amzn-RequestId", UUID().uuidString.lowercased())], body: Array(body.utf8))
    }

    /// `AuthorizationPendingException` → `authorization_pending`.
    static func oauthCode(_ code: String) -> String {
        let base = code.hasSuffix("Exception") ? String(code.dropLast("Exception".count)) : code
        var result = ""
        for character in base {
            if character.isUppercase, !result.isEmpty { result += "_" }
            result += character.lowercased()
        }
        return result
    }

    static func json(_ value: JSONValue, status: Int = 200) -> RolesAnywhereEmulator.Response {
        .init(status: status, headers: [("Content-Type", "application/json"), ("x-amzn-RequestId", UUID().uuidString.lowercased())], body: Array(JSONWriter.compact.render(value).utf8))
    }

    static func html(_ text: String, status: Int = 200) -> RolesAnywhereEmulator.Response {
        .init(status: status, headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")], body: Array(text.utf8))
    }

    static func redirect(_ location: String) -> RolesAnywhereEmulator.Response {
        .init(status: 302, headers: [("Location", location), ("Cache-Control", "no-store")], body: [])
    }

    static func invalidRequest(_ message: String) -> EmulatorError {
        EmulatorError(status: 400, code: "InvalidRequestException", message: message)
    }

    /// The JSON object body of an OIDC call.
    static func body(_ request: SigningRequest) throws(EmulatorError) -> JSONValue {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(request.body)), case .object = value else {
            throw invalidRequest("The request body is not a JSON object")
        }
        return value
    }

    static func string(_ object: JSONValue, _ key: String, limit: Int = 4096) throws(EmulatorError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let value)? where value.utf8.count <= limit: return value
        default: throw invalidRequest("\(key) must be a string of at most \(limit) bytes")
        }
    }

    static func strings(_ object: JSONValue, _ key: String) throws(EmulatorError) -> [String]? {
        switch object[key] {
        case nil, .null?: return nil
        case .array(let items)? where items.count <= 50:
            var result: [String] = []
            for item in items {
                guard case .string(let value) = item, value.utf8.count <= 1024 else { throw invalidRequest("\(key) must be a list of strings") }
                result.append(value)
            }
            return result
        default: throw invalidRequest("\(key) must be a list of at most 50 strings")
        }
    }

    static func query(_ request: SigningRequest) -> [String: String] {
        Dictionary(QueryString.items(request.query), uniquingKeysWith: { first, _ in first })
    }

    static func token(_ prefix: String, _ count: Int) -> String {
        prefix + RolesAnywhereEmulator.random(count, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    }

    /// Keeps `map` under ``maximumEntries``: expired entries go first, then arbitrary ones.
    static func bound<Value>(_ map: inout [String: Value], expired: (Value) -> Bool) {
        guard map.count >= maximumEntries else { return }
        map = map.filter { !expired($0.value) }
        while map.count >= maximumEntries, let key = map.keys.first { map[key] = nil }
    }

    /// The scheme and authority the caller used, for links it follows back (only characters
    /// of a host and port survive).
    static func base(_ request: SigningRequest) -> String {
        let host = request.firstHeader(named: "host") ?? "127.0.0.1"
        let safe = host.filter { $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) }
        return "http://" + (safe.isEmpty ? "127.0.0.1" : String(safe.prefix(255)))
    }

    static func escapeHTML(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;").replacing("\"", with: "&quot;").replacing("'", with: "&#39;")
    }

    /// Whether `uri` is an http loopback redirect registered by the client: the same host and
    /// path, any port (RFC 8252 §7.3).
    static func matchesRegistered(_ uri: String, _ registered: [String]) -> Bool {
        guard let url = URL(string: uri), url.scheme == "http", let host = url.host(), host == "127.0.0.1" || host == "localhost" || host == "::1" else { return false }
        return registered.contains { candidate in
            guard let registeredURL = URL(string: candidate) else { return false }
            return registeredURL.scheme == "http" && registeredURL.host() == host && registeredURL.path() == url.path()
        }
    }
}
