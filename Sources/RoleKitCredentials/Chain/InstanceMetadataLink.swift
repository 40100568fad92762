import RoleKitTransport

/// The instance metadata service (IMDSv2), which counts as configured only when it answers in
/// time (`AWS_METADATA_SERVICE_TIMEOUT`, 1 s by default), so it never answers lazily.
public struct InstanceMetadataLink: CredentialChainLink {
    public init() {}

    public func resolveLazily(in context: CredentialChainContext) throws -> ProfileCredentialResolver.Resolution? { nil }

    public func resolve(in context: CredentialChainContext) async throws -> ProfileCredentialResolver.Resolution? {
        guard let provider = InstanceMetadataCredentialProvider(transport: context.transport, timeout: context.instanceMetadataTimeout, environment: context.environment, clock: context.clock),
            (try? await provider.credentials()) != nil
        else { return nil }
        return .init(provider: provider, source: .instanceMetadata(endpoint: provider.endpoint), region: context.environment.region)
    }
}
