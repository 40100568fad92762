import HTTPTypes
import Hummingbird

extension STSEmulator {
    /// Registers the query protocol on `/`: `POST` with a form body, `GET` with a query string.
    /// Anything else on `/` without `Action=` is an unknown operation.
    func addRoutes(to router: Router<EmulatorRequestContext>) {
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/", method: method) { [self] _, context in
                let request = context.signingRequest
                guard Self.isSTSRequest(request) else { return EmulatorServer.response(EmulatorError.unknownOperation(request).response) }
                return EmulatorServer.response(handle(request))
            }
        }
    }
}

extension FederationSigninEmulator {
    /// `GET` and `POST /federation`.
    func addRoutes(to router: Router<EmulatorRequestContext>) {
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/federation", method: method) { [self] _, context in
                EmulatorServer.response(handle(context.signingRequest))
            }
        }
    }
}
