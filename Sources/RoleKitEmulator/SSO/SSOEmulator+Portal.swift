import FoundationEssentials
import RoleKitSigning
import RoleKitSupport
import RoleKitTransport
import Synchronization

extension SSOEmulator {
    /// The unexpired access token of `request`'s `x-amz-sso_bearer_token`.
    private func bearer(_ request: SigningRequest) throws(EmulatorError) -> String {
        let token = request.firstHeader(named: "x-amz-sso_bearer_token") ?? ""
        let now = clock.now()
        guard !token.isEmpty, let entry = state.withLock({ $0.accessTokens[token] }), entry.expiresAt > now else {
            throw EmulatorError(status: 401, code: "UnauthorizedException", message: "Session token not found or invalid")
        }
        return token
    }

    /// `GET /federation/credentials?role_name=&account_id=`: role credentials the emulator's STS accepts.
    func getRoleCredentials(_ request: SigningRequest) throws(EmulatorError) -> RolesAnywhereEmulator.Response {
        _ = try bearer(request)
        let query = Self.query(request)
        guard let roleName = query["role_name"], let account = query["account_id"], !roleName.isEmpty, roleName.utf8.count <= 128 else {
            throw Self.invalidRequest("role_name and account_id are required")
        }
        guard accounts().contains(where: { $0.accountId == account && $0.roles.contains(roleName) }) else {
            throw EmulatorError(status: 403, code: "ForbiddenException", message: "No access")
        }
        let now = clock.now()
        let session = RolesAnywhereEmulator.IssuedSession(
            accessKeyId: "ASIA" + RolesAnywhereEmulator.random(16, alphabet: CreateSessionIssuer.keyIdAlphabet),
            secretAccessKey: RolesAnywhereEmulator.random(40, alphabet: CreateSessionIssuer.secretAlphabet),
            sessionToken: "IQoJb3JpZ2luX2VtdWxhdG9yU1NP" + RolesAnywhereEmulator.random(200, alphabet: CreateSessionIssuer.secretAlphabet),
            roleArn: "arn:aws:iam::\(account):role/\(roleName)", sessionName: configuration.userName,
            expiration: now.addingTimeInterval(TimeInterval(max(900, configuration.roleCredentialSeconds))), subject: "sso:\(configuration.userName)"
        )
        rolesAnywhere.record(session)
        let milliseconds = Int(session.expiration.timeIntervalSince1970 * 1000)
        return Self.json(.object([
            "roleCredentials": .object([
                "accessKeyId": .string(session.accessKeyId), "secretAccessKey": .string(session.secretAccessKey), "sessionToken": .string(session.sessionToken),
                "expiration": .int(milliseconds),
            ])
        ]))
    }

    /// Page bounds of the list calls: `max_result` 1 to 1000 (default 20), `next_token` an offset.
    private func page<T>(_ items: [T], _ query: [String: String]) throws(EmulatorError) -> ([T], String?) {
        let size = Int(query["max_result"] ?? "20") ?? 0
        guard (1...1000).contains(size) else { throw Self.invalidRequest("max_result must be 1 to 1000") }
        let start = query["next_token"].map { Int($0) ?? -1 } ?? 0
        guard start >= 0, start <= items.count else { throw Self.invalidRequest("next_token is not valid") }
        let end = min(items.count, start + size)
        return (Array(items[start..<end]), end < items.count ? String(end) : nil)
    }

    func listAccounts(_ request: SigningRequest) throws(EmulatorError) -> RolesAnywhereEmulator.Response {
        _ = try bearer(request)
        let (items, next) = try page(accounts(), Self.query(request))
        var members: [JSONValue.Member] = [
            .init("accountList", .array(items.map { .object(["accountId": .string($0.accountId), "accountName": .string($0.accountName), "emailAddress": .string($0.emailAddress)]) }))
        ]
        if let next { members.append(.init("nextToken", .string(next))) }
        return Self.json(.object(members))
    }

    func listAccountRoles(_ request: SigningRequest) throws(EmulatorError) -> RolesAnywhereEmulator.Response {
        _ = try bearer(request)
        let query = Self.query(request)
        guard let account = query["account_id"] else { throw Self.invalidRequest("account_id is required") }
        let roles = accounts().first { $0.accountId == account }?.roles ?? []
        let (items, next) = try page(roles, query)
        var members: [JSONValue.Member] = [.init("roleList", .array(items.map { .object(["roleName": .string($0), "accountId": .string(account)]) }))]
        if let next { members.append(.init("nextToken", .string(next))) }
        return Self.json(.object(members))
    }

    /// `POST /logout`: the token stops working.
    func logout(_ request: SigningRequest) throws(EmulatorError) -> RolesAnywhereEmulator.Response {
        let token = try bearer(request)
        state.withLock { _ = $0.accessTokens.removeValue(forKey: token) }
        return .init(status: 200, headers: [("x-amzn-RequestId", UUID().uuidString.lowercased())], body: [])
    }
}
