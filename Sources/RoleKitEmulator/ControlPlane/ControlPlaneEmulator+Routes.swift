import HTTPTypes
import Hummingbird
import RoleKitServices
import RoleKitSigning
import RoleKitTransport

extension ControlPlaneEmulator {
    /// Every operation of the model: those of the resource files, and `NotImplemented` (after
    /// authentication) for any the emulator lacks.
    static let routes: [ControlPlaneRoute] = {
        let implemented = trustAnchorRoutes + profileRoutes + crlRoutes + subjectRoutes + tagRoutes
        let names = Set(implemented.map(\.operation.name))
        let missing = RolesAnywhere.Operation.all.filter { !names.contains($0.name) }.map { operation in
            ControlPlaneRoute(operation) { _, _ throws(EmulatorError) in
                throw EmulatorError(status: 501, code: "NotImplemented", message: "The emulator does not implement \(operation.name)")
            }
        }
        return implemented + missing
    }()

    /// Registers every operation on `router` at its method and URI template.
    ///
    /// Each answer authenticates the call before reading anything of it (``respond(_:to:parameters:)``).
    func addRoutes(to router: Router<EmulatorRequestContext>) {
        for route in Self.routes {
            guard let method = HTTPRequest.Method(route.operation.method) else { continue }
            let names = route.parameterNames
            router.on(RouterPath(route.operation.requestURI), method: method) { [self] _, context in
                var parameters: [String: String] = [:]
                for name in names {
                    if let raw = context.parameters.get(name) { parameters[name] = EmulatorRoutingPath.parameterValue(raw) }
                }
                return EmulatorServer.response(respond(route, to: context.signingRequest, parameters: parameters))
            }
        }
    }

    /// The route and URI parameters of `request`, matching each template segment by segment
    /// (for ``handle(_:)``, which answers without a server).
    static func route(_ request: SigningRequest) -> (ControlPlaneRoute, [String: String])? {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for route in routes where route.operation.method == request.method {
            let template = route.templateSegments
            guard template.count == segments.count else { continue }
            var parameters: [String: String] = [:]
            var matches = true
            for (pattern, segment) in zip(template, segments) {
                if pattern.hasPrefix("{"), pattern.hasSuffix("}") {
                    parameters[String(pattern.dropFirst().dropLast())] = EmulatorRoutingPath.parameterValue(String(segment))
                } else if pattern != segment {
                    matches = false
                    break
                }
            }
            if matches { return (route, parameters) }
        }
        return nil
    }
}
