import RoleKitTransport

/// `AWS_ROLE_ARN` with `AWS_WEB_IDENTITY_TOKEN_FILE`, unless the profile in use sets its own
/// `web_identity_token_file` or assumes a role (botocore asks its assume-role provider first).
/// A token file without a role is botocore's `InvalidConfigError`.
public struct WebIdentityEnvironmentLink: CredentialChainLink {
    public init() {}

    public func resolveLazily(in context: CredentialChainContext) throws -> ProfileCredentialResolver.Resolution? {
        let shared = try context.sharedConfiguration()
        let profile = shared.profiles[context.profileName]
        guard profile?["web_identity_token_file"] == nil, profile?["role_arn"] == nil else { return nil }
        if context.environment.nonEmpty("AWS_WEB_IDENTITY_TOKEN_FILE") != nil, context.environment.nonEmpty("AWS_ROLE_ARN") == nil {
            throw CredentialsError(.invalidConfiguration, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the role to assume")
        }
        guard var configuration = WebIdentityCredentialProvider.Configuration.fromEnvironment(context.environment) else { return nil }
        configuration.endpoint = try context.profileResolver().stsEndpoint
        let provider = try WebIdentityCredentialProvider(configuration: configuration, transport: context.transport)
        return .init(provider: provider, source: .webIdentity(tokenFile: configuration.tokenFile, profile: nil), region: context.environment.region)
    }
}
