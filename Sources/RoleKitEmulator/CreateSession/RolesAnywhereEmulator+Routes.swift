import Hummingbird

extension RolesAnywhereEmulator {
    /// Registers `CreateSession`: `POST /sessions`.
    func addRoutes(to router: Router<EmulatorRequestContext>) {
        router.post("/sessions") { [self] _, context in
            EmulatorServer.response(await createSession(context.signingRequest))
        }
    }
}
