import RoleKitTransport

/// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, skipped when a profile is given explicitly
/// (as botocore does).
public struct EnvironmentKeysLink: CredentialChainLink {
    public init() {}

    public func resolveLazily(in context: CredentialChainContext) throws -> ProfileCredentialResolver.Resolution? {
        guard context.explicitProfile == nil else { return nil }
        let provider = EnvironmentCredentialProvider(environment: context.environment)
        guard provider.isConfigured else { return nil }
        guard context.environment.nonEmpty("AWS_SECRET_ACCESS_KEY") != nil else {
            throw CredentialsError(.partialCredentials, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        }
        return .init(provider: provider, source: .environmentVariables, region: context.environment.region)
    }
}
