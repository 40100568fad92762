public import FoundationEssentials
public import RoleKitCredentials
public import RoleKitEndpoints
import Logging
public import RoleKitTransport
import Synchronization

/// A fleet of hosts that each run the real refresh scheduler of `serve` and `update`
/// (``ServedCredentials`` over a ``RefreshingCredentialProvider``, as for Roles Anywhere), all on
/// one virtual clock, started at the same moment (a fleet reboot). Each `CreateSession` is a
/// call of a stand-in that records the virtual second it happened in and answers credentials
/// valid for `sessionLifetime`.
///
/// Events run in time order from a priority queue: a host's next event is when its scheduler
/// says (``ServedCredentials/nextRefreshDelay()``), so hours of fleet time take a second.
public struct FleetSimulation: Sendable {
    public var hosts: Int
    public var sessionLifetime: TimeInterval
    public var duration: TimeInterval
    public var configuration: ServedCredentials.Configuration

    public init(hosts: Int, sessionLifetime: TimeInterval = 3600, duration: TimeInterval = 4 * 3600, configuration: ServedCredentials.Configuration = .init()) {
        self.hosts = hosts
        self.sessionLifetime = sessionLifetime
        self.duration = duration
        self.configuration = configuration
    }

    /// What the fleet did.
    public struct Outcome: Sendable {
        /// `CreateSession` calls in each second of the run, from the reboot.
        public var callsPerSecond: [Int]
        /// The calls of the reboot itself (every host's first fetch, at second 0).
        public var firstWave: Int
        /// The busiest second after the first wave.
        public var peakAfterFirstWave: Int
        /// The busiest 10 seconds after the first wave, as calls per second (a token bucket with
        /// a burst sees this rather than single seconds).
        public var peakTenSecondRate: Double {
            let calls = Array(callsPerSecond.dropFirst())
            guard calls.count >= 10 else { return Double(calls.reduce(0, +)) / 10 }
            var window = calls[0..<10].reduce(0, +)
            var best = window
            for index in 10..<calls.count {
                window += calls[index] - calls[index - 10]
                best = max(best, window)
            }
            return Double(best) / 10
        }
        public var totalCalls: Int
        /// Seconds in which a host served expired credentials or had none (should be none).
        public var hostsWithoutCredentials: Int

        /// Calls per second after the first wave, as a histogram: how many seconds saw `n` calls.
        public var histogram: [(calls: Int, seconds: Int)] {
            var counts: [Int: Int] = [:]
            for calls in callsPerSecond.dropFirst() { counts[calls, default: 0] += 1 }
            return counts.keys.sorted().map { ($0, counts[$0] ?? 0) }
        }
    }

    public func run() async throws -> Outcome {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = VirtualClock(start)
        let seconds = Int(duration.rounded(.up)) + 1
        let calls = Mutex([Int](repeating: 0, count: seconds))
        let lifetime = sessionLifetime
        var served: [ServedCredentials] = []
        served.reserveCapacity(hosts)
        for host in 0..<hosts {
            let fetcher = RefreshingCredentialProvider(clock: clock) {
                let now = clock.now()
                let second = Int(now.timeIntervalSince(start))
                calls.withLock { if second >= 0 && second < $0.count { $0[second] += 1 } }
                return Credentials(
                    accessKeyId: "ASIAFLEET" + String(1_000_000_000 + host), secretAccessKey: "fleet-secret-EXAMPLE", sessionToken: "fleet-token-EXAMPLE",
                    expiration: now.addingTimeInterval(lifetime)
                )
            }
            let credentials = ServedCredentials(provider: fetcher, configuration: configuration, clock: clock, logger: .init(label: "fleet", factory: { _ in SwiftLogNoOpLogHandler() }))
            try await credentials.start()
            served.append(credentials)
        }
        var queue = EventQueue()
        for (host, credentials) in served.enumerated() {
            queue.push(start.addingTimeInterval(credentials.nextRefreshDelay().timeInterval), host)
        }
        let end = start.addingTimeInterval(duration)
        var missing = 0
        while let (time, host) = queue.pop(), time <= end {
            clock.set(time)
            let credentials = served[host]
            await credentials.refresh()
            if case .failure = credentials.current() { missing += 1 }
            queue.push(time.addingTimeInterval(credentials.nextRefreshDelay().timeInterval), host)
        }
        let perSecond = calls.withLock { $0 }
        return Outcome(
            callsPerSecond: perSecond, firstWave: perSecond.first ?? 0, peakAfterFirstWave: perSecond.dropFirst().max() ?? 0,
            totalCalls: perSecond.reduce(0, +), hostsWithoutCredentials: missing
        )
    }
}

/// The simulation's clock: set by the event loop, read by every host.
private final class VirtualClock: WallClock {
    private let time: Mutex<Date>
    init(_ start: Date) { time = Mutex(start) }
    func now() -> Date { time.withLock { $0 } }
    func set(_ date: Date) { time.withLock { $0 = date } }
    func sleep(for duration: Duration) async throws {
        let seconds = duration.timeInterval
        time.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A binary min-heap of (time, host); ties go to the lower host number.
private struct EventQueue {
    private var heap: [(time: Date, host: Int)] = []

    private static func less(_ a: (time: Date, host: Int), _ b: (time: Date, host: Int)) -> Bool {
        a.time != b.time ? a.time < b.time : a.host < b.host
    }

    mutating func push(_ time: Date, _ host: Int) {
        heap.append((time, host))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Date, Int)? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count, Self.less(heap[left], heap[smallest]) { smallest = left }
                if right < heap.count, Self.less(heap[right], heap[smallest]) { smallest = right }
                guard smallest != parent else { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return (first.time, first.host)
    }
}
