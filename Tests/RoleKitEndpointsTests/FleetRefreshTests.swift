import RoleKitEndpoints
import RoleKitTesting
import Testing

/// A fleet rebooted at once, on the real `serve` scheduler with a virtual clock
/// (``FleetSimulation``): the refreshes after the first wave are spread over most of a session,
/// so CreateSession stays far under its quota; without the first-refresh spread they bunch
/// into the one-minute jitter, which the contrast run shows.
@Suite("Fleet refresh spread")
struct FleetRefreshTests {
    @Test func refreshesAfterAFleetRebootAreSpreadOverTheSession() async throws {
        let hosts = 2_000
        let outcome = try await FleetSimulation(hosts: hosts, sessionLifetime: 3600, duration: 3 * 3600).run()
        #expect(outcome.firstWave == hosts)
        #expect(outcome.hostsWithoutCredentials == 0)
        // Every host refreshes about every 55 minutes after its first, randomly placed refresh:
        // three or four times in three hours, never more (no refresh storms, no retry loops).
        #expect(outcome.totalCalls >= hosts * 3 && outcome.totalCalls <= hosts * 5, "\(outcome.totalCalls) calls")
        // 2,000 refreshes over ~3,100 s: about 0.65 a second, Poisson; 8 in one second is
        // a one-in-a-million event per second.
        #expect(outcome.peakAfterFirstWave <= 8, "peak \(outcome.peakAfterFirstWave)/s")
        let busySeconds = outcome.callsPerSecond.dropFirst().filter { $0 > 0 }.count
        #expect(busySeconds > 1_500, "refreshes fell into \(busySeconds) seconds")
    }

    @Test func withoutTheSpreadTheSecondWaveBunches() async throws {
        let hosts = 2_000
        let outcome = try await FleetSimulation(
            hosts: hosts, sessionLifetime: 3600, duration: 3600, configuration: .init(firstRefreshSpreadFrom: nil)
        ).run()
        // The one-minute jitter alone: 2,000 calls within about 60 seconds.
        #expect(outcome.peakAfterFirstWave >= 20, "peak \(outcome.peakAfterFirstWave)/s")
        #expect(outcome.hostsWithoutCredentials == 0)
    }
}
