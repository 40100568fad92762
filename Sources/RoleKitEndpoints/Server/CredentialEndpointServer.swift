public import FoundationEssentials
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

        public init(
            host: String = "127.0.0.1", port: Int = 9911, hopLimit: Int? = 64, mode: Mode, maximumTokens: Int = 256,
            maximumConnections: Int = 128, requestTimeout: Duration = .seconds(5), idleTimeout: Duration = .seconds(30), maximumBodyBytes: Int = 16 * 1024
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
        }
    }

    public let configuration: Configuration
    public let credentials: ServedCredentials
    let clock: any WallClock
    let logger: Logger
    private let tokens = Mutex<[String: Date]>([:])
    /// The credentials reply for the set being served, built once per set: the hot path is a
    /// comparison and a copy of references (see ``credentialsReply(container:)``).
    private let prebuilt = Mutex<(credentials: Credentials, lastUpdated: Date, container: Bool, reply: Reply)?>(nil)
    /// `/latest/meta-data/iam/security-credentials/ROLE` in IMDS mode.
    private let roleCredentialsPath: String
    private let channel = Mutex<(any Channel)?>(nil)
    private let connections = ConnectionTable()

    /// The shortest container authorization token accepted.
    public static let minimumTokenLength = 16

    /// Connections open now (for tests and diagnostics).
    public var openConnections: Int { connections.count }

    public init(configuration: Configuration, credentials: ServedCredentials, clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "rolekit.serve")) {
        self.configuration = configuration
        self.credentials = credentials
        self.clock = clock
        self.logger = logger
        if case .instanceMetadata(let roleName) = configuration.mode {
            self.roleCredentialsPath = "/latest/meta-data/iam/security-credentials/" + roleName
        } else {
            self.roleCredentialsPath = ""
        }
    }

    /// Listens and returns the bound port.
    public func start() async throws -> Int {
        var bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        let ipv6 = configuration.host.contains(":")
        if let hopLimit = configuration.hopLimit {
            let option = ipv6
                ? ChannelOptions.Types.SocketOption(level: NIOBSDSocket.OptionLevel(rawValue: CInt(IPPROTO_IPV6)), name: NIOBSDSocket.Option(rawValue: CInt(IPV6_UNICAST_HOPS)))
                : ChannelOptions.Types.SocketOption(level: NIOBSDSocket.OptionLevel(rawValue: CInt(IPPROTO_IP)), name: NIOBSDSocket.Option(rawValue: CInt(IP_TTL)))
            bootstrap = bootstrap.childChannelOption(option, value: SocketOptionValue(hopLimit))
        }
        bootstrap = bootstrap.childChannelInitializer { [self] channel in
            // At the cap the connection idle longest (no request under way) makes room, so
            // idle or stalled sockets can neither exhaust descriptors nor lock out a client
            // that sends its request at once. With every slot busy the newcomer is closed.
            guard let id = connections.admit(channel, maximum: configuration.maximumConnections) else {
                return channel.close()
            }
            channel.closeFuture.whenComplete { [connections] _ in connections.remove(id) }
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                try channel.pipeline.syncOperations.addHandler(Handler(server: self, connection: id))
            }
        }
        let bound = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        channel.withLock { $0 = bound }
        return bound.localAddress?.port ?? configuration.port
    }

    /// Stops listening; requests under way finish.
    public func stop() async {
        let bound = channel.withLock { state in defer { state = nil }; return state }
        try? await bound?.close()
    }

    // MARK: - Requests

    /// A response: status, headers, body.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: String
        /// `body` and the response headers (with `Content-Length` and `Server`) ready to write.
        var prebuilt: (body: ByteBuffer, headers: HTTPHeaders)?

        static func text(_ status: Int, _ body: String, _ headers: [(String, String)] = []) -> Reply {
            Reply(status: status, headers: [("Content-Type", "text/plain")] + headers, body: body)
        }
    }

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
        case .container(let token, let credentialsPath):
            guard path == credentialsPath else { return .text(404, "not found") }
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
            return credentialsReply(container: true)
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
                return credentialsReply(container: false)
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

    private func credentialsReply(container: Bool) -> Reply {
        let current = credentials.current()
        if case .success(let (credentials, updated)) = current {
            let cached = prebuilt.withLock { entry -> Reply? in
                guard let entry, entry.container == container, entry.lastUpdated == updated, entry.credentials == credentials else { return nil }
                return entry.reply
            }
            if let cached { return cached }
            var reply = Self.credentialsReply(for: current, container: container)
            var headers = HTTPHeaders(reply.headers)
            headers.replaceOrAdd(name: "Content-Length", value: String(reply.body.utf8.count))
            headers.replaceOrAdd(name: "Server", value: "rolekit")
            reply.prebuilt = (ByteBuffer(string: reply.body), headers)
            prebuilt.withLock { $0 = (credentials, updated, container, reply) }
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

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let server: CredentialEndpointServer
        let connection: Int
        var head: HTTPRequestHead?
        var bodyBytes = 0
        var timer: Scheduled<Void>?

        init(server: CredentialEndpointServer, connection: Int) {
            self.server = server
            self.connection = connection
        }

        /// Closes the connection unless the next step happens within `limit`.
        func arm(_ context: ChannelHandlerContext, _ limit: Duration) {
            timer?.cancel()
            let (seconds, attoseconds) = limit.components
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)) {
                loopBound.value.close(promise: nil)
            }
        }

        func handlerAdded(context: ChannelHandlerContext) {
            arm(context, server.configuration.requestTimeout)
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            timer?.cancel()
            timer = nil
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                bodyBytes = 0
                server.connections.mark(connection, busy: true)
                arm(context, server.configuration.requestTimeout)
            case .body(let chunk):
                // No operation takes a body; a large one is refused and the connection closed.
                bodyBytes += chunk.readableBytes
                if bodyBytes > server.configuration.maximumBodyBytes, let head {
                    self.head = nil
                    respond(context, head: head, reply: .text(413, "request body too large"), forceClose: true)
                }
            case .end:
                guard let head else { return }
                self.head = nil
                let reply = server.answer(method: head.method.rawValue, uri: head.uri) { head.headers.first(name: $0) }
                respond(context, head: head, reply: reply, forceClose: false)
            }
        }

        func respond(_ context: ChannelHandlerContext, head: HTTPRequestHead, reply: Reply, forceClose: Bool) {
            var fields: HTTPHeaders
            if let prebuilt = reply.prebuilt {
                fields = prebuilt.headers
            } else {
                fields = HTTPHeaders(reply.headers)
                fields.replaceOrAdd(name: "Content-Length", value: String(reply.body.utf8.count))
                fields.replaceOrAdd(name: "Server", value: "rolekit")
            }
            let keepAlive = head.isKeepAlive && !forceClose
            if !keepAlive { fields.replaceOrAdd(name: "Connection", value: "close") }
            let response = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: reply.status), headers: fields)
            context.write(wrapOutboundOut(.head(response)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(reply.prebuilt?.body ?? ByteBuffer(string: reply.body)))), promise: nil)
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            server.connections.mark(connection, busy: false)
            if keepAlive {
                arm(context, server.configuration.idleTimeout)
            } else {
                timer?.cancel()
                let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
                done.whenComplete { _ in loopBound.value.close(promise: nil) }
            }
        }
    }
}

/// The open connections of a server: admission under a cap, evicting the longest-idle one.
final class ConnectionTable: Sendable {
    private struct Entry {
        var channel: any Channel
        var busy: Bool
        var since: ContinuousClock.Instant
    }
    private struct State {
        var next = 0
        var entries: [Int: Entry] = [:]
    }
    private let state = Mutex(State())

    var count: Int { state.withLock { $0.entries.count } }

    /// An id for `channel`, or `nil` when every one of `maximum` slots has a request under way.
    func admit(_ channel: any Channel, maximum: Int) -> Int? {
        let (id, evicted) = state.withLock { state -> (Int?, (any Channel)?) in
            var evicted: (any Channel)?
            if state.entries.count >= maximum {
                guard let victim = state.entries.filter({ !$0.value.busy }).min(by: { $0.value.since < $1.value.since }) else { return (nil, nil) }
                evicted = victim.value.channel
                state.entries[victim.key] = nil
            }
            state.next += 1
            state.entries[state.next] = Entry(channel: channel, busy: false, since: .now)
            return (state.next, evicted)
        }
        evicted?.close(promise: nil)
        return id
    }

    func mark(_ id: Int, busy: Bool) {
        state.withLock { state in
            state.entries[id]?.busy = busy
            state.entries[id]?.since = .now
        }
    }

    func remove(_ id: Int) {
        state.withLock { _ = $0.entries.removeValue(forKey: id) }
    }
}
