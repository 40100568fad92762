import Foundation
import RoleKitTransport
import Synchronization

/// A clock that moves only when told to. `sleep(for:)` advances it at once and records the
/// duration, so retry backoff can be checked without waiting.
public final class ManualWallClock: WallClock {
    private let state: Mutex<(now: Date, sleeps: [Duration])>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        state = Mutex((start, []))
    }

    public func now() -> Date { state.withLock { $0.now } }

    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.sleeps.append(duration)
            $0.now = $0.now.addingTimeInterval(duration.timeInterval)
        }
    }

    /// Moves the clock forward (or back, with a negative interval).
    public func advance(by seconds: TimeInterval) {
        state.withLock { $0.now = $0.now.addingTimeInterval(seconds) }
    }

    public func set(_ date: Date) {
        state.withLock { $0.now = date }
    }

    /// Every duration passed to `sleep(for:)` so far.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }
}
