import NIOCore
import NIOHTTP1

/// A response of a local endpoint: status, headers, body.
public struct EndpointReply: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: String
    /// `body` and the response headers (with `Content-Length` and `Server`) ready to write.
    var prebuilt: (body: ByteBuffer, headers: HTTPHeaders)?

    public init(status: Int, headers: [(String, String)], body: String) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func text(_ status: Int, _ body: String, _ headers: [(String, String)] = []) -> EndpointReply {
        EndpointReply(status: status, headers: [("Content-Type", "text/plain")] + headers, body: body)
    }

    /// This reply with its wire form built once, for answers sent many times.
    func prepared() -> EndpointReply {
        var reply = self
        reply.prebuilt = (ByteBuffer(string: body), Self.headers(of: self))
        return reply
    }

    static func headers(of reply: EndpointReply) -> HTTPHeaders {
        var fields = HTTPHeaders(reply.headers)
        fields.replaceOrAdd(name: "Content-Length", value: String(reply.body.utf8.count))
        fields.replaceOrAdd(name: "Server", value: "rolekit")
        return fields
    }
}
