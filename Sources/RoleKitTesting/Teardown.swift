public import RoleKitTransport

/// Runs `body`, then `teardown`, whether `body` returned or threw. On the error path the
/// teardown's own error is dropped, so the test reports what went wrong first.
public func withTeardown<T>(_ body: () async throws -> T, teardown: () async throws -> Void) async throws -> T {
    let result: T
    do {
        result = try await body()
    } catch {
        try? await teardown()
        throw error
    }
    try await teardown()
    return result
}

/// Runs `body` with a new transport and always shuts it down.
public func withTransport<T>(
    _ configuration: HTTPTransport.Configuration = .init(retry: .none), clock: any WallClock = SystemWallClock(),
    _ body: (HTTPTransport) async throws -> T
) async throws -> T {
    let transport = try HTTPTransport(configuration: configuration, clock: clock)
    return try await withTeardown({ try await body(transport) }, teardown: { try await transport.shutdown() })
}
