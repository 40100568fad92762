import Foundation
@testable import RoleKitEmulator
import RoleKitTesting
import Testing

/// The emulator keeps issued sessions in memory: expired ones go, and their number is bounded.
/// (Moved from RoleKitCredentialsTests; the clock is now the injected ``ManualWallClock``.)
@Suite("Emulator: issued sessions are pruned")
struct EmulatorSessionPruningTests {
    static func session(_ index: Int, expiring expiration: Date) -> RolesAnywhereEmulator.IssuedSession {
        .init(accessKeyId: "ASIAPRUNE\(String(format: "%011d", index))", secretAccessKey: "s", sessionToken: "t", roleArn: "arn:aws:iam::123456789012:role/r", sessionName: "n", expiration: expiration, subject: "CN=x")
    }

    @Test func expiredSessionsArePrunedAndTheCountIsBounded() throws {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 2_000_000_000))
        let emulator = try RolesAnywhereEmulator(configuration: EmulatorConfiguration(), clock: clock)
        let limit = RolesAnywhereEmulator.maximumLiveSessions
        // Half the limit of sessions that expire in a minute, then time passes.
        for index in 0..<(limit / 2) { emulator.record(Self.session(index, expiring: clock.now().addingTimeInterval(60))) }
        #expect(emulator.issuedSessions.count == limit / 2)
        clock.advance(by: 120)
        emulator.record(Self.session(limit, expiring: clock.now().addingTimeInterval(3600)))
        #expect(emulator.issuedSessions.count == 1, "the expired ones are gone")
        // Live sessions beyond the limit: the earliest-expiring make room.
        for index in 0..<(limit + 10) { emulator.record(Self.session(limit + 1 + index, expiring: clock.now().addingTimeInterval(TimeInterval(7200 + index)))) }
        #expect(emulator.issuedSessions.count == limit)
        #expect(emulator.issuedSession(accessKeyId: Self.session(limit + 1 + limit + 9, expiring: clock.now()).accessKeyId) != nil, "the newest is kept")
    }
}
