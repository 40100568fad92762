public import FoundationEssentials
public import RoleKitSigning

/// Anything that produces credentials.
public protocol CredentialProvider: Sendable {
    /// Valid credentials: cached ones while they are fresh, new ones when needed.
    func credentials() async throws -> Credentials
}
