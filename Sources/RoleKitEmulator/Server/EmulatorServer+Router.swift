import Hummingbird

extension EmulatorServer {
    /// The router of every operation: `CreateSession`, the control plane (one route per model
    /// operation, registered by each resource), STS on `/`, the console federation endpoint (``FederationSigninEmulator``), IAM Identity Center (``SSOEmulator``); anything else is
    /// `UnknownOperationException` (``UnknownOperationMiddleware``).
    ///
    /// STS shares the Roles Anywhere emulator's clock and issued sessions.
    static func makeRouter(rolesAnywhere: RolesAnywhereEmulator) -> Router<EmulatorRequestContext> {
        let sts = STSEmulator(rolesAnywhere: rolesAnywhere)
        let router = Router(context: EmulatorRequestContext.self)
        // Before the routes: middleware applies only to endpoints added after it.
        router.add(middleware: UnknownOperationMiddleware(sts: sts))
        rolesAnywhere.addRoutes(to: router)
        rolesAnywhere.controlPlane.addRoutes(to: router)
        sts.addRoutes(to: router)
        FederationSigninEmulator(rolesAnywhere: rolesAnywhere).addRoutes(to: router)
        rolesAnywhere.sso.addRoutes(to: router)
        return router
    }
}
