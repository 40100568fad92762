import RoleKitTransport

/// The container endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI`).
public struct ContainerLink: CredentialChainLink {
    public init() {}

    public func resolveLazily(in context: CredentialChainContext) throws -> ProfileCredentialResolver.Resolution? {
        guard let provider = try ContainerCredentialProvider(transport: context.transport, environment: context.environment, clock: context.clock) else { return nil }
        return .init(provider: provider, source: .container(endpoint: provider.url), region: context.environment.region)
    }
}
