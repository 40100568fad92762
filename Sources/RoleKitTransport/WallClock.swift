public import FoundationEssentials

/// The source of the current time for signing, expiry and refresh decisions.
///
/// Inject a manual clock in tests (see `RoleKitTesting.ManualWallClock`) to move time at will.
public protocol WallClock: Sendable {
    func now() -> Date
    /// Suspends for `duration` of this clock's time.
    func sleep(for duration: Duration) async throws
}

/// The system clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    public var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
