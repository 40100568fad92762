import NIOCore
import Synchronization

/// The open connections of a server: admission under a cap, evicting the longest-idle one.
final class ConnectionTable: Sendable {
    private struct Entry {
        var channel: any Channel
        var busy: Bool
        var since: ContinuousClock.Instant
    }
    private struct State {
        var next = 0
        var entries: [Int: Entry] = [:]
    }
    private let state = Mutex(State())

    var count: Int { state.withLock { $0.entries.count } }

    /// An id for `channel`, or `nil` when every one of `maximum` slots has a request under way.
    func admit(_ channel: any Channel, maximum: Int) -> Int? {
        let (id, evicted) = state.withLock { state -> (Int?, (any Channel)?) in
            var evicted: (any Channel)?
            if state.entries.count >= maximum {
                guard let victim = state.entries.filter({ !$0.value.busy }).min(by: { $0.value.since < $1.value.since }) else { return (nil, nil) }
                evicted = victim.value.channel
                state.entries[victim.key] = nil
            }
            state.next += 1
            state.entries[state.next] = Entry(channel: channel, busy: false, since: .now)
            return (state.next, evicted)
        }
        evicted?.close(promise: nil)
        return id
    }

    func mark(_ id: Int, busy: Bool) {
        state.withLock { state in
            state.entries[id]?.busy = busy
            state.entries[id]?.since = .now
        }
    }

    func remove(_ id: Int) {
        state.withLock { _ = $0.entries.removeValue(forKey: id) }
    }
}
