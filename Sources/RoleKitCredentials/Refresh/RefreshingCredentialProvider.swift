import FoundationEssentials
public import RoleKitTransport
import Synchronization

/// Caches credentials from a fetch function and refreshes them before they expire.
///
/// - **Single flight**: however many callers arrive, at most one fetch runs at a time; the others
///   wait for it (or keep using the current credentials).
/// - **Advisory window** (default 15 minutes before expiry): callers get the current credentials
///   at once while one background refresh is tried; if it fails the current credentials are kept
///   and the next try waits ``Configuration/retryInterval``.
/// - **Mandatory window** (default 10 minutes before expiry) and expired or missing
///   credentials: callers wait for the refresh; if it fails they get its error. Expired
///   credentials are never returned.
/// - For short-lived credentials the windows shrink to half and a quarter of the lifetime, so a
///   15-minute session is not refreshed on every call.
/// - **Backoff**: after a failed fetch with nothing usable to return, callers within
///   ``Configuration/failureBackoff`` (doubling with each further failure, up to 30 s) get the
///   same error at once instead of each calling upstream again.
/// - **Validation**: whatever the fetch returns passes ``Credentials/validate(source:now:)``
///   before it is cached or returned, so no source hands out malformed or expired credentials.
///
/// State lives in a `Mutex`, and the in-flight fetch is a shared `Task` awaited outside the lock,
/// which avoids the actor-reentrancy stampede of caching actors.
public final class RefreshingCredentialProvider: CredentialProvider {
    public struct Configuration: Sendable {
        public var advisoryWindow: Duration
        public var mandatoryWindow: Duration
        /// After a failed advisory refresh, the time before the next try.
        public var retryInterval: Duration
        /// In the mandatory window, return the current (unexpired) credentials when the refresh
        /// fails instead of throwing. Off by default (botocore semantics); servers turn it on.
        public var keepLastGoodInMandatoryWindow: Bool
        /// After a failed fetch that leaves nothing to return, the time during which callers get
        /// that error again without a new fetch; doubles with each consecutive failure (to 30 s).
        public var failureBackoff: Duration

        public init(
            advisoryWindow: Duration = .seconds(15 * 60),
            mandatoryWindow: Duration = .seconds(10 * 60),
            retryInterval: Duration = .seconds(10),
            keepLastGoodInMandatoryWindow: Bool = false,
            failureBackoff: Duration = .seconds(1)
        ) {
            self.advisoryWindow = advisoryWindow
            self.mandatoryWindow = mandatoryWindow
            self.retryInterval = retryInterval
            self.keepLastGoodInMandatoryWindow = keepLastGoodInMandatoryWindow
            self.failureBackoff = failureBackoff
        }
    }

    private struct State {
        var current: Credentials?
        var fetchedAt: Date?
        /// Until when ``current`` is returned without a look at the windows: its expiry less the
        /// advisory window (computed once, when it is stored: the hot path is a compare).
        var freshUntil: Date?
        var inFlight: Task<Credentials, any Error>?
        var lastFailure: Date?
        var lastError: (any Error)?
        var consecutiveFailures = 0
        var fetchCount = 0
    }

    private let fetch: @Sendable () async throws -> Credentials
    private let clock: any WallClock
    public let configuration: Configuration
    private let state = Mutex(State())

    /// - Parameters:
    ///   - clock: The time source (inject a manual clock in tests).
    ///   - fetch: Gets new credentials from upstream.
    public init(
        clock: any WallClock = SystemWallClock(),
        configuration: Configuration = .init(),
        fetch: @escaping @Sendable () async throws -> Credentials
    ) {
        self.clock = clock
        self.configuration = configuration
        self.fetch = fetch
    }

    /// How many fetches have been started (for tests and diagnostics).
    public var fetchCount: Int { state.withLock { $0.fetchCount } }

    /// Whether a fetch is under way (a background refresh included).
    public var isRefreshing: Bool { state.withLock { $0.inFlight != nil } }

    /// The cached credentials, without refreshing.
    public var cachedCredentials: Credentials? { state.withLock { $0.current } }

    private enum Decision {
        case use(Credentials)
        case wait(Task<Credentials, any Error>, fallback: Credentials?)
        case fail(any Error)
    }

    public func credentials() async throws -> Credentials {
        let now = clock.now()
        let decision: Decision = state.withLock { state in
            if let freshUntil = state.freshUntil, now < freshUntil, let current = state.current { return .use(current) }
            if let current = state.current, !current.isExpired(at: now) {
                let (advisory, mandatory) = windows(for: current, fetchedAt: state.fetchedAt)
                let remaining = current.expiration.map { $0.timeIntervalSince(now) } ?? .infinity
                if remaining > advisory { return .use(current) }
                if remaining > mandatory {
                    if state.inFlight == nil, state.lastFailure.map({ now.timeIntervalSince($0) >= configuration.retryInterval.timeInterval }) ?? true {
                        state.inFlight = startFetch(&state)
                    }
                    return .use(current)
                }
                let fallback = configuration.keepLastGoodInMandatoryWindow ? current : nil
                if let task = state.inFlight { return .wait(task, fallback: fallback) }
                if let error = state.lastError, let failedAt = state.lastFailure, now.timeIntervalSince(failedAt) < backoff(after: state.consecutiveFailures) {
                    if let fallback { return .use(fallback) }
                    return .fail(error)
                }
                let task = startFetch(&state)
                state.inFlight = task
                return .wait(task, fallback: fallback)
            }
            if let task = state.inFlight { return .wait(task, fallback: nil) }
            if let error = state.lastError, let failedAt = state.lastFailure, now.timeIntervalSince(failedAt) < backoff(after: state.consecutiveFailures) {
                return .fail(error)
            }
            let task = startFetch(&state)
            state.inFlight = task
            return .wait(task, fallback: nil)
        }
        switch decision {
        case .use(let credentials):
            return credentials
        case .fail(let error):
            throw error
        case .wait(let task, let fallback):
            do {
                return try await task.value
            } catch {
                if let fallback, !fallback.isExpired(at: clock.now()) { return fallback }
                throw error
            }
        }
    }

    /// ``refresh()``: what ``CredentialProvider/refreshedCredentials()`` asks of this provider.
    public func refreshedCredentials() async throws -> Credentials {
        try await refresh()
    }

    /// Fetches new credentials now (joining a fetch already under way).
    @discardableResult
    public func refresh() async throws -> Credentials {
        let task = state.withLock { state -> Task<Credentials, any Error> in
            if let task = state.inFlight { return task }
            let task = startFetch(&state)
            state.inFlight = task
            return task
        }
        return try await task.value
    }

    private func startFetch(_ locked: inout State) -> Task<Credentials, any Error> {
        locked.fetchCount += 1
        let fetch = self.fetch
        return Task { [self] in
            do {
                let credentials = try await fetch()
                let now = clock.now()
                try credentials.validate(source: "the credential source", now: now)
                self.state.withLock { state in
                    state.current = credentials
                    state.fetchedAt = now
                    state.freshUntil = self.freshUntil(of: credentials, fetchedAt: now)
                    state.inFlight = nil
                    state.lastFailure = nil
                    state.lastError = nil
                    state.consecutiveFailures = 0
                }
                return credentials
            } catch {
                let now = clock.now()
                self.state.withLock { state in
                    state.inFlight = nil
                    state.lastFailure = now
                    state.lastError = error
                    state.consecutiveFailures += 1
                }
                throw error
            }
        }
    }

    /// The backoff after `failures` consecutive failures: failureBackoff × 2^(failures-1), at most 30 s.
    private func backoff(after failures: Int) -> TimeInterval {
        guard failures > 0 else { return 0 }
        let base = configuration.failureBackoff.timeInterval
        return min(30, base * Double(1 << min(failures - 1, 10)))
    }

    /// The instant after which `credentials` are in their advisory window (or expired).
    private func freshUntil(of credentials: Credentials, fetchedAt: Date) -> Date {
        guard let expiration = credentials.expiration else { return .distantFuture }
        let advisory = windows(for: credentials, fetchedAt: fetchedAt).advisory
        return expiration.addingTimeInterval(-max(0, advisory.isFinite ? advisory : 0))
    }

    private func windows(for credentials: Credentials, fetchedAt: Date?) -> (advisory: TimeInterval, mandatory: TimeInterval) {
        var advisory = configuration.advisoryWindow.timeInterval
        var mandatory = configuration.mandatoryWindow.timeInterval
        if let expiration = credentials.expiration, let fetchedAt {
            let lifetime = expiration.timeIntervalSince(fetchedAt)
            advisory = min(advisory, lifetime / 2)
            mandatory = min(mandatory, lifetime / 4)
        }
        return (advisory, mandatory)
    }
}
