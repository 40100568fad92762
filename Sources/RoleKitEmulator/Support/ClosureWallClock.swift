public import FoundationEssentials
public import RoleKitTransport

/// A `WallClock` that reads the time from a closure: what the emulator's
/// `now:` initializers wrap, so callers written before the clock was injected keep compiling.
///
/// `sleep(for:)` really sleeps; only `now()` comes from the closure.
public struct ClosureWallClock: WallClock {
    private let read: @Sendable () -> Date

    public init(_ now: @escaping @Sendable () -> Date) {
        self.read = now
    }

    public func now() -> Date { read() }

    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
