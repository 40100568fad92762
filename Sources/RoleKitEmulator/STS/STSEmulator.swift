public import FoundationEssentials
public import RoleKitSigning
public import RoleKitTransport
import RoleKitServices
import RoleKitSupport

/// Enough STS for the credentials the emulator vends: `GetCallerIdentity` and `AssumeRole`
/// (for chaining), query protocol with XML answers, SigV4-verified against the sessions the
/// emulator issued (session token included) and the admin keys.
///
/// Signature windows, session expiry and `AssumeRole` expirations all read one clock: the Roles
/// Anywhere emulator's unless another is given.
public struct STSEmulator: Sendable {
    let rolesAnywhere: RolesAnywhereEmulator
    /// The time of signature checks and expirations.
    public let clock: any WallClock

    /// - Parameter clock: Defaults to `rolesAnywhere`'s clock, so that the sessions it issues
    ///   and the ones issued here expire on the same time line.
    public init(rolesAnywhere: RolesAnywhereEmulator, clock: (any WallClock)? = nil) {
        self.rolesAnywhere = rolesAnywhere
        self.clock = clock ?? rolesAnywhere.clock
    }

    /// The same, with the time read from `now` (kept for callers written before the clock was
    /// injected).
    public init(rolesAnywhere: RolesAnywhereEmulator, now: @escaping @Sendable () -> Date) {
        self.init(rolesAnywhere: rolesAnywhere, clock: ClosureWallClock(now))
    }

    /// Whether `request` is an STS query call (`POST /` with a form body, or `GET /?Action=`).
    public static func isSTSRequest(_ request: SigningRequest) -> Bool {
        guard request.path == "/" || request.path.isEmpty else { return false }
        let text = request.method == "GET" ? request.query : String(decoding: request.body, as: UTF8.self)
        return text.split(separator: "&").contains { $0.hasPrefix("Action=") }
    }

    public func handle(_ request: SigningRequest) -> RolesAnywhereEmulator.Response {
        do throws(EmulatorError) {
            // Authenticated first: nothing of an unsigned request is parsed.
            let caller = try authenticate(request)
            let text = request.method == "GET" ? request.query : String(decoding: request.body, as: UTF8.self)
            let parameters = Dictionary(QueryString.items(text, plusIsSpace: true), uniquingKeysWith: { $1 })
            switch parameters["Action"] {
            case "GetCallerIdentity":
                return Self.xml("GetCallerIdentity", "<Arn>\(Self.escape(caller.arn))</Arn><UserId>\(Self.escape(caller.userId))</UserId><Account>\(caller.account)</Account>")
            case "AssumeRole":
                return try assumeRole(parameters, caller: caller)
            default:
                throw EmulatorError(status: 400, code: "InvalidAction", message: "The emulator's STS does not implement \(SafeText.excerpt(parameters["Action"] ?? "(none)", limit: 64))")
            }
        } catch {
            return Self.errorXML(error)
        }
    }

    struct Caller {
        var arn: String
        var userId: String
        var account: String
    }

    private func authenticate(_ request: SigningRequest) throws(EmulatorError) -> Caller {
        let configuration = rolesAnywhere.configuration
        let admins = Dictionary(configuration.adminKeys.map { ($0.accessKeyId, $0.secretAccessKey) }, uniquingKeysWith: { $1 })
        let rolesAnywhere = self.rolesAnywhere
        let now = clock.now()
        // STS is scoped to any region; read it from the request's own scope.
        let scopeRegion = request.firstHeader(named: "authorization").flatMap(ParsedAuthorization.init)?.scope.dropFirst().first ?? configuration.region
        let verifier = SigV4Verifier(region: scopeRegion, service: "sts", toleranceSeconds: configuration.clockToleranceSeconds) { key in
            if let secret = admins[key] { return secret }
            guard let session = rolesAnywhere.issuedSession(accessKeyId: key), session.expiration > now else { return nil }
            return session.secretAccessKey
        }
        let keyId = try verifier.verify(request, now: now)
        if admins[keyId] != nil {
            return Caller(arn: "arn:aws:iam::\(configuration.accountId):user/\(keyId)", userId: "AIDA\(keyId.suffix(17))", account: configuration.accountId)
        }
        guard let session = rolesAnywhere.issuedSession(accessKeyId: keyId), ConstantTime.equals(request.firstHeader(named: "x-amz-security-token") ?? "", session.sessionToken) else {
            throw EmulatorError(status: 403, code: "InvalidClientTokenId", message: "The security token included in the request is invalid.")
        }
        let assumed = AssumedRole(roleArn: session.roleArn, sessionName: session.sessionName, fallbackAccount: configuration.accountId, emptyAccountFallsBack: false)
        return Caller(arn: assumed.arn, userId: "AROA\(Self.stableId(session.roleArn)):\(session.sessionName)", account: assumed.account)
    }

    private func assumeRole(_ parameters: [String: String], caller: Caller) throws(EmulatorError) -> RolesAnywhereEmulator.Response {
        guard let roleArn = parameters["RoleArn"], let sessionName = parameters["RoleSessionName"] else {
            throw EmulatorError(status: 400, code: "ValidationError", message: "RoleArn and RoleSessionName are required")
        }
        // The textual test first (its answer is the emulator's since the start), then the
        // shape: a role ARN whose account is not 12 digits does not parse, as STS refuses it.
        guard roleArn.hasPrefix("arn:aws:iam::"), roleArn.contains(":role/"), let arn = try? ARN(parsing: roleArn) else {
            throw EmulatorError(status: 400, code: "ValidationError", message: "\(roleArn) is not a role ARN")
        }
        let duration = Int(parameters["DurationSeconds"] ?? "3600") ?? 0
        guard (900...43_200).contains(duration) else {
            throw EmulatorError(status: 400, code: "ValidationError", message: "DurationSeconds must be between 900 and 43200")
        }
        let session = RolesAnywhereEmulator.IssuedSession(
            accessKeyId: "ASIA" + RolesAnywhereEmulator.random(16, alphabet: CreateSessionIssuer.keyIdAlphabet),
            secretAccessKey: RolesAnywhereEmulator.random(40, alphabet: CreateSessionIssuer.secretAlphabet),
            sessionToken: "IQoJb3JpZ2luX2VtdWxhdG9yU1RT" + RolesAnywhereEmulator.random(200, alphabet: CreateSessionIssuer.secretAlphabet),
            roleArn: roleArn, sessionName: sessionName,
            // Role chaining caps sessions at one hour, as STS does.
            expiration: clock.now().addingTimeInterval(TimeInterval(caller.arn.contains(":assumed-role/") ? min(duration, 3600) : duration)),
            subject: caller.arn
        )
        rolesAnywhere.record(session)
        let assumed = AssumedRole(roleArn: roleArn, sessionName: sessionName, fallbackAccount: arn.accountId, emptyAccountFallsBack: false).arn
        return Self.xml(
            "AssumeRole",
            "<Credentials><AccessKeyId>\(session.accessKeyId)</AccessKeyId><SecretAccessKey>\(Self.escape(session.secretAccessKey))</SecretAccessKey>"
                + "<SessionToken>\(Self.escape(session.sessionToken))</SessionToken><Expiration>\(ISO8601Timestamp.format(session.expiration))</Expiration></Credentials>"
                + "<AssumedRoleUser><AssumedRoleId>AROA\(Self.stableId(roleArn)):\(Self.escape(sessionName))</AssumedRoleId><Arn>\(Self.escape(assumed))</Arn></AssumedRoleUser>"
                + "<PackedPolicySize>0</PackedPolicySize>"
        )
    }

    static func stableId(_ text: String) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return String((0..<17).map { index in letters[Int((hash >> UInt64((index * 3) % 60)) & 31)] })
    }

    static func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;").replacing("\"", with: "&quot;")
    }

    static func xml(_ action: String, _ result: String) -> RolesAnywhereEmulator.Response {
        let requestId = UUID().uuidString.lowercased()
        let body = "<\(action)Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><\(action)Result>\(result)</\(action)Result><ResponseMetadata><RequestId>\(requestId)</RequestId></ResponseMetadata></\(action)Response>"
        return .init(status: 200, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)], body: Array(body.utf8))
    }

    static func errorXML(_ error: EmulatorError) -> RolesAnywhereEmulator.Response {
        let requestId = UUID().uuidString.lowercased()
        let body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>\(escape(error.code))</Code><Message>\(escape(error.message))</Message></Error><RequestId>\(requestId)</RequestId></ErrorResponse>"
        return .init(status: error.status, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)], body: Array(body.utf8))
    }
}
