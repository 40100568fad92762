public import FoundationEssentials
public import RoleKitSigning

/// Anything that produces credentials.
public protocol CredentialProvider: Sendable {
    /// Valid credentials: cached ones while they are fresh, new ones when needed.
    func credentials() async throws -> Credentials

    /// New credentials from upstream now, whatever is cached (joining a fetch already under
    /// way). Endpoints that refresh on their own schedule call this (``credentials()`` could hand
    /// back the cached set until the provider's own refresh window). Providers without a cache of
    /// their own answer ``credentials()``, the default.
    func refreshedCredentials() async throws -> Credentials
}

extension CredentialProvider {
    public func refreshedCredentials() async throws -> Credentials {
        try await credentials()
    }
}
