import Crypto
public import FoundationEssentials
import RoleKitSigning
import RoleKitSupport
public import RoleKitTransport

/// IAM Identity Center's OAuth service (`sso-oidc`, 2019-06-10): `RegisterClient`,
/// `StartDeviceAuthorization` and `CreateToken` (device code, authorization code with PKCE,
/// refresh token). Unsigned JSON `POST`s, as the model says (`noAuth`).
public struct SSOOIDCClient: Sendable {
    public let transport: HTTPTransport
    public let region: String
    public let endpoint: URL

    /// - Parameters:
    ///   - region: `sso_region`.
    ///   - endpoint: An override (`AWS_ENDPOINT_URL_SSO_OIDC`, the emulator); else
    ///     `https://oidc.REGION.amazonaws.com`.
    public init(transport: HTTPTransport, region: String, endpoint: URL? = nil) throws(SSOError) {
        self.transport = transport
        self.region = region
        if let endpoint { self.endpoint = endpoint } else { self.endpoint = try Self.defaultEndpoint(region: region) }
    }

    /// `https://oidc.REGION.amazonaws.com` (`.amazonaws.com.cn` in China).
    public static func defaultEndpoint(region: String) throws(SSOError) -> URL {
        try SSOServiceCall.defaultEndpoint("oidc", region: region)
    }

    /// The authorization page of the PKCE flow: the endpoint's scheme, host and port with
    /// `/authorize`, as the AWS CLI builds it (so an endpoint override moves it too).
    public var authorizeURL: String {
        var text = "\(endpoint.scheme ?? "https")://"
        if let host = endpoint.host() { text += host.contains(":") ? "[\(host)]" : host }
        if let port = endpoint.port { text += ":\(port)" }
        return text + "/authorize"
    }

    private var call: SSOServiceCall { SSOServiceCall(transport: transport, base: endpoint, service: "IAM Identity Center OIDC") }

    /// `RegisterClient` for a public client.
    /// - Parameters:
    ///   - grantTypes, redirectUris, issuerUrl: Sent only when given (the PKCE flow gives them).
    public func registerClient(
        clientName: String, scopes: [String]? = nil, grantTypes: [String]? = nil, redirectUris: [String]? = nil, issuerUrl: String? = nil
    ) async throws(SSOError) -> SSOClientRegistration {
        var members: [JSONValue.Member] = [.init("clientName", .string(clientName)), .init("clientType", .string("public"))]
        if let scopes { members.append(.init("scopes", .array(scopes.map(JSONValue.string)))) }
        if let grantTypes { members.append(.init("grantTypes", .array(grantTypes.map(JSONValue.string)))) }
        if let redirectUris { members.append(.init("redirectUris", .array(redirectUris.map(JSONValue.string)))) }
        if let issuerUrl { members.append(.init("issuerUrl", .string(issuerUrl))) }
        let object = try call.object(try await call.send(method: "POST", path: "/client/register", json: .object(members)), operation: "RegisterClient")
        guard let id = object.string("clientId"), let secret = object.string("clientSecret"), Self.isToken(id), Self.isToken(secret),
            let expires = object.integer("clientSecretExpiresAt")
        else {
            throw SSOError(.malformedResponse, "RegisterClient answered without clientId, clientSecret and clientSecretExpiresAt")
        }
        return SSOClientRegistration(
            clientId: id, clientSecret: secret, clientIdIssuedAt: object.integer("clientIdIssuedAt").map { Date(timeIntervalSince1970: Double($0)) },
            clientSecretExpiresAt: Date(timeIntervalSince1970: Double(expires))
        )
    }

    /// `StartDeviceAuthorization` for `startUrl`.
    public func startDeviceAuthorization(registration: SSOClientRegistration, startUrl: String) async throws(SSOError) -> SSODeviceAuthorization {
        let body = JSONValue.object(["clientId": .string(registration.clientId), "clientSecret": .string(registration.clientSecret), "startUrl": .string(startUrl)])
        let object = try call.object(try await call.send(method: "POST", path: "/device_authorization", json: body), operation: "StartDeviceAuthorization")
        guard let deviceCode = object.string("deviceCode"), Self.isToken(deviceCode), let userCode = object.string("userCode"), SafeText.isPrintableASCII(userCode),
            userCode.utf8.count <= 64, let uri = object.string("verificationUri"), SafeText.isPrintableASCII(uri), uri.utf8.count <= 2048,
            let expiresIn = object.integer("expiresIn"), (1...86_400).contains(expiresIn)
        else {
            throw SSOError(.malformedResponse, "StartDeviceAuthorization answered without a usable deviceCode, userCode, verificationUri and expiresIn")
        }
        let complete = object.string("verificationUriComplete").flatMap { SafeText.isPrintableASCII($0) && $0.utf8.count <= 2048 ? $0 : nil }
        let interval = object.integer("interval").map { Int(min(max($0, 1), 60)) } ?? 5
        return SSODeviceAuthorization(deviceCode: deviceCode, userCode: userCode, verificationUri: uri, verificationUriComplete: complete, expiresIn: Int(expiresIn), interval: interval)
    }

    /// `CreateToken` with `grant`.
    /// - Throws: ``SSOError`` with `.authorizationPending`, `.slowDown`, `.expiredToken`,
    ///   `.accessDenied`, `.invalidGrant`, `.invalidClient`, …, as the service answers.
    public func createToken(registration: SSOClientRegistration, grant: SSOTokenGrant, scopes: [String]? = nil) async throws(SSOError) -> SSOTokenResponse {
        var members: [JSONValue.Member] = [
            .init("clientId", .string(registration.clientId)), .init("clientSecret", .string(registration.clientSecret)), .init("grantType", .string(grant.grantType)),
        ]
        switch grant {
        case .deviceCode(let code): members.append(.init("deviceCode", .string(code)))
        case .authorizationCode(let code, let redirectUri, let verifier):
            members += [.init("redirectUri", .string(redirectUri)), .init("codeVerifier", .string(verifier)), .init("code", .string(code))]
        case .refreshToken(let token): members.append(.init("refreshToken", .string(token)))
        }
        if let scopes { members.append(.init("scope", .array(scopes.map(JSONValue.string)))) }
        let object = try call.object(try await call.send(method: "POST", path: "/token", json: .object(members)), operation: "CreateToken")
        guard let accessToken = object.string("accessToken"), Self.isToken(accessToken), let expiresIn = object.integer("expiresIn"), (1...(400 * 86_400)).contains(expiresIn) else {
            throw SSOError(.malformedResponse, "CreateToken answered without a usable accessToken and expiresIn")
        }
        let refresh = object.string("refreshToken").flatMap { Self.isToken($0) ? $0 : nil }
        return SSOTokenResponse(accessToken: accessToken, tokenType: object.string("tokenType"), expiresIn: Int(expiresIn), refreshToken: refresh)
    }

    /// The PKCE S256 challenge of `verifier`: base64url(SHA-256(verifier)) without padding.
    public static func codeChallenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Array(verifier.utf8))).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }

    /// A token, id or secret: 1 to 16 KiB of printable ASCII without spaces.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 16 * 1024 && text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
