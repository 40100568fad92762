public import FoundationEssentials
import RoleKitSigning
import RoleKitSupport
public import RoleKitTransport

/// The IAM Identity Center portal (`sso`, 2019-06-10): `GetRoleCredentials`, `ListAccounts`,
/// `ListAccountRoles` and `Logout`. Every call carries the access token in
/// `x-amz-sso_bearer_token` and no signature, as the model says (`noAuth`).
public struct SSOClient: Sendable {
    public let transport: HTTPTransport
    public let region: String
    public let endpoint: URL

    /// - Parameters:
    ///   - region: `sso_region` (the profile's `region` plays no part).
    ///   - endpoint: An override (`AWS_ENDPOINT_URL_SSO`, the emulator); else
    ///     `https://portal.sso.REGION.amazonaws.com`.
    public init(transport: HTTPTransport, region: String, endpoint: URL? = nil) throws(SSOError) {
        self.transport = transport
        self.region = region
        if let endpoint { self.endpoint = endpoint } else { self.endpoint = try Self.defaultEndpoint(region: region) }
    }

    /// `https://portal.sso.REGION.amazonaws.com` (`.amazonaws.com.cn` in China).
    public static func defaultEndpoint(region: String) throws(SSOError) -> URL {
        try SSOServiceCall.defaultEndpoint("portal.sso", region: region)
    }

    /// The largest page `ListAccounts`/`ListAccountRoles` ask for, and the most pages followed.
    public static let pageSize = 100
    public static let maximumPages = 1000

    private var call: SSOServiceCall { SSOServiceCall(transport: transport, base: endpoint, service: "IAM Identity Center") }

    /// `GetRoleCredentials`: credentials for `roleName` in `accountId`.
    /// - Throws: ``SSOError`` `.unauthorized` for an expired or revoked token, `.invalidInput`
    ///   for a malformed account id or role name (nothing is sent).
    public func getRoleCredentials(accessToken: String, accountId: String, roleName: String) async throws(SSOError) -> SSORoleCredentials {
        try Self.check(accessToken: accessToken)
        try Self.check(accountId: accountId)
        guard !roleName.isEmpty, roleName.utf8.count <= 128, SafeText.isPrintableASCII(roleName) else {
            throw SSOError(.invalidInput, "sso_role_name must be 1 to 128 printable characters", parameter: "roleName")
        }
        let bytes = try await call.send(
            method: "GET", path: "/federation/credentials", query: [("role_name", roleName), ("account_id", accountId)],
            headers: [.init("x-amz-sso_bearer_token", accessToken)]
        )
        let object = try call.object(bytes, operation: "GetRoleCredentials")
        guard let credentials = object["roleCredentials"], let keyId = credentials.string("accessKeyId"), let secret = credentials.string("secretAccessKey"),
            let token = credentials.string("sessionToken"), let milliseconds = credentials.integer("expiration")
        else {
            throw SSOError(.malformedResponse, "GetRoleCredentials answered without roleCredentials (accessKeyId, secretAccessKey, sessionToken, expiration)")
        }
        return SSORoleCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token, expiration: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// Every account the user may use (`ListAccounts`, all pages).
    public func listAccounts(accessToken: String) async throws(SSOError) -> [SSOAccount] {
        try Self.check(accessToken: accessToken)
        return try await pages(operation: "ListAccounts", path: "/assignment/accounts", query: [], accessToken: accessToken, list: "accountList") { item throws(SSOError) in
            guard let id = item.string("accountId") else { throw SSOError(.malformedResponse, "ListAccounts answered with an account without accountId") }
            return SSOAccount(accountId: id, accountName: item.string("accountName"), emailAddress: item.string("emailAddress"))
        }
    }

    /// Every role the user may use in `accountId` (`ListAccountRoles`, all pages).
    public func listAccountRoles(accessToken: String, accountId: String) async throws(SSOError) -> [SSOAccountRole] {
        try Self.check(accessToken: accessToken)
        try Self.check(accountId: accountId)
        return try await pages(operation: "ListAccountRoles", path: "/assignment/roles", query: [("account_id", accountId)], accessToken: accessToken, list: "roleList") { item throws(SSOError) in
            guard let name = item.string("roleName") else { throw SSOError(.malformedResponse, "ListAccountRoles answered with a role without roleName") }
            return SSOAccountRole(accountId: item.string("accountId") ?? accountId, roleName: name)
        }
    }

    /// `Logout`: the token stops working.
    public func logout(accessToken: String) async throws(SSOError) {
        try Self.check(accessToken: accessToken)
        _ = try await call.send(method: "POST", path: "/logout", headers: [.init("x-amz-sso_bearer_token", accessToken)])
    }

    private func pages<Item>(
        operation: String, path: String, query: [(String, String)], accessToken: String, list: String, item: (JSONValue) throws(SSOError) -> Item
    ) async throws(SSOError) -> [Item] {
        var items: [Item] = []
        var nextToken: String?
        var seen: Set<String> = []
        for _ in 0..<Self.maximumPages {
            var pageQuery = query
            if let nextToken { pageQuery.append(("next_token", nextToken)) }
            pageQuery.append(("max_result", String(Self.pageSize)))
            let bytes = try await call.send(method: "GET", path: path, query: pageQuery, headers: [.init("x-amz-sso_bearer_token", accessToken)])
            let object = try call.object(bytes, operation: operation)
            if case .array(let values)? = object[list] {
                for value in values { items.append(try item(value)) }
            }
            guard let next = object.string("nextToken"), !next.isEmpty else { return items }
            // A server that repeats a token would page forever.
            guard next.utf8.count <= 4096, seen.insert(next).inserted else {
                throw SSOError(.malformedResponse, "\(operation) repeated a nextToken; stopped paging")
            }
            nextToken = next
        }
        throw SSOError(.malformedResponse, "\(operation) gave more than \(Self.maximumPages) pages; stopped paging")
    }

    static func check(accessToken: String) throws(SSOError) {
        guard !accessToken.isEmpty, accessToken.utf8.count <= 16 * 1024, !accessToken.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value > 0x7E }) else {
            throw SSOError(.invalidInput, "the SSO access token is empty, too long or holds characters a header cannot carry; sign in again", parameter: "accessToken")
        }
    }

    static func check(accountId: String) throws(SSOError) {
        guard accountId.utf8.count == 12, accountId.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw SSOError(.invalidInput, "sso_account_id must be 12 digits", parameter: "accountId")
        }
    }
}
