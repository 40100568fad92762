import RoleKitTransport

/// The profile of the shared files (assume-role, web identity, credentials file,
/// `credential_process`, config file). A named profile must exist; a missing `default` passes.
/// As botocore, a `credential_process` runs when the chain is resolved (a failing process
/// fails the resolution); role assumption waits for first use.
public struct ProfileLink: CredentialChainLink {
    public init() {}

    public func resolveLazily(in context: CredentialChainContext) throws -> ProfileCredentialResolver.Resolution? {
        // The one rule for a selected profile that does not exist (the chain applies it first too).
        try context.requireSelectedProfile()
        let resolver = try context.profileResolver()
        guard resolver.configuration.profiles[context.profileName] != nil else { return nil }
        return try resolver.resolve(profile: context.profileName)
    }

    public func resolve(in context: CredentialChainContext) async throws -> ProfileCredentialResolver.Resolution? {
        guard let resolution = try resolveLazily(in: context) else { return nil }
        if case .credentialProcess = resolution.source {
            do {
                _ = try await resolution.provider.credentials()
            } catch let error as CredentialsError where error.code == .expired {
                // As botocore: the process is the source; its expired answer fails at use.
                return resolution
            }
        }
        return resolution
    }
}
