import Crypto
public import FoundationEssentials
import RoleKitSigning
public import RoleKitTransport

/// A small file cache for `credential-process --cache`: the AWS CLI runs `credential_process` for
/// every command, and Roles Anywhere rate-limits `CreateSession`; cached credentials are reused
/// until ``minimumRemaining`` before they expire.
///
/// One file per set of inputs (the name is a SHA-256 of them), mode 0600 in a 0700 directory,
/// written atomically. A corrupt or unreadable entry counts as a miss.
public struct CredentialProcessCache: Sendable {
    public let directory: String
    public let minimumRemaining: TimeInterval
    private let clock: any WallClock

    /// `$XDG_CACHE_HOME/rolekit/credential-process`, else `~/.cache/rolekit/credential-process`.
    public static func defaultDirectory(environment: AWSEnvironment = .process) -> String {
        if let xdg = environment.nonEmpty("XDG_CACHE_HOME"), xdg.hasPrefix("/") { return xdg + "/rolekit/credential-process" }
        return environment.expandingTilde("~/.cache/rolekit/credential-process")
    }

    public init(directory: String = CredentialProcessCache.defaultDirectory(), minimumRemaining: TimeInterval = 15 * 60, clock: any WallClock = SystemWallClock()) {
        self.directory = directory
        self.minimumRemaining = minimumRemaining
        self.clock = clock
    }

    /// The cache file for a set of inputs (order-sensitive strings).
    public func path(for key: [String]) -> String {
        let digest = SHA256.hash(data: Array(key.joined(separator: "\u{0}").utf8))
        return directory + "/" + digest.lowercaseHex + ".json"
    }

    /// Cached credentials for `key` with at least ``minimumRemaining`` left, and the expiration text.
    public func read(key: [String]) -> (Credentials, String)? {
        guard let data = AtomicFile.readPrivate(path(for: key), maximumSize: 64 * 1024),
            let credentials = try? Credentials(credentialProcessJSON: data),
            let expiration = credentials.expiration,
            expiration.timeIntervalSince(clock.now()) > minimumRemaining
        else { return nil }
        return (credentials, ISO8601Timestamp.format(expiration))
    }

    /// Runs `body` holding the lock of `key`'s entry, so concurrent processes with a cold cache
    /// make one upstream call: the first fetches and writes, the others then read its entry.
    public func withLock<T>(key: [String], _ body: () async throws -> T) async throws -> T {
        try AtomicFile.ensureDirectory(directory)
        let lockPath = path(for: key) + ".lock"
        let lock = try AtomicFile.openLock(lockPath)
        defer { AtomicFile.closeLock(lock) }
        // flock blocks: wait on a thread of its own, not the cooperative pool.
        try await AtomicFile.acquire(lock, path: lockPath)
        return try await body()
    }

    /// Stores credentials for `key`.
    public func write(_ credentials: Credentials, key: [String]) throws(CredentialsError) {
        try credentials.validate(source: "the credentials to cache", now: clock.now())
        try AtomicFile.write(Array(credentials.credentialProcessJSON().utf8), to: path(for: key))
    }
}
