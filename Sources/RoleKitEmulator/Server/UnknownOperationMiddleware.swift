import Hummingbird

/// What the router answers when no route has the path and method: STS for a query-protocol
/// call on `/` with another method than GET or POST (the emulator has always accepted those),
/// else AWS's `404 UnknownOperationException` "The emulator does not implement METHOD PATH".
struct UnknownOperationMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let sts: STSEmulator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let signingRequest = context.signingRequest
            if STSEmulator.isSTSRequest(signingRequest) {
                return EmulatorServer.response(sts.handle(signingRequest))
            }
            return EmulatorServer.response(EmulatorError.unknownOperation(signingRequest).response)
        }
    }
}
