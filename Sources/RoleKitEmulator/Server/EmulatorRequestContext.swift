import Hummingbird
import RoleKitSigning

/// The request context of the emulator's router: Hummingbird's core context and the request
/// as signatures see it (body collected, `Host` from `:authority`), built once by
/// ``EmulatorResponder`` before routing.
struct EmulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The request every handler reads and verifies.
    var signingRequest: SigningRequest

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        signingRequest = SigningRequest(method: "GET", path: "/")
    }
}
