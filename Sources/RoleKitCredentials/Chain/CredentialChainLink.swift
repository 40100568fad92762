/// One source of ``DefaultCredentialChain``: it either answers (a provider and where it came
/// from), passes (`nil`: not configured here, the chain asks the next link), or throws (configured
/// but broken: the chain stops with that error, as botocore's does).
///
/// Adding a source to the chain is one type conforming to this protocol plus its place in
/// ``DefaultCredentialChain/standardLinks``.
public protocol CredentialChainLink: Sendable {
    /// The answer from configuration alone, without calling anything. A link that can only
    /// tell by asking a service (the instance metadata service) returns `nil` here.
    func resolveLazily(in context: CredentialChainContext) throws -> ProfileCredentialResolver.Resolution?

    /// The chain's answer; by default the lazy one.
    func resolve(in context: CredentialChainContext) async throws -> ProfileCredentialResolver.Resolution?
}

extension CredentialChainLink {
    public func resolve(in context: CredentialChainContext) async throws -> ProfileCredentialResolver.Resolution? {
        try resolveLazily(in: context)
    }
}
