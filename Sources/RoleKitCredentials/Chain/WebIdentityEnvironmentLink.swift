import RoleKitTransport

/// `AWS_ROLE_ARN` with `AWS_WEB_IDENTITY_TOKEN_FILE`, unless the profile in use sets its own
/// `web_identity_token_file`.
public struct WebIdentityEnvironmentLink: CredentialChainLink {
    public init() {}

    public func resolveLazily(in context: CredentialChainContext) throws -> ProfileCredentialResolver.Resolution? {
        let shared = try context.sharedConfiguration()
        guard shared.profiles[context.profileName]?["web_identity_token_file"] == nil,
            var configuration = WebIdentityCredentialProvider.Configuration.fromEnvironment(context.environment)
        else { return nil }
        configuration.endpoint = try context.profileResolver().stsEndpoint
        let provider = try WebIdentityCredentialProvider(configuration: configuration, transport: context.transport)
        return .init(provider: provider, source: .webIdentity(tokenFile: configuration.tokenFile, profile: nil), region: context.environment.region)
    }
}
