import Foundation
@testable import RoleKitEmulator
import RoleKitSigning
import RoleKitTesting
import Testing

/// The emulator's IAM Identity Center on a manual clock: accounts from the profiles' roles,
/// tokens and role credentials that expire on that clock, role credentials its STS accepts,
/// and hostile or malformed requests answered in the services' error shapes.
@Suite("Emulator: IAM Identity Center")
struct SSOEmulatorTests {
    static func json(_ response: RolesAnywhereEmulator.Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    static func header(_ response: RolesAnywhereEmulator.Response, _ name: String) -> String? {
        response.headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    static func post(_ path: String, _ body: String) -> SigningRequest {
        SigningRequest(method: "POST", path: path, headers: [.init("Host", "127.0.0.1:9911"), .init("Content-Type", "application/json")], body: Array(body.utf8))
    }

    static func portal(_ path: String, query: String = "", token: String) -> SigningRequest {
        SigningRequest(method: "GET", path: path, query: query, headers: [.init("Host", "127.0.0.1:9911"), .init("x-amz-sso_bearer_token", token)])
    }

    /// A token through the device flow (approved on the device page).
    static func signIn(_ sso: SSOEmulator) throws -> (accessToken: String, refreshToken: String) {
        let client = json(sso.handle(post("/client/register", #"{"clientName":"t","clientType":"public"}"#)))
        let id = try #require(client["clientId"] as? String), secret = try #require(client["clientSecret"] as? String)
        let device = json(sso.handle(post("/device_authorization", #"{"clientId":"\#(id)","clientSecret":"\#(secret)","startUrl":"https://d-0000000000.awsapps.com/start"}"#)))
        let userCode = try #require(device["userCode"] as? String), deviceCode = try #require(device["deviceCode"] as? String)
        #expect((device["verificationUriComplete"] as? String) == "http://127.0.0.1:9911/device?user_code=\(userCode)")
        let approve = SigningRequest(method: "POST", path: "/device/approve", headers: [.init("Host", "127.0.0.1")], body: Array("user_code=\(userCode)".utf8))
        #expect(sso.handle(approve).status == 200)
        let token = json(sso.handle(post("/token", #"{"clientId":"\#(id)","clientSecret":"\#(secret)","grantType":"urn:ietf:params:oauth:grant-type:device_code","deviceCode":"\#(deviceCode)"}"#)))
        return (try #require(token["accessToken"] as? String), try #require(token["refreshToken"] as? String))
    }

    @Test func accountsComeFromTheProfilesRolesWhenNoneAreConfigured() throws {
        let harness = try EmulatorHarness()
        defer { harness.remove() }
        let accounts = harness.emulator.sso.accounts()
        #expect(accounts.map(\.accountId) == ["123456789012"])
        #expect(accounts.first?.roles == ["emulator-test"])
    }

    @Test func roleCredentialsWorkAtItsSTSAndExpireOnItsClock() throws {
        let harness = try EmulatorHarness()
        defer { harness.remove() }
        let sso = harness.emulator.sso
        let (accessToken, _) = try Self.signIn(sso)
        let answer = sso.handle(Self.portal("/federation/credentials", query: "role_name=emulator-test&account_id=123456789012", token: accessToken))
        #expect(answer.status == 200)
        let role = try #require(Self.json(answer)["roleCredentials"] as? [String: Any])
        let expiration = try #require(role["expiration"] as? Int)
        #expect(expiration == Int(harness.clock.now().timeIntervalSince1970 * 1000) + 3_600_000)
        let credentials = SigningCredentials(accessKeyId: try #require(role["accessKeyId"] as? String), secretAccessKey: try #require(role["secretAccessKey"] as? String), sessionToken: role["sessionToken"] as? String)
        let sts = STSEmulator(rolesAnywhere: harness.emulator)
        let identity = sts.handle(harness.stsRequest("Action=GetCallerIdentity&Version=2011-06-15", credentials: credentials))
        #expect(identity.status == 200)
        #expect(String(decoding: identity.body, as: UTF8.self).contains("assumed-role/emulator-test/emulator-user"))
        // A role without assignment is 403; after the token's 8 hours, 401 with the header botocore reads.
        #expect(sso.handle(Self.portal("/federation/credentials", query: "role_name=Other&account_id=123456789012", token: accessToken)).status == 403)
        harness.clock.advance(by: 8 * 3600 + 1)
        let expired = sso.handle(Self.portal("/assignment/accounts", token: accessToken))
        #expect(expired.status == 401)
        #expect(Self.header(expired, "X-Amzn-ErrorType") == "UnauthorizedException")
        #expect(sts.handle(harness.stsRequest("Action=GetCallerIdentity&Version=2011-06-15", credentials: credentials)).status == 403)
    }

    @Test func refreshTokensRotateAndLogoutRevokes() throws {
        let harness = try EmulatorHarness()
        defer { harness.remove() }
        let sso = harness.emulator.sso
        let client = Self.json(sso.handle(Self.post("/client/register", #"{"clientName":"t","clientType":"public"}"#)))
        let id = try #require(client["clientId"] as? String), secret = try #require(client["clientSecret"] as? String)
        let (accessToken, refresh) = try Self.signIn(sso)
        // The refresh token belongs to the signing-in client, not to this one.
        let foreign = sso.handle(Self.post("/token", #"{"clientId":"\#(id)","clientSecret":"\#(secret)","grantType":"refresh_token","refreshToken":"\#(refresh)"}"#))
        #expect(foreign.status == 400)
        #expect(Self.header(foreign, "X-Amzn-ErrorType") == "InvalidGrantException")
        #expect(Self.json(foreign)["error"] as? String == "invalid_grant")
        #expect(sso.handle(Self.portal("/logout", token: accessToken).with(method: "POST")).status == 200)
        #expect(sso.handle(Self.portal("/assignment/accounts", token: accessToken)).status == 401)
    }

    @Test func malformedRequestsGetTheServicesErrors() throws {
        let harness = try EmulatorHarness()
        defer { harness.remove() }
        let sso = harness.emulator.sso
        for body in ["", "[]", "{", #"{"clientName": 5, "clientType": "public"}"#, #"{"clientName":"t","clientType":"confidential"}"#, "{\"clientName\":\"" + String(repeating: "x", count: 5000) + "\",\"clientType\":\"public\"}"] {
            let answer = sso.handle(Self.post("/client/register", body))
            #expect(answer.status == 400, "\(body.prefix(40))")
            #expect(Self.json(answer)["error"] as? String == "invalid_request")
        }
        let unknownClient = sso.handle(Self.post("/token", #"{"clientId":"nope","clientSecret":"nope","grantType":"refresh_token","refreshToken":"x"}"#))
        #expect(unknownClient.status == 401 && Self.header(unknownClient, "X-Amzn-ErrorType") == "InvalidClientException")
        let (accessToken, _) = try Self.signIn(sso)
        for query in ["max_result=0", "max_result=1001", "next_token=-1", "next_token=abc", "next_token=99"] {
            #expect(sso.handle(Self.portal("/assignment/accounts", query: query, token: accessToken)).status == 400, "\(query)")
        }
        #expect(sso.handle(Self.portal("/federation/credentials", token: accessToken)).status == 400)
        #expect(sso.handle(Self.portal("/assignment/accounts", token: "")).status == 401)
        // The device page escapes what it shows.
        let page = sso.handle(SigningRequest(method: "GET", path: "/device", query: "user_code=%3Cscript%3E"))
        #expect(!String(decoding: page.body, as: UTF8.self).contains("<script>"))
    }
}

extension SigningRequest {
    func with(method: String) -> SigningRequest {
        var copy = self
        copy.method = method
        return copy
    }
}
