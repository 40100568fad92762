import FoundationEssentials
import RoleKitSigning
import RoleKitSupport
import RoleKitTransport
import Synchronization

/// The console federation endpoint (`/federation`), enough to follow a sign-in:
/// `Action=getSigninToken` (GET query or POST form) takes a `Session` JSON of credentials the
/// emulator issued and answers `{"SigninToken": …}`; `Action=login` with that token (once, for
/// 15 minutes) redirects to `Destination`, an https URL. Anything else is a 400 that says why.
///
/// Sessions are checked as STS checks them: the key id must be one the emulator issued, secret
/// and token equal (constant time), not expired. At most 1,024 sign-in tokens are live.
final class FederationSigninEmulator: Sendable {
    let rolesAnywhere: RolesAnywhereEmulator
    private let tokens = Mutex<[String: (subject: String, expiration: Date)]>([:])
    static let maximumTokens = 1024
    static let tokenLifetime: TimeInterval = 15 * 60

    init(rolesAnywhere: RolesAnywhereEmulator) {
        self.rolesAnywhere = rolesAnywhere
    }

    /// Subjects (assumed-role ARNs) of the sign-ins that completed, for tests.
    let completed = Mutex<[String]>([])

    func handle(_ request: SigningRequest) -> RolesAnywhereEmulator.Response {
        let text = request.method == "POST" ? String(decoding: request.body.prefix(32 * 1024), as: UTF8.self) : request.query
        guard request.body.count <= 32 * 1024 else { return Self.text(413, "request too large") }
        let parameters = Dictionary(QueryString.items(text, plusIsSpace: true), uniquingKeysWith: { $1 })
        switch parameters["Action"] {
        case "getSigninToken":
            return signinToken(parameters)
        case "login":
            return login(parameters)
        default:
            return Self.text(400, "Action must be getSigninToken or login")
        }
    }

    private func signinToken(_ parameters: [String: String]) -> RolesAnywhereEmulator.Response {
        guard let session = parameters["Session"], session.utf8.count <= 8 * 1024,
            let value = try? JSONDecoder().decode(JSONValue.self, from: Data(session.utf8)),
            case .string(let keyId)? = value["sessionId"], case .string(let secret)? = value["sessionKey"], case .string(let token)? = value["sessionToken"]
        else {
            return Self.text(400, "Session must be JSON with sessionId, sessionKey and sessionToken")
        }
        if let duration = parameters["SessionDuration"] {
            guard let seconds = Int(duration), (900...43_200).contains(seconds) else { return Self.text(400, "SessionDuration must be 900–43200") }
        }
        let now = rolesAnywhere.clock.now()
        guard let issued = rolesAnywhere.issuedSession(accessKeyId: keyId), ConstantTime.equals(secret, issued.secretAccessKey), ConstantTime.equals(token, issued.sessionToken),
            issued.expiration > now
        else {
            return Self.text(400, "the session is not one this emulator issued, or it expired")
        }
        let signinToken = RolesAnywhereEmulator.random(64, alphabet: CreateSessionIssuer.keyIdAlphabet)
        let subject = AssumedRole(roleArn: issued.roleArn, sessionName: issued.sessionName, fallbackAccount: rolesAnywhere.configuration.accountId, emptyAccountFallsBack: true).arn
        tokens.withLock { tokens in
            tokens = tokens.filter { $0.value.expiration > now }
            while tokens.count >= Self.maximumTokens, let oldest = tokens.min(by: { $0.value.expiration < $1.value.expiration }) { tokens[oldest.key] = nil }
            tokens[signinToken] = (subject, now.addingTimeInterval(Self.tokenLifetime))
        }
        let body = JSONWriter.compact.render(.object(["SigninToken": .string(signinToken)]))
        return .init(status: 200, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }

    private func login(_ parameters: [String: String]) -> RolesAnywhereEmulator.Response {
        guard let destination = parameters["Destination"], let url = URL(string: destination), url.scheme == "https", url.host() != nil else {
            return Self.text(400, "Destination must be an https URL")
        }
        let now = rolesAnywhere.clock.now()
        let entry = tokens.withLock { tokens in parameters["SigninToken"].flatMap { tokens.removeValue(forKey: $0) } }
        guard let entry, entry.expiration > now else { return Self.text(400, "the SigninToken is unknown, used or expired") }
        completed.withLock { $0.append(entry.subject) }
        return .init(status: 302, headers: [("Location", destination), ("Content-Type", "text/plain")], body: Array("signed in as \(entry.subject)".utf8))
    }

    static func text(_ status: Int, _ message: String) -> RolesAnywhereEmulator.Response {
        .init(status: status, headers: [("Content-Type", "text/plain")], body: Array(message.utf8))
    }
}
