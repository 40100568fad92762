import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A loopback HTTP/1.1 server that answers each request with the next scripted action: a
/// response, a response after a delay, or a dropped connection. For fault tests of the
/// transport against a real socket.
public final class ScriptedHTTPServer: Sendable {
    public indirect enum Action: Sendable {
        case respond(status: Int, headers: [(String, String)] = [], body: String = "")
        /// Waits, then performs the action (the client may have given up by then).
        case delay(Duration, then: Action)
        /// Closes the connection without answering.
        case dropConnection
    }

    public struct RecordedRequest: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(String, String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    private let script: Mutex<[Action]>
    private let fallback: Action
    private let recorded = Mutex<[RecordedRequest]>([])
    private let channel: Mutex<(any Channel)?> = Mutex(nil)

    /// - Parameters:
    ///   - actions: Used in order, one per request.
    ///   - fallback: Used once `actions` is exhausted.
    public init(_ actions: [Action], fallback: Action = .respond(status: 500, body: "{\"message\":\"script exhausted\"}")) {
        self.script = Mutex(actions)
        self.fallback = fallback
    }

    /// The requests received so far.
    public var requests: [RecordedRequest] { recorded.withLock { $0 } }

    /// Starts listening on 127.0.0.1 and returns the port.
    public func start() async throws -> Int {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(server: self))
                }
            }
        let bound = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        channel.withLock { $0 = bound }
        return bound.localAddress!.port!
    }

    public func stop() async {
        let bound = channel.withLock { state in defer { state = nil }; return state }
        try? await bound?.close()
    }

    fileprivate func next(for request: RecordedRequest) -> Action {
        recorded.withLock { $0.append(request) }
        return script.withLock { $0.isEmpty ? fallback : $0.removeFirst() }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let server: ScriptedHTTPServer
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(server: ScriptedHTTPServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                let request = RecordedRequest(method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: body)
                perform(server.next(for: request), context: context)
            }
        }

        func perform(_ action: Action, context: ChannelHandlerContext) {
            switch action {
            case .respond(let status, let headers, let body):
                var fields = HTTPHeaders(headers)
                fields.replaceOrAdd(name: "Content-Length", value: String(body.utf8.count))
                if !fields.contains(name: "Content-Type") { fields.add(name: "Content-Type", value: "application/json") }
                let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: fields)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .delay(let duration, let then):
                let loop = context.eventLoop.assumeIsolated()
                loop.scheduleTask(in: .nanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + Int64(duration.components.attoseconds / 1_000_000_000))) {
                    guard context.channel.isActive else { return }
                    self.perform(then, context: context)
                }
            case .dropConnection:
                context.close(promise: nil)
            }
        }
    }
}
