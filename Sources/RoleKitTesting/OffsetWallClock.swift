import Foundation
import RoleKitTransport
import Synchronization

/// The system clock shifted by a fixed offset: a machine whose clock is wrong.
public struct OffsetWallClock: WallClock {
    public var offset: TimeInterval
    public init(offset: TimeInterval) { self.offset = offset }
    public func now() -> Date { Date().addingTimeInterval(offset) }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
