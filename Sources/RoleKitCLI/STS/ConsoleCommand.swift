import ArgumentParser
import FoundationEssentials
import RoleKitArgumentParser
import RoleKitCredentials
import RoleKitServices
import RoleKitSigning
import RoleKitSupport
import RoleKitTransport

/// `rolekit console`: the AWS Management Console, signed in with the current credentials
/// through the federation endpoint (as aws-vault login).
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the AWS console signed in with these credentials (or print the sign-in URL).",
        discussion: """
            Temporary credentials (a role, SSO, Roles Anywhere through a profile) go to the
            federation endpoint's getSigninToken as they are; long-term IAM user keys first
            become a federated session (GetFederationToken, with a policy allowing what the
            user may do). The sign-in host follows the region's partition (aws, aws-cn,
            aws-us-gov). The URL holds a sign-in token valid for 15 minutes: --print writes it
            to standard output; otherwise the browser is sent to a one-time page on 127.0.0.1
            that forwards to it, so the token is never on a command line.
            """
    )

    @OptionGroup(title: "Credentials") var auth: AWSAuthOptions
    @OptionGroup var connection: STSConnectionOptions

    @Option(help: ArgumentHelp("Console page to land on (default: the partition's console home).", valueName: "url"))
    var destination: String?
    @Option(help: ArgumentHelp("Console session length in seconds, 900–43200 (role sessions; federated users get their token's).", valueName: "seconds"))
    var duration: Int?
    @Flag(help: "Print the sign-in URL instead of opening a browser.") var print = false
    @Option(name: .customLong("federation-endpoint"), help: ArgumentHelp("Federation endpoint (default: the partition's https://signin…/federation; an emulator's /federation for tests).", valueName: "url"))
    var federationEndpoint: String?
    @Option(name: .customLong("federated-user-name"), help: ArgumentHelp("Name of the federated user made from long-term keys (default: rolekit-console).", valueName: "name"))
    var federatedUserName = "rolekit-console"

    /// The partition's hosts: (federation endpoint, console home, issuer).
    static func partitionHosts(region: String) -> (federation: String, console: String) {
        if region.hasPrefix("cn-") { return ("https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/") }
        if region.hasPrefix("us-gov-") { return ("https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/") }
        return ("https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/")
    }

    /// Allows everything the IAM user may do (a federated session is the intersection of this
    /// and the user's own policies).
    static let federationPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#

    func validate() throws {
        if let duration, !(900...43_200).contains(duration) { throw ValidationError("--duration must be 900–43200 seconds") }
        if let destination {
            guard let url = URL(string: destination), url.scheme == "https", url.host != nil else {
                throw ValidationError("--destination must be an https:// URL")
            }
        }
        if let federationEndpoint { _ = try RolesAnywhereOptions.parseEndpoint(federationEndpoint) }
    }

    func run() async throws {
        let url = try await StandardError.failingWithOneLine { () async throws -> String in
            try await auth.withSession(connection) { session, transport in try await signInURL(session: session, transport: transport) }
        }
        if print {
            Swift.print(url)
            return
        }
        try await StandardError.failingWithOneLine { try await open(url) }
    }

    private func signInURL(session: CredentialSession, transport: HTTPTransport) async throws -> String {
        let region = session.region
        let hosts = Self.partitionHosts(region: region)
        var credentials = try await session.provider().credentials()
        var federated = false
        if credentials.sessionToken == nil {
            let client = STSClient(transport: transport, region: region, endpoint: try connection.endpointURL())
            credentials = try Credentials(
                try await client.getFederationToken(name: federatedUserName, policy: Self.federationPolicy, durationSeconds: duration ?? 43_200, credentials: credentials.signingCredentials)
            )
            federated = true
        }
        guard let token = credentials.sessionToken else { throw CredentialsError(.invalidCredentials, "the credentials have no session token to sign in with") }
        guard let endpoint = try federationEndpoint.map(RolesAnywhereOptions.parseEndpoint) ?? URL(string: hosts.federation), let host = endpoint.host() else {
            throw ValidationError("the federation endpoint is not a URL")
        }
        let session = JSONWriter.compact.render(.object(["sessionId": .string(credentials.accessKeyId), "sessionKey": .string(credentials.secretAccessKey), "sessionToken": .string(token)]))
        var form: [(String, String)] = [("Action", "getSigninToken"), ("Session", session)]
        // Federated-user sessions last what their token does; SessionDuration is refused for them.
        if !federated { form.append(("SessionDuration", String(duration ?? 43_200))) }
        let body = form.map { "\(URIEncoding.encode($0.0))=\(URIEncoding.encode($0.1))" }.joined(separator: "&")
        let path = endpoint.path.isEmpty ? "/" : endpoint.path
        let request = SigningRequest(
            method: "POST", path: path,
            headers: [.init("Host", endpoint.port.map { "\(host):\($0)" } ?? host), .init("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8)
        )
        let response: HTTPResponse
        do {
            response = try await transport.send(request, to: endpoint, sign: { request, _ in request }, parseError: { _ in ServiceErrorInfo(code: nil, message: nil) })
        } catch let error as TransportError {
            if let status = error.response?.status {
                throw CredentialsError(.retrievalFailed, "the federation endpoint refused the session (HTTP \(status)): the credentials may have expired, or a role session may be too old to sign in with")
            }
            throw error
        }
        guard response.body.count <= 64 * 1024, let answer = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body)), case .string(let signinToken)? = answer["SigninToken"], !signinToken.isEmpty else {
            throw CredentialsError(.retrievalFailed, "the federation endpoint's answer has no SigninToken")
        }
        let landing = destination ?? hosts.console
        let query: [(String, String)] = [("Action", "login"), ("Issuer", "rolekit"), ("Destination", landing), ("SigninToken", signinToken)]
        return EndpointURL.display(endpoint) + "?" + query.map { "\($0.0)=\(URIEncoding.encode($0.1))" }.joined(separator: "&")
    }

    /// Sends the browser to a one-time page on 127.0.0.1 that forwards to `url`.
    private func open(_ url: String) async throws {
        let listener = try LoopbackCallbackListener()
        defer { listener.stop() }
        var random = SystemRandomNumberGenerator()
        let nonce = Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
        let local = "http://127.0.0.1:\(listener.port)/\(nonce)"
        guard Browser.open(local, environment: .process) else {
            throw CredentialsError(.notFound, "no browser to open (set BROWSER, or use --print and open the URL yourself)")
        }
        let escaped = url.replacing("&", with: "&amp;").replacing("\"", with: "&quot;").replacing("<", with: "&lt;")
        let page = "<!doctype html><meta http-equiv=\"refresh\" content=\"0;url=\(escaped)\"><title>AWS console</title><a href=\"\(escaped)\">Continue to the AWS console</a>"
        guard await listener.waitForCallback(path: "/" + nonce, timeoutSeconds: 120, page: page) != nil else {
            throw CredentialsError(.retrievalFailed, "the browser did not open the sign-in page within 2 minutes")
        }
        StandardError.line("rolekit: console sign-in sent to the browser")
    }
}
