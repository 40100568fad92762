package import FoundationEssentials
package import RoleKitTransport

/// A `WallClock` that reads the time from a closure: what the emulator's
/// `now:` initializers wrap, so callers written before the clock was injected keep compiling.
///
/// `sleep(for:)` really sleeps; only `now()` comes from the closure.
package struct ClosureWallClock: WallClock {
    private let read: @Sendable () -> Date

    package init(_ now: @escaping @Sendable () -> Date) {
        self.read = now
    }

    package func now() -> Date { read() }

    package func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
