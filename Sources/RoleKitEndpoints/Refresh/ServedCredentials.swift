public import FoundationEssentials
public import Logging
public import RoleKitCredentials
public import RoleKitTransport
import Metrics
import Synchronization

/// The credentials a local endpoint hands out: fetched once at start-up (a failure there is
/// fatal), refreshed in the background ahead of expiry with jitter, the last good ones kept while
/// a refresh fails, and never expired or empty ones served.
public final class ServedCredentials: Sendable {
    /// Why nothing can be served.
    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public struct Configuration: Sendable {
        /// Refresh this long before expiry (default 5 minutes, as `aws_signing_helper update`).
        public var refreshBefore: Duration
        /// Up to this much earlier, at random, so many endpoints do not refresh together.
        public var jitter: Duration
        /// Wait between attempts after a failure, doubling up to `maximumRetryInterval`.
        public var retryInterval: Duration
        public var maximumRetryInterval: Duration
        /// The first refresh after start-up happens at a random moment between this fraction of
        /// the credentials' lifetime and their refresh time, instead of `refreshBefore` (with
        /// `jitter`) ahead of expiry; `nil` turns this off. Hosts started together (a fleet
        /// reboot) then spread their refreshes over most of a session instead of a minute, and
        /// keep that spread, since each later refresh follows its own credentials' expiry.
        public var firstRefreshSpreadFrom: Double?

        public init(
            refreshBefore: Duration = .seconds(300),
            jitter: Duration = .seconds(60),
            retryInterval: Duration = .seconds(5),
            maximumRetryInterval: Duration = .seconds(60),
            firstRefreshSpreadFrom: Double? = 0.05
        ) {
            self.refreshBefore = refreshBefore
            self.jitter = jitter
            self.retryInterval = retryInterval
            self.maximumRetryInterval = maximumRetryInterval
            self.firstRefreshSpreadFrom = firstRefreshSpreadFrom.map { min(max($0, 0), 1) }
        }
    }

    struct State {
        var current: Credentials?
        var lastUpdated: Date?
        var lastError: String?
        var failures = 0
        /// When the current credentials are refreshed (jitter drawn once per set).
        var refreshAt: Date?
    }

    public let provider: any CredentialProvider
    public let configuration: Configuration
    /// The name this source has in metrics (label `source`) and logs.
    public let name: String
    let clock: any WallClock
    let logger: Logger
    private let state = Mutex(State())
    private let metrics: SourceMetrics

    /// Counters and gauges of one source, made through swift-metrics (whatever backend the
    /// process bootstrapped; none, by default).
    struct SourceMetrics: Sendable {
        let refreshes: Counter
        let failures: Counter
        let expiration: Gauge
        let secondsToExpiry: Gauge

        init(source: String) {
            let dimensions = [("source", source)]
            refreshes = Counter(label: "rolekit_credential_refreshes_total", dimensions: dimensions)
            failures = Counter(label: "rolekit_credential_refresh_failures_total", dimensions: dimensions)
            expiration = Gauge(label: "rolekit_credentials_expiration_timestamp_seconds", dimensions: dimensions)
            secondsToExpiry = Gauge(label: "rolekit_credentials_seconds_to_expiry", dimensions: dimensions)
        }
    }

    public init(
        provider: any CredentialProvider, configuration: Configuration = .init(), name: String = "default", clock: any WallClock = SystemWallClock(),
        logger: Logger = Logger(label: "rolekit.serve")
    ) {
        self.provider = provider
        self.configuration = configuration
        self.name = name
        self.clock = clock
        self.logger = logger
        self.metrics = SourceMetrics(source: name)
    }

    /// Sets the expiry gauges from the credentials served now (before a metrics scrape):
    /// seconds left, 0 when nothing can be served.
    public func updateExpiryMetrics() {
        let now = clock.now()
        let expiration = state.withLock { $0.current?.expiration }
        guard let expiration else {
            metrics.secondsToExpiry.record(0)
            return
        }
        metrics.expiration.record(expiration.timeIntervalSince1970)
        metrics.secondsToExpiry.record(max(0, expiration.timeIntervalSince(now)))
    }

    /// The first fetch; throws when it fails, so a misconfigured endpoint never starts.
    public func start() async throws {
        let credentials = try await provider.credentials()
        try Self.check(credentials, now: clock.now())
        store(credentials)
        metrics.refreshes.increment()
    }

    /// Credentials to serve now, with when they were fetched; an error when the last good ones
    /// have expired (or there never were any).
    public func current() -> Result<(credentials: Credentials, lastUpdated: Date), Unavailable> {
        let now = clock.now()
        return state.withLock { state in
            guard let credentials = state.current, let updated = state.lastUpdated else {
                return .failure(Unavailable(message: "no credentials yet" + (state.lastError.map { ": \($0)" } ?? "")))
            }
            guard !credentials.isExpired(at: now) else {
                return .failure(Unavailable(message: "the credentials expired and the refresh keeps failing" + (state.lastError.map { ": \($0)" } ?? "")))
            }
            return .success((credentials, updated))
        }
    }

    /// One refresh attempt. On failure the last good credentials stay.
    /// - Returns: Whether it succeeded.
    @discardableResult
    public func refresh() async -> Bool {
        do {
            // New credentials past the provider's cache: this schedule, not the provider's
            // refresh window, decides when upstream is asked.
            let credentials = try await provider.refreshedCredentials()
            try Self.check(credentials, now: clock.now())
            store(credentials)
            metrics.refreshes.increment()
            return true
        } catch {
            metrics.failures.increment()
            let failures = state.withLock { state in
                state.failures += 1
                state.lastError = "\(error)"
                return state.failures
            }
            logger.warning("refresh failed; serving the last good credentials while they are valid", metadata: ["source": "\(name)", "failures": "\(failures)", "error": "\(error)"])
            return false
        }
    }

    /// When the next refresh is due, and how long to wait for it.
    public func nextRefreshDelay() -> Duration {
        let now = clock.now()
        return state.withLock { state in
            if state.failures > 0 {
                let doubled = configuration.retryInterval * (1 << min(state.failures - 1, 10))
                let backoff = min(doubled, configuration.maximumRetryInterval)
                // While the last good credentials are valid, try again before half of their
                // remaining life has gone (at most once a second), so a refresh that fails
                // once or twice does not outlast them.
                guard let left = state.current?.expiration?.timeIntervalSince(now), left > 0 else { return backoff }
                return min(backoff, max(.seconds(1), Self.duration(seconds: left / 2)))
            }
            guard let at = state.refreshAt else { return .seconds(3600) }
            let wait = at.timeIntervalSince(now)
            // The provider may hand back the same credentials until its own refresh lands.
            return wait > 0 ? Self.duration(seconds: wait) : configuration.retryInterval
        }
    }

    /// Refreshes ahead of expiry until the task is cancelled; `onChange` gets each new set of
    /// credentials (an error it throws ends the loop).
    public func run(onChange: (Credentials) async throws -> Void) async rethrows {
        var seen = state.withLock { $0.current }
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: nextRefreshDelay())
            } catch {
                return
            }
            await refresh()
            if case .success(let now) = current(), now.credentials != seen {
                seen = now.credentials
                try await onChange(now.credentials)
            }
        }
    }

    private func store(_ credentials: Credentials) {
        let now = clock.now()
        let spread = configuration.firstRefreshSpreadFrom
        let draw = Double.random(in: 0...1)
        let (refreshBefore, jitterMaximum) = (configuration.refreshBefore.timeInterval, configuration.jitter.timeInterval)
        state.withLock { state in
            if state.current != credentials {
                let isFirst = state.current == nil
                state.current = credentials
                state.lastUpdated = now
                state.refreshAt = credentials.expiration.map { expiration in
                    // Credentials that live shorter than the refresh lead (a 15-minute session
                    // with a long lead, an emulator's 20 s ones, a source handing out what is
                    // left of its own) are refreshed after a quarter to a half of what is left,
                    // never in a loop of immediate refreshes.
                    let left = max(0, expiration.timeIntervalSince(now))
                    let jitter = draw * max(0, min(jitterMaximum, left / 4))
                    let due = expiration.addingTimeInterval(-min(refreshBefore, left / 2) - jitter)
                    // The first set: anywhere from `spread` of the lifetime to the due time.
                    guard isFirst, let spread else { return due }
                    let earliest = now.addingTimeInterval(expiration.timeIntervalSince(now) * spread)
                    guard earliest < due else { return due }
                    return Date(timeIntervalSince1970: Double.random(in: earliest.timeIntervalSince1970...due.timeIntervalSince1970))
                }
            }
            state.failures = 0
            state.lastError = nil
        }
    }

    /// A wait from a time the credentials gave (bounded to 30 years, so any date converts).
    static func duration(seconds: Double) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return .milliseconds(Int64(min(seconds, 1e9) * 1000))
    }

    /// The one validation (``Credentials/validate(source:now:)``), whatever provider is served.
    static func check(_ credentials: Credentials, now: Date) throws {
        do {
            try credentials.validate(source: "the credential source", now: now)
        } catch {
            throw Unavailable(message: error.message)
        }
    }
}
