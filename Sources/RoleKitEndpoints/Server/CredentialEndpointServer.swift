import FoundationEssentials
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import RoleKitCredentials
import RoleKitSigning
import RoleKitTransport
import Synchronization
import RoleKitSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A local endpoint SDKs read credentials from: IMDSv2-compatible (for
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT`) or the ECS/EKS container endpoint (for
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` with an `Authorization` token).
///
/// IMDSv2: `PUT /latest/api/token` (TTL 1–21600 s, at most 256 live tokens, the
/// earliest-expiring evicted), then `GET /latest/meta-data/iam/security-credentials/` (the role
/// name) and `…/NAME` (the credentials) with `x-aws-ec2-metadata-token`. Requests carrying
/// `X-Forwarded-For` are refused, as EC2 does. Responses go out with the configured IP TTL / hop
/// limit, so `1` keeps them on the host.
public final class CredentialEndpointServer: Sendable {
    public enum Mode: Sendable {
        /// IMDSv2, announcing `roleName`.
        case instanceMetadata(roleName: String)
        /// The container endpoint; `token` is asked at each request (a token file can rotate)
        /// and must have at least ``CredentialEndpointServer/minimumTokenLength`` characters.
        /// Credentials are answered on `path` only.
        case container(token: @Sendable () throws -> String, path: String = "/credentials")
    }

    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// IP TTL (IPv4) / hop limit (IPv6) of every response; `nil` leaves the system's.
        public var hopLimit: Int?
        public var mode: Mode
        /// Most tokens alive at once (IMDSv2 mode).
        public var maximumTokens: Int
        /// Most connections open at once; more are closed as they arrive.
        public var maximumConnections: Int
        /// Time a client has to send a whole request (head and body), from connecting or from
        /// the previous response: slow or stalled clients are cut off.
        public var requestTimeout: Duration
        /// Time an idle keep-alive connection stays open.
        public var idleTimeout: Duration
        /// Largest request body accepted (no operation takes one).
        public var maximumBodyBytes: Int
        /// A listening socket the service manager passed (socket activation): served instead of
        /// binding `host` and `port`.
        public var inheritedSocket: SystemdSocketActivation.Socket?

        public init(
            host: String = "127.0.0.1", port: Int = 9911, hopLimit: Int? = 64, mode: Mode, maximumTokens: Int = 256,
            maximumConnections: Int = 128, requestTimeout: Duration = .seconds(5), idleTimeout: Duration = .seconds(30), maximumBodyBytes: Int = 16 * 1024,
            inheritedSocket: SystemdSocketActivation.Socket? = nil
        ) {
            self.host = host
            self.port = port
            self.hopLimit = hopLimit
            self.mode = mode
            self.maximumTokens = maximumTokens
            self.maximumConnections = maximumConnections
            self.requestTimeout = requestTimeout
            self.idleTimeout = idleTimeout
            self.maximumBodyBytes = maximumBodyBytes
            self.inheritedSocket = inheritedSocket
        }
    }

    public let configuration: Configuration
    /// The source served at the mode's path (the only one in IMDS mode).
    public let credentials: ServedCredentials
    let clock: any WallClock
    let logger: Logger
    private let tokens = Mutex<[String: Date]>([:])
    /// `/latest/meta-data/iam/security-credentials/ROLE` in IMDS mode.
    private let roleCredentialsPath: String
    /// Container mode: every source by its path (fixed at init, read without a lock).
    private let routes: [String: Route]
    private let primary: Route
    private let requestCounters: RequestCounters
    private let endpoint: HTTPEndpoint

    /// One source and the reply for the set it serves now, built once per set: the hot path is
    /// a comparison and a copy of references (see ``credentialsReply(_:container:)``).
    final class Route: Sendable {
        let credentials: ServedCredentials
        let prebuilt = Mutex<(credentials: Credentials, lastUpdated: Date, reply: Reply)?>(nil)

        init(_ credentials: ServedCredentials) { self.credentials = credentials }
    }

    /// The shortest container authorization token accepted.
    public static let minimumTokenLength = 16

    /// Connections open now (for tests and diagnostics).
    public var openConnections: Int { endpoint.openConnections }

    /// - Parameters:
    ///   - credentials: The source at the mode's path.
    ///   - additionalSources: Container mode: more sources, each at its own path (`/credentials/NAME`,
    ///     say), all behind the one token. Each refreshes on its own.
    public init(
        configuration: Configuration, credentials: ServedCredentials, additionalSources: [String: ServedCredentials] = [:], clock: any WallClock = SystemWallClock(),
        logger: Logger = Logger(label: "rolekit.serve")
    ) {
        self.configuration = configuration
        self.credentials = credentials
        self.clock = clock
        self.logger = logger
        let primary = Route(credentials)
        self.primary = primary
        switch configuration.mode {
        case .instanceMetadata(let roleName):
            self.roleCredentialsPath = "/latest/meta-data/iam/security-credentials/" + roleName
            self.routes = [:]
        case .container(_, let path):
            self.roleCredentialsPath = ""
            var routes = additionalSources.mapValues(Route.init)
            routes[path] = primary
            self.routes = routes
        }
        self.requestCounters = RequestCounters()
        let settings = HTTPEndpoint.Settings(
            host: configuration.host, port: configuration.port, hopLimit: configuration.hopLimit, inheritedSocket: configuration.inheritedSocket,
            maximumConnections: configuration.maximumConnections, requestTimeout: configuration.requestTimeout, idleTimeout: configuration.idleTimeout,
            maximumBodyBytes: configuration.maximumBodyBytes
        )
        // The endpoint calls back into this server; the reference is weak so that dropping the
        // server (after stop) frees both.
        let box = WeakServer()
        self.endpoint = HTTPEndpoint(settings: settings) { method, uri, header in
            guard let server = box.server else { return .text(503, "the endpoint is stopping") }
            let reply = server.answer(method: method, uri: uri, header: header)
            server.requestCounters.count(reply.status)
            return reply
        }
        box.server = self
    }

    /// Listens (or takes over the inherited socket) and returns the bound port.
    public func start() async throws -> Int {
        try await endpoint.start()
    }

    /// Stops listening; requests under way finish.
    public func stop() async {
        await endpoint.stop()
    }

    // MARK: - Requests

    /// A response: status, headers, body.
    public typealias Reply = EndpointReply

    /// Answers one request (method, path with query, headers); the socket side is in `Handler`.
    public func answer(method: String, uri: String, headers: [(String, String)]) -> Reply {
        answer(method: method, uri: uri) { name in headers.first { SigningRequest.sameName($0.0, name) }?.1 }
    }

    /// ``answer(method:uri:headers:)`` with headers looked up by lowercase name.
    func answer(method: String, uri: String, header: (String) -> String?) -> Reply {
        if header("x-forwarded-for") != nil {
            return .text(400, "requests with X-Forwarded-For are refused")
        }
        let path = uri.firstIndex(of: "?").map { String(uri[..<$0]) } ?? uri
        switch configuration.mode {
        case .container(let token, _):
            guard let route = routes[path] else { return .text(404, "not found") }
            guard method == "GET" else { return .text(405, "method not allowed") }
            let expected: String
            do {
                expected = try token()
            } catch {
                logger.error("cannot read the authorization token", metadata: ["error": "\(error)"])
                return .text(500, "the endpoint cannot read its authorization token")
            }
            guard expected.count >= Self.minimumTokenLength else {
                logger.error("the authorization token is shorter than \(Self.minimumTokenLength) characters; refusing every request")
                return .text(500, "the endpoint's authorization token is too short")
            }
            guard let given = header("authorization") else { return .text(401, "no Authorization header") }
            guard ConstantTime.equals(given, expected) else { return .text(403, "wrong Authorization token") }
            return credentialsReply(route, container: true)
        case .instanceMetadata(let roleName):
            let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
            switch trimmed {
            case "/latest/api/token":
                guard method == "PUT" else { return .text(405, "method not allowed") }
                return issueToken(ttlHeader: header("x-aws-ec2-metadata-token-ttl-seconds"))
            case "/latest/meta-data/iam/security-credentials":
                guard method == "GET" else { return .text(405, "method not allowed") }
                if let refusal = checkToken(header("x-aws-ec2-metadata-token")) { return refusal }
                return .text(200, roleName)
            case roleCredentialsPath:
                guard method == "GET" else { return .text(405, "method not allowed") }
                if let refusal = checkToken(header("x-aws-ec2-metadata-token")) { return refusal }
                return credentialsReply(primary, container: false)
            default:
                if trimmed.hasPrefix("/latest/meta-data/iam/security-credentials/") {
                    if let refusal = checkToken(header("x-aws-ec2-metadata-token")) { return refusal }
                }
                return .text(404, "not found")
            }
        }
    }

    private func issueToken(ttlHeader: String?) -> Reply {
        let ttl: Int
        if let ttlHeader {
            guard let value = Int(ttlHeader.filter { $0 != " " }), (1...21_600).contains(value) else {
                return .text(400, "invalid token TTL: x-aws-ec2-metadata-token-ttl-seconds must be 1–21600")
            }
            ttl = value
        } else {
            ttl = 21_600
        }
        var random = SystemRandomNumberGenerator()
        let token = Data((0..<75).map { _ in UInt8.random(in: 0...255, using: &random) }).base64EncodedString()
        let now = clock.now()
        let maximum = configuration.maximumTokens
        tokens.withLock { tokens in
            tokens = tokens.filter { $0.value > now }
            while tokens.count >= maximum, let oldest = tokens.min(by: { $0.value < $1.value }) {
                tokens[oldest.key] = nil
            }
            tokens[token] = now.addingTimeInterval(TimeInterval(ttl))
        }
        return .text(200, token, [("x-aws-ec2-metadata-token-ttl-seconds", String(ttl))])
    }

    /// `nil` when the token is live, else the 401 to send.
    private func checkToken(_ token: String?) -> Reply? {
        guard let token, !token.isEmpty else { return .text(401, "no token provided") }
        let now = clock.now()
        let expiry = tokens.withLock { $0[token] }
        guard let expiry, expiry > now else { return .text(401, "invalid token provided") }
        return nil
    }

    /// Number of live tokens (for tests and diagnostics).
    public var liveTokens: Int {
        let now = clock.now()
        return tokens.withLock { $0.values.filter { $0 > now }.count }
    }

    private func credentialsReply(_ route: Route, container: Bool) -> Reply {
        let current = route.credentials.current()
        if case .success(let (credentials, updated)) = current {
            let cached = route.prebuilt.withLock { entry -> Reply? in
                guard let entry, entry.lastUpdated == updated, entry.credentials == credentials else { return nil }
                return entry.reply
            }
            if let cached { return cached }
            let reply = Self.credentialsReply(for: current, container: container).prepared()
            route.prebuilt.withLock { $0 = (credentials, updated, reply) }
            return reply
        }
        return Self.credentialsReply(for: current, container: container)
    }

    private static func credentialsReply(for current: Result<(credentials: Credentials, lastUpdated: Date), ServedCredentials.Unavailable>, container: Bool) -> Reply {
        switch current {
        case .failure(let unavailable):
            let body = JSONWriter.compact.render(.object(["Code": .string("CredentialsUnavailable"), "Message": .string(unavailable.message)]))
            return Reply(status: 503, headers: [("Content-Type", "application/json")], body: body)
        case .success(let (credentials, updated)):
            let expiration = credentials.expiration.map(timestamp)
            var members: [(String, String)] = []
            if !container {
                members += [("Code", "Success"), ("LastUpdated", timestamp(updated)), ("Type", "AWS-HMAC")]
            }
            members += [("AccessKeyId", credentials.accessKeyId), ("SecretAccessKey", credentials.secretAccessKey)]
            if let token = credentials.sessionToken { members.append(("Token", token)) }
            if let expiration { members.append(("Expiration", expiration)) }
            // The layout of EC2's metadata service: two-space indent, " : " between name and value.
            let body = JSONWriter.pretty(indent: "  ", memberSeparator: " : ").render(.object(members.map { JSONValue.Member($0.0, .string($0.1)) }))
            return Reply(status: 200, headers: [("Content-Type", container ? "application/json" : "text/plain")], body: body)
        }
    }

    static func timestamp(_ date: Date) -> String {
        ISO8601Timestamp.format(date)
    }
}

/// The server an endpoint answers for, held weakly.
private final class WeakServer: @unchecked Sendable {
    // Written once, in the server's init, before the endpoint can call.
    weak var server: CredentialEndpointServer?
}
