import HTTPTypes
import Hummingbird

extension SSOEmulator {
    /// Registers the OIDC, page and portal paths.
    func addRoutes(to router: Router<EmulatorRequestContext>) {
        let routes: [(String, HTTPRequest.Method)] = [
            ("/client/register", .post), ("/device_authorization", .post), ("/token", .post), ("/authorize", .get), ("/authorize/approve", .get),
            ("/authorize/deny", .get), ("/device", .get), ("/device/approve", .post), ("/federation/credentials", .get), ("/assignment/accounts", .get),
            ("/assignment/roles", .get), ("/logout", .post),
        ]
        for (path, method) in routes {
            router.on(RouterPath(path), method: method) { [self] _, context in
                EmulatorServer.response(handle(context.signingRequest))
            }
        }
    }
}
