import FoundationEssentials
import NIOCore
import NIOHTTP1
import NIOPosix
import RoleKitSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The HTTP/1.1 listener under every local endpoint (credentials, metrics): bounded
/// connections, request and idle deadlines, a body limit, the IP TTL / hop limit, and one
/// `answer` function from request to ``HTTPEndpoint/Reply``.
package final class HTTPEndpoint: Sendable {
    package typealias Reply = EndpointReply

    /// Where to listen and the limits every connection has.
    package struct Settings: Sendable {
        var host: String
        var port: Int
        var hopLimit: Int?
        var inheritedSocket: SystemdSocketActivation.Socket?
        var maximumConnections: Int
        var requestTimeout: Duration
        var idleTimeout: Duration
        var maximumBodyBytes: Int
    }

    /// Method, path with query, and a header lookup by lowercase name.
    package typealias Answer = @Sendable (_ method: String, _ uri: String, _ header: (String) -> String?) -> Reply

    let settings: Settings
    let answer: Answer
    private let channel = Mutex<(any Channel)?>(nil)
    let connections = ConnectionTable()

    package init(settings: Settings, answer: @escaping Answer) {
        self.settings = settings
        self.answer = answer
    }

    /// Connections open now.
    package var openConnections: Int { connections.count }

    /// Listens (or takes over the inherited socket) and returns the bound port.
    package func start() async throws -> Int {
        var bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        let ipv6 = settings.inheritedSocket?.isIPv6 ?? settings.host.contains(":")
        if let hopLimit = settings.hopLimit {
            let option = ipv6
                ? ChannelOptions.Types.SocketOption(level: NIOBSDSocket.OptionLevel(rawValue: CInt(IPPROTO_IPV6)), name: NIOBSDSocket.Option(rawValue: CInt(IPV6_UNICAST_HOPS)))
                : ChannelOptions.Types.SocketOption(level: NIOBSDSocket.OptionLevel(rawValue: CInt(IPPROTO_IP)), name: NIOBSDSocket.Option(rawValue: CInt(IP_TTL)))
            bootstrap = bootstrap.childChannelOption(option, value: SocketOptionValue(hopLimit))
        }
        bootstrap = bootstrap.childChannelInitializer { [self] channel in
            // At the cap the connection idle longest (no request under way) makes room, so
            // idle or stalled sockets can neither exhaust descriptors nor lock out a client
            // that sends its request at once. With every slot busy the newcomer is closed.
            guard let id = connections.admit(channel, maximum: settings.maximumConnections) else {
                return channel.close()
            }
            channel.closeFuture.whenComplete { [connections] _ in connections.remove(id) }
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                try channel.pipeline.syncOperations.addHandler(Handler(endpoint: self, connection: id))
            }
        }
        let bound: any Channel
        if let inherited = settings.inheritedSocket {
            bound = try await bootstrap.withBoundSocket(inherited.descriptor).get()
        } else {
            bound = try await bootstrap.bind(host: settings.host, port: settings.port).get()
        }
        channel.withLock { $0 = bound }
        return bound.localAddress?.port ?? settings.port
    }

    /// Stops listening; requests under way finish.
    package func stop() async {
        let bound = channel.withLock { state in defer { state = nil }; return state }
        try? await bound?.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let endpoint: HTTPEndpoint
        let connection: Int
        var head: HTTPRequestHead?
        var bodyBytes = 0
        var timer: Scheduled<Void>?

        init(endpoint: HTTPEndpoint, connection: Int) {
            self.endpoint = endpoint
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
            arm(context, endpoint.settings.requestTimeout)
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
                endpoint.connections.mark(connection, busy: true)
                arm(context, endpoint.settings.requestTimeout)
            case .body(let chunk):
                // No operation takes a body; a large one is refused and the connection closed.
                bodyBytes += chunk.readableBytes
                if bodyBytes > endpoint.settings.maximumBodyBytes, let head {
                    self.head = nil
                    respond(context, head: head, reply: .text(413, "request body too large"), forceClose: true)
                }
            case .end:
                guard let head else { return }
                self.head = nil
                let reply = endpoint.answer(head.method.rawValue, head.uri) { head.headers.first(name: $0) }
                respond(context, head: head, reply: reply, forceClose: false)
            }
        }

        func respond(_ context: ChannelHandlerContext, head: HTTPRequestHead, reply: Reply, forceClose: Bool) {
            var fields = reply.prebuilt?.headers ?? Reply.headers(of: reply)
            let keepAlive = head.isKeepAlive && !forceClose
            if !keepAlive { fields.replaceOrAdd(name: "Connection", value: "close") }
            let response = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: reply.status), headers: fields)
            context.write(wrapOutboundOut(.head(response)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(reply.prebuilt?.body ?? ByteBuffer(string: reply.body)))), promise: nil)
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            endpoint.connections.mark(connection, busy: false)
            if keepAlive {
                arm(context, endpoint.settings.idleTimeout)
            } else {
                timer?.cancel()
                let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
                done.whenComplete { _ in loopBound.value.close(promise: nil) }
            }
        }
    }
}
