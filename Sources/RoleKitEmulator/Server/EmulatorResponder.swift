import HTTPTypes
import Hummingbird
import NIOCore
import RoleKitSigning

/// The emulator's outermost responder: collects the body (at most `maximumBodyBytes`, else
/// `413` whatever the path), turns the request into the ``RoleKitSigning/SigningRequest`` the
/// handlers verify, and hands it to the router.
struct EmulatorResponder<Router: HTTPResponder>: HTTPResponder where Router.Context == EmulatorRequestContext {
    let router: Router
    let maximumBodyBytes: Int

    func respond(to request: Request, context: EmulatorRequestContext) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maximumBodyBytes)
        } catch {
            return EmulatorServer.response(EmulatorError(status: 413, code: "ValidationException", message: "The request body is too large").response)
        }
        var context = context
        context.signingRequest = Self.signingRequest(request, body: body)
        var routed = request
        if let path = EmulatorRoutingPath.routable(request.uri.path) {
            var head = request.head
            head.path = path + (request.uri.query.map { "?" + $0 } ?? "")
            routed = Request(head: head, body: .init(buffer: body))
        }
        return try await router.respond(to: routed, context: context)
    }

    /// Method, path, query, headers (HTTPTypes keeps `Host` as the `:authority` pseudo-header;
    /// signatures cover it as `host`) and body.
    static func signingRequest(_ request: Request, body: ByteBuffer) -> SigningRequest {
        var headers = request.headers.map { SigningRequest.Header($0.name.rawName, $0.value) }
        if let authority = request.head.authority, !headers.contains(where: { $0.name.lowercased() == "host" }) {
            headers.append(SigningRequest.Header("Host", authority))
        }
        return SigningRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query ?? "",
            headers: headers,
            body: Array(buffer: body)
        )
    }
}
