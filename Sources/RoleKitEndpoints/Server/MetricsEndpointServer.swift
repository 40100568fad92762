/// `GET /metrics` in the Prometheus text format, on its own port (`serve --metrics-port`):
/// `render` produces the exposition at each scrape. Same limits as the credential endpoints;
/// any other path is 404, any other method 405.
public final class MetricsEndpointServer: Sendable {
    private let endpoint: HTTPEndpoint

    /// - Parameters:
    ///   - host: Address to listen on (loopback unless the caller allowed otherwise).
    ///   - render: The exposition (`text/plain; version=0.0.4`).
    public init(host: String, port: Int, render: @escaping @Sendable () -> String) {
        let settings = HTTPEndpoint.Settings(
            host: host, port: port, hopLimit: nil, inheritedSocket: nil, maximumConnections: 32, requestTimeout: .seconds(5), idleTimeout: .seconds(30),
            maximumBodyBytes: 16 * 1024
        )
        endpoint = HTTPEndpoint(settings: settings) { method, uri, _ in
            let path = uri.firstIndex(of: "?").map { String(uri[..<$0]) } ?? uri
            guard path == "/metrics" else { return .text(404, "not found; metrics are at /metrics") }
            guard method == "GET" else { return .text(405, "method not allowed") }
            return HTTPEndpoint.Reply(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: render())
        }
    }

    /// Listens and returns the bound port.
    public func start() async throws -> Int { try await endpoint.start() }

    /// Stops listening.
    public func stop() async { await endpoint.stop() }
}
