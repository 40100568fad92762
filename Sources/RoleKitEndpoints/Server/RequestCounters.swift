import Metrics
import Synchronization

/// `rolekit_endpoint_requests_total{status=…}`: requests answered, by HTTP status, through
/// swift-metrics. The statuses the endpoints send have counters made up front, so counting is
/// an array read and an increment; any other status shares `status="other"`.
final class RequestCounters: Sendable {
    static let label = "rolekit_endpoint_requests_total"
    /// Every status ``CredentialEndpointServer`` and ``HTTPEndpoint`` answer with.
    static let statuses = [200, 400, 401, 403, 404, 405, 413, 500, 503]

    private let counters: [Counter?]
    private let other: Counter

    init() {
        var counters = [Counter?](repeating: nil, count: 600)
        for status in Self.statuses {
            counters[status] = Counter(label: Self.label, dimensions: [("status", String(status))])
        }
        self.counters = counters
        self.other = Counter(label: Self.label, dimensions: [("status", "other")])
    }

    func count(_ status: Int) {
        if counters.indices.contains(status), let counter = counters[status] {
            counter.increment()
        } else {
            other.increment()
        }
    }
}
