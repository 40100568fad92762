public import Logging
import RoleKitSigning

/// Any provider behind a ``CredentialProcessCache``: credentials come from the cache while
/// they have more than its `minimumRemaining` left, else from the upstream provider, which is
/// asked at most once per cache entry even when many processes start with a cold cache (a
/// per-entry file lock). What `rolekit credential-process --cache` does, for any source.
///
/// A cache that cannot be written does not fail the call: the credentials are good, and the
/// next call simply fetches again (`onWriteFailure` hears about it).
public struct FileCachedCredentialProvider: CredentialProvider {
    public let cache: CredentialProcessCache
    public let key: [String]
    private let fetch: @Sendable () async throws -> Credentials
    private let logger: Logger?
    private let onWriteFailure: @Sendable (CredentialsError) -> Void

    /// - Parameters:
    ///   - key: What identifies the answer: every input that changes which credentials come
    ///     back (``RolesAnywhereCredentialProvider/Configuration/cacheKey`` for Roles Anywhere).
    ///   - fetch: Called on a miss only; build expensive things (a transport) inside it.
    public init(
        cache: CredentialProcessCache, key: [String], logger: Logger? = nil,
        onWriteFailure: @escaping @Sendable (CredentialsError) -> Void = { _ in },
        fetch: @escaping @Sendable () async throws -> Credentials
    ) {
        self.cache = cache
        self.key = key
        self.fetch = fetch
        self.logger = logger
        self.onWriteFailure = onWriteFailure
    }

    /// `upstream` behind `cache`.
    public init(wrapping upstream: any CredentialProvider, cache: CredentialProcessCache, key: [String], logger: Logger? = nil, onWriteFailure: @escaping @Sendable (CredentialsError) -> Void = { _ in }) {
        self.init(cache: cache, key: key, logger: logger, onWriteFailure: onWriteFailure) { try await upstream.credentials() }
    }

    public func credentials() async throws -> Credentials {
        if let (cached, expiration) = cache.read(key: key) {
            logger?.debug("using cached credentials", metadata: ["accessKeyId": "\(cached.accessKeyId)", "expiration": "\(expiration)"])
            return cached
        }
        // Miss: one process per cache entry fetches; the others wait for its entry.
        return try await cache.withLock(key: key) {
            if let (cached, _) = cache.read(key: key) {
                logger?.debug("using credentials another process cached", metadata: ["accessKeyId": "\(cached.accessKeyId)"])
                return cached
            }
            let credentials = try await fetch()
            do throws(CredentialsError) {
                try cache.write(credentials, key: key)
            } catch {
                onWriteFailure(error)
            }
            return credentials
        }
    }
}
