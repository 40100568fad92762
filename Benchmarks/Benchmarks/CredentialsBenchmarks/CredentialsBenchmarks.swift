import Benchmark
import Foundation
import RoleKitCredentials
import RoleKitTesting
import RoleKitTransport
import Synchronization

/// The refreshing provider: the hot path every SDK call takes (fresh cached credentials), and
/// 10,000 callers arriving together at expiry (one fetch, everyone served).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))

    let fresh = RefreshingCredentialProvider {
        Credentials(accessKeyId: "ASIABENCHMARKEXAMPLE", secretAccessKey: "secret", sessionToken: "token", expiration: Date().addingTimeInterval(3600))
    }
    // 100,000 sections (a generated config of a large organisation): linear since the section
    // check became a set lookup (it was quadratic: 23 s).
    let manySections = (0..<100_000).map { "[profile p\($0)]\nregion = us-east-1\n" }.joined()
    Benchmark("INI parse, 100,000 sections", configuration: .init(metrics: [.wallClock, .mallocCountTotal, .throughput], maxDuration: .seconds(5), maxIterations: 5)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try INIFile.parse(manySections))
        }
    }

    // A thousand iterations a sample (results are per iteration), so the harness's own cost
    // per sample (about 0.3 µs and 16 allocations) does not swamp a call of about 0.1 µs.
    Benchmark("cached credentials()", configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], scalingFactor: .kilo, maxDuration: .seconds(3))) { benchmark in
        _ = try await fresh.credentials()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await fresh.credentials())
        }
    }

    Benchmark(
        "10,000 concurrent callers at expiry",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident, .throughput], maxDuration: .seconds(5), maxIterations: 50)
    ) { benchmark in
        // Each iteration includes making a provider and its first fetch: about 1 ms of the
        // total. The first credentials are valid for an hour; the clock is then moved to ten
        // seconds before their expiry (the mandatory window), so every caller needs the refresh.
        for _ in benchmark.scaledIterations {
            let fetches = Atomic<Int>(0)
            let clock = ManualWallClock(Date())
            let provider = RefreshingCredentialProvider(clock: clock) {
                let count = fetches.add(1, ordering: .relaxed).newValue
                if count > 1 { try await Task.sleep(for: .milliseconds(1)) }
                return Credentials(accessKeyId: "ASIAEXAMPLE" + String(1_000_000_000 + count), secretAccessKey: "s", sessionToken: "t", expiration: clock.now().addingTimeInterval(3600))
            }
            _ = try await provider.refresh()
            clock.advance(by: 3590)
            // Each caller is a task of its own, as independent SDK calls are. (In one task
            // group of 10,000 children the runtime's child removal, a list walk per finished
            // child, took most of the time: 400+ ms of the group's, not the provider's.)
            var callers: [Task<Credentials, any Error>] = []
            callers.reserveCapacity(10_000)
            for _ in 0..<10_000 {
                callers.append(Task { try await provider.credentials() })
            }
            for caller in callers { blackHole(try await caller.value) }
            precondition(fetches.load(ordering: .relaxed) == 2, "single flight broken: \(fetches.load(ordering: .relaxed)) fetches")
        }
    }
}
