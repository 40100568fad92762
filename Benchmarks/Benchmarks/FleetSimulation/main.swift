import RoleKitEndpoints
import RoleKitTesting

/// 10,000 hosts holding 1-hour Roles Anywhere sessions, rebooted at the same moment, on the real
/// refresh scheduler of `serve`/`update` with a virtual clock (RoleKitTesting's
/// FleetSimulation). Prints the calls per second after the first wave as a histogram, the peak,
/// and one JSON line for scripts/bench. `--no-spread` shows the scheduler without the
/// first-refresh spread (only the one-minute jitter).
///
///     swift run -c release FleetSimulation [--hosts N] [--hours H] [--no-spread]
var hosts = 10_000
var hours = 4.0
var spread = true
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--hosts": hosts = arguments.next().flatMap { Int($0) }.map { max(1, min($0, 1_000_000)) } ?? hosts
    case "--hours": hours = arguments.next().flatMap { Double($0) }.map { max(0.1, min($0, 48)) } ?? hours
    case "--no-spread": spread = false
    default: break
    }
}
let configuration = ServedCredentials.Configuration(firstRefreshSpreadFrom: spread ? 0.05 : nil)
let outcome = try await FleetSimulation(hosts: hosts, sessionLifetime: 3600, duration: hours * 3600, configuration: configuration).run()
print("fleet: \(hosts) hosts, 1-hour sessions, \(hours) h after a reboot at t=0, first-refresh spread \(spread ? "on" : "off")")
print("first wave (t=0): \(outcome.firstWave) CreateSession calls; after it: \(outcome.totalCalls - outcome.firstWave) calls, peak \(outcome.peakAfterFirstWave)/s in one second, \(outcome.peakTenSecondRate)/s over the busiest 10 seconds")
print("hosts seen without valid credentials: \(outcome.hostsWithoutCredentials)")
print("calls in a second | seconds")
let widest = outcome.histogram.map(\.seconds).max() ?? 1
for (calls, seconds) in outcome.histogram {
    let bar = String(repeating: "#", count: max(seconds > 0 ? 1 : 0, seconds * 50 / widest))
    print(String(repeating: " ", count: max(0, 17 - String(calls).count)) + "\(calls) | \(seconds) \(bar)")
}
print(#"{"name":"fleet simulation","hosts":\#(hosts),"first_wave":\#(outcome.firstWave),"peak_after_first_wave":\#(outcome.peakAfterFirstWave),"peak_10s_rate":\#(outcome.peakTenSecondRate),"mean_rate":\#(Double(outcome.totalCalls - outcome.firstWave) / (hours * 3600)),"total_calls":\#(outcome.totalCalls),"spread":\#(spread),"histogram":[\#(outcome.histogram.map { "[\($0.calls),\($0.seconds)]" }.joined(separator: ","))]}"#)
