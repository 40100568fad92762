import Foundation
import RoleKitCredentials
import RoleKitEmulator
import RoleKitServices
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
import RoleKitTransport
import Testing

/// The SSO token provider's refresh windows, the AWS CLI's cache keys and PKCE values (checked
/// against Python and the CLI's own vectors), and the emulator's OIDC and portal edge cases.
@Suite("IAM Identity Center: tokens, keys and the emulator's edges")
struct SSOProviderTests {
    static let startUrl = "https://d-123.awsapps.com/start"

    // MARK: - Keys and PKCE

    /// SHA-1 of Python's json.dumps of `object` with `arguments` (an independent computation).
    static func pythonSHA1(_ object: String, arguments: String) async throws -> String {
        let script = "import hashlib, json, sys; print(hashlib.sha1(json.dumps(json.loads(sys.argv[1]), \(arguments)).encode()).hexdigest())"
        let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", script, object])
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func roleCacheKeysAreTheAWSCLIs() async throws {
        let session = SSOProfileConfiguration(profile: "p", sessionName: "my-sso", startUrl: Self.startUrl, region: "us-east-1", accountId: "111122223333", roleName: "ReadOnly")
        var legacy = session
        legacy.sessionName = nil
        // The AWS CLI v2's values (sso-and-hardware-keys notes, A3) and Python's.
        #expect(SSORoleCredentialCache.key(for: session) == "0521d1f6a6c4e68f9e18540309367cc3cccb6305")
        #expect(SSORoleCredentialCache.key(for: legacy) == "5faff98efb81db26583ae08e2fd8aea3a76a7efa")
        let python = try await Self.pythonSHA1(#"{"accountId":"111122223333","roleName":"ReadOnly","startUrl":"https://d-123.awsapps.com/start"}"#, arguments: "sort_keys=True, separators=(',', ':')")
        #expect(SSORoleCredentialCache.key(for: legacy) == python)
    }

    @Test func registrationCacheKeysAreTheAWSCLIs() async throws {
        let session = SSOLoginConfiguration(sessionName: "my-sso", startUrl: Self.startUrl, region: "us-east-1", scopes: ["sso:account:access"])
        let legacy = SSOLoginConfiguration(sessionName: nil, startUrl: Self.startUrl, region: "us-east-1", scopes: nil)
        #expect(SSOLogin.registrationCacheKey(session) == "41703fba9789c2c8f9b7faa73b70bebb72c62cc9")
        #expect(SSOLogin.registrationCacheKey(legacy) == "334df8a025b4d748342a2fb4eaa316ea48c5576c")
        let python = try await Self.pythonSHA1(
            #"{"tool":"botocore","startUrl":"https://d-123.awsapps.com/start","region":"us-east-1","scopes":["sso:account:access"],"session_name":"my-sso"}"#, arguments: "sort_keys=True"
        )
        #expect(SSOLogin.registrationCacheKey(session) == python)
    }

    @Test func pkceValues() async throws {
        #expect(SSOOIDCClient.codeChallenge(for: String(repeating: "A", count: 64)) == "1T7aemN8mcx_tWbZbp-hCb8VxHhBCj9etNTE4mzQgfY")
        let verifier = SSOLogin.makeCodeVerifier()
        #expect(verifier.count == 64)
        #expect(verifier.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._~".contains($0)) })
        #expect(SSOLogin.makeCodeVerifier() != verifier)
        let script = "import base64, hashlib, sys; print(base64.urlsafe_b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).decode().rstrip('='))"
        let python = try await Subprocess.runAsync([TestEnvironment.python, "-c", script, verifier])
        #expect(SSOOIDCClient.codeChallenge(for: verifier) == python.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    // MARK: - Refresh windows

    static let seeded = SSOEmulatorConfiguration.SeededRefreshToken(clientId: "client-EXAMPLE", clientSecret: "secret-EXAMPLE", refreshToken: "refresh-EXAMPLE")

    static func withTokens(_ body: (EmulatorFixture, HTTPTransport, SSOTokenCache) async throws -> Void) async throws {
        var sso = EmulatorFixture.ssoConfiguration
        sso.seededRefreshTokens = [seeded]
        sso.seededAccessTokens = ["seeded-access-EXAMPLE"]
        let fixture = try await EmulatorFixture(sso: sso)
        let transport = try HTTPTransport(configuration: .init(retry: .none))
        let directory = NSTemporaryDirectory() + "rolekit-sso-tokens-\(UUID().uuidString)"
        try await withTeardown({ try await body(fixture, transport, SSOTokenCache(directory: directory)) }, teardown: {
            try await transport.shutdown()
            await fixture.stop()
            try? FileManager.default.removeItem(atPath: directory)
        })
    }

    static func provider(_ fixture: EmulatorFixture, _ transport: HTTPTransport, _ cache: SSOTokenCache, clock: ManualWallClock, session: String? = "corp") throws -> SSOTokenProvider {
        let configuration = SSOProfileConfiguration(profile: "dev", sessionName: session, startUrl: startUrl, region: "us-east-1", accountId: "123456789012", roleName: "ReadOnly")
        return SSOTokenProvider(configuration: configuration, cache: cache, oidc: try SSOOIDCClient(transport: transport, region: "us-east-1", endpoint: fixture.endpoint), clock: clock)
    }

    static func token(expiresIn seconds: TimeInterval, at now: Date, secret: String = seeded.clientSecret, refreshable: Bool = true) -> SSOToken {
        SSOToken(
            accessToken: "old-access-EXAMPLE", expiresAt: now.addingTimeInterval(seconds), startUrl: startUrl, region: "us-east-1",
            refreshToken: refreshable ? seeded.refreshToken : nil, clientId: seeded.clientId, clientSecret: secret, registrationExpiresAt: now.addingTimeInterval(86_400)
        )
    }

    @Test func refreshesOnlyInBotocoresWindow() async throws {
        try await Self.withTokens { fixture, transport, cache in
            let clock = ManualWallClock(Date())
            let provider = try Self.provider(fixture, transport, cache, clock: clock)
            // 20 minutes left: used as it is.
            try cache.store(Self.token(expiresIn: 1200, at: clock.now()), sessionName: "corp", startUrl: Self.startUrl)
            #expect(try await provider.token().accessToken == "old-access-EXAMPLE")
            // 12 minutes left: refreshed, written back with the registration kept.
            try cache.store(Self.token(expiresIn: 720, at: clock.now()), sessionName: "corp", startUrl: Self.startUrl)
            let refreshed = try await provider.token()
            #expect(refreshed.accessToken != "old-access-EXAMPLE")
            #expect(refreshed.refreshToken != nil && refreshed.refreshToken != Self.seeded.refreshToken)
            let stored = try #require(try cache.token(sessionName: "corp", startUrl: Self.startUrl))
            #expect(stored.accessToken == refreshed.accessToken)
            #expect(stored.clientId == Self.seeded.clientId && stored.clientSecret == Self.seeded.clientSecret)
            #expect(abs(stored.expiresAt.timeIntervalSince(clock.now()) - 8 * 3600) < 5)
        }
    }

    @Test func aFailedRefreshKeepsTheOldTokenUntilItExpires() async throws {
        try await Self.withTokens { fixture, transport, cache in
            let clock = ManualWallClock(Date())
            let provider = try Self.provider(fixture, transport, cache, clock: clock)
            // A wrong client secret: the refresh fails, the unexpired token is still used.
            try cache.store(Self.token(expiresIn: 720, at: clock.now(), secret: "wrong-EXAMPLE"), sessionName: "corp", startUrl: Self.startUrl)
            #expect(try await provider.token().accessToken == "old-access-EXAMPLE")
            // Expired and not refreshable: the error names the login command.
            try cache.store(Self.token(expiresIn: -1, at: clock.now(), secret: "wrong-EXAMPLE"), sessionName: "corp", startUrl: Self.startUrl)
            let error = await #expect(throws: CredentialsError.self) { try await provider.token() }
            #expect(error?.code == .ssoTokenRefreshFailed)
            #expect(error?.message.contains("rolekit sso login --profile dev") == true)
            #expect(error?.message.contains("wrong-EXAMPLE") == false)
        }
    }

    @Test func legacyTokensAreNeverRefreshed() async throws {
        try await Self.withTokens { fixture, transport, cache in
            let clock = ManualWallClock(Date())
            let provider = try Self.provider(fixture, transport, cache, clock: clock, session: nil)
            try cache.store(Self.token(expiresIn: 300, at: clock.now()), sessionName: nil, startUrl: Self.startUrl)
            #expect(try await provider.token().accessToken == "old-access-EXAMPLE")
            try cache.store(Self.token(expiresIn: -1, at: clock.now()), sessionName: nil, startUrl: Self.startUrl)
            let error = await #expect(throws: CredentialsError.self) { try await provider.token() }
            #expect(error?.code == .ssoTokenExpired)
        }
    }

    @Test func theRoleProviderRereadsTheTokenCache() async throws {
        try await Self.withTokens { fixture, transport, cache in
            let configuration = SSOProfileConfiguration(profile: "dev", sessionName: "corp", startUrl: Self.startUrl, region: "us-east-1", accountId: "123456789012", roleName: "ReadOnly")
            let provider = try SSOCredentialProvider(
                configuration: .init(profile: configuration, portalEndpoint: fixture.endpoint, oidcEndpoint: fixture.endpoint, tokenCacheDirectory: cache.directory, roleCacheDirectory: nil),
                transport: transport
            )
            let missing = await #expect(throws: CredentialsError.self) { try await provider.credentials() }
            #expect(missing?.code == .ssoTokenNotFound)
            // A login in another terminal: the next call (after the failure backoff) sees it.
            try cache.store(SSOToken(accessToken: "seeded-access-EXAMPLE", expiresAt: Date().addingTimeInterval(3600)), sessionName: "corp", startUrl: Self.startUrl)
            try await Task.sleep(for: .milliseconds(1100))
            let credentials = try await provider.credentials()
            #expect(credentials.accessKeyId.hasPrefix("ASIA"))
            #expect(credentials.expiration.map { $0.timeIntervalSinceNow > 3000 } == true)
        }
    }

    // MARK: - The emulator's edges, through the clients

    @Test func deviceCodePollingAndRefusals() async throws {
        var sso = EmulatorFixture.ssoConfiguration
        sso.autoApprove = false
        // A long interval: two polls in a row are always too fast, however loaded the machine.
        sso.pollingIntervalSeconds = 60
        let fixture = try await EmulatorFixture(sso: sso)
        let transport = try HTTPTransport(configuration: .init(retry: .none))
        try await withTeardown({
            let oidc = try SSOOIDCClient(transport: transport, region: "us-east-1", endpoint: fixture.endpoint)
            let registration = try await oidc.registerClient(clientName: "test")
            let device = try await oidc.startDeviceAuthorization(registration: registration, startUrl: Self.startUrl)
            #expect(device.interval == 60)
            let pending = await #expect(throws: SSOError.self) { try await oidc.createToken(registration: registration, grant: .deviceCode(device.deviceCode)) }
            #expect(pending?.code == .authorizationPending)
            let tooFast = await #expect(throws: SSOError.self) { try await oidc.createToken(registration: registration, grant: .deviceCode(device.deviceCode)) }
            #expect(tooFast?.code == .slowDown)
            // The user denies on the device page.
            let denial = try await SSOTestHTTP.send(fixture.endpoint.absoluteString + "/device/approve", method: "POST", body: "user_code=\(device.userCode)&decision=deny")
            #expect(denial.status == 200)
            // A denial is answered before any polling-rate check.
            let denied = await #expect(throws: SSOError.self) { try await oidc.createToken(registration: registration, grant: .deviceCode(device.deviceCode)) }
            #expect(denied?.code == .accessDenied)
            // A wrong client secret is InvalidClientException.
            var wrong = registration
            wrong.clientSecret = "wrong-EXAMPLE"
            let invalid = await #expect(throws: SSOError.self) { try await oidc.startDeviceAuthorization(registration: wrong, startUrl: Self.startUrl) }
            #expect(invalid?.code == .invalidClient)
        }, teardown: {
            try await transport.shutdown()
            await fixture.stop()
        })
    }

    @Test func listingFollowsEveryPage() async throws {
        var sso = EmulatorFixture.ssoConfiguration
        sso.accounts = (0..<250).map { .init(accountId: String(100_000_000_000 + $0), roles: (0..<3).map { "Role\($0)" }) }
        sso.seededAccessTokens = ["seeded-access-EXAMPLE"]
        let fixture = try await EmulatorFixture(sso: sso)
        let transport = try HTTPTransport(configuration: .init(retry: .none))
        try await withTeardown({
            let portal = try SSOClient(transport: transport, region: "us-east-1", endpoint: fixture.endpoint)
            let accounts = try await portal.listAccounts(accessToken: "seeded-access-EXAMPLE")
            #expect(accounts.map(\.accountId) == sso.accounts.map(\.accountId))  // 3 pages of at most 100
            #expect(try await portal.listAccountRoles(accessToken: "seeded-access-EXAMPLE", accountId: "100000000007").map(\.roleName) == ["Role0", "Role1", "Role2"])
        }, teardown: {
            try await transport.shutdown()
            await fixture.stop()
        })
    }

    @Test func authorizationCodesCheckTheVerifierAndAreUsedOnce() async throws {
        try await Self.withTokens { fixture, transport, _ in
            let oidc = try SSOOIDCClient(transport: transport, region: "us-east-1", endpoint: fixture.endpoint)
            let redirect = "http://127.0.0.1:5555/oauth/callback"
            let registration = try await oidc.registerClient(
                clientName: "test", scopes: ["sso:account:access"], grantTypes: ["authorization_code", "refresh_token"], redirectUris: ["http://127.0.0.1/oauth/callback"], issuerUrl: Self.startUrl
            )
            let verifier = SSOLogin.makeCodeVerifier()
            let login = try SSOLogin(configuration: .init(sessionName: "corp", startUrl: Self.startUrl, region: "us-east-1"), transport: transport, oidcEndpoint: fixture.endpoint)
            func code() async throws -> String {
                let url = login.authorizeURL(clientId: registration.clientId, redirectUri: redirect, state: "state-1", challenge: SSOOIDCClient.codeChallenge(for: verifier), scopes: ["sso:account:access"])
                let answer = try await SSOTestHTTP.get(url)
                #expect(answer.status == 302)
                let location = try #require(answer.location)
                #expect(location.hasPrefix(redirect + "?code="))
                #expect(location.hasSuffix("&state=state-1"))
                return String(location.split(separator: "code=")[1].split(separator: "&")[0])
            }
            let first = try await code()
            let wrongVerifier = await #expect(throws: SSOError.self) {
                try await oidc.createToken(registration: registration, grant: .authorizationCode(code: first, redirectUri: redirect, codeVerifier: SSOLogin.makeCodeVerifier()))
            }
            #expect(wrongVerifier?.code == .invalidGrant)
            // The failed attempt used the code up.
            let reused = await #expect(throws: SSOError.self) {
                try await oidc.createToken(registration: registration, grant: .authorizationCode(code: first, redirectUri: redirect, codeVerifier: verifier))
            }
            #expect(reused?.code == .invalidGrant)
            let second = try await code()
            let token = try await oidc.createToken(registration: registration, grant: .authorizationCode(code: second, redirectUri: redirect, codeVerifier: verifier))
            #expect(token.refreshToken != nil && token.expiresIn > 0)
            // An unregistered redirect is refused on the page.
            let other = login.authorizeURL(clientId: registration.clientId, redirectUri: "http://evil.example/cb", state: "s", challenge: SSOOIDCClient.codeChallenge(for: verifier), scopes: [])
            #expect(try await SSOTestHTTP.get(other).status == 400)
            // The portal pages, and refuses an unknown token with the header botocore reads.
            let portal = try SSOClient(transport: transport, region: "us-east-1", endpoint: fixture.endpoint)
            #expect(try await portal.listAccounts(accessToken: token.accessToken).map(\.accountId) == ["123456789012", "210987654321"])
            let unknown = await #expect(throws: SSOError.self) { try await portal.getRoleCredentials(accessToken: "unknown-EXAMPLE", accountId: "123456789012", roleName: "ReadOnly") }
            #expect(unknown?.code == .unauthorized && unknown?.serviceCode == "UnauthorizedException")
            let badAccount = await #expect(throws: SSOError.self) { try await portal.getRoleCredentials(accessToken: token.accessToken, accountId: "12", roleName: "ReadOnly") }
            #expect(badAccount?.code == .invalidInput)
        }
    }
}

/// Requests the way a browser makes them on the emulator's pages (redirects not followed).
enum SSOTestHTTP {
    static func send(_ url: String, method: String = "GET", body: String = "") async throws -> (status: Int, location: String?) {
        let parsed = try #require(URL(string: url))
        let base = try #require(URL(string: "\(parsed.scheme ?? "http")://\(parsed.host() ?? "127.0.0.1"):\(parsed.port ?? 80)"))
        let transport = try HTTPTransport(configuration: .init(retry: .none))
        defer { Task { try? await transport.shutdown() } }
        var headers = [SigningRequest.Header("Host", "\(parsed.host() ?? ""):\(parsed.port ?? 80)")]
        if !body.isEmpty { headers.append(.init("Content-Type", "application/x-www-form-urlencoded")) }
        let request = SigningRequest(method: method, path: parsed.path(percentEncoded: true), query: parsed.query(percentEncoded: true) ?? "", headers: headers, body: Array(body.utf8))
        do {
            let response = try await transport.send(request, to: base, sign: { request, _ in request }, parseError: { _ in ServiceErrorInfo(code: nil, message: nil) })
            return (response.status, response.header("Location"))
        } catch let error as TransportError {
            guard let response = error.response else { throw error }
            return (response.status, response.header("Location"))
        }
    }

    static func get(_ url: String) async throws -> (status: Int, location: String?) { try await send(url) }
}
