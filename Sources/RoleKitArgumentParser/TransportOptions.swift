public import ArgumentParser
public import Logging
public import RoleKitTransport
import RoleKitSupport

/// Proxy, TLS and timeout flags of every command that calls AWS, and the transport they make.
public struct TransportOptions: ParsableArguments, Sendable {
    @Flag(name: .customLong("with-proxy"), help: "Use HTTPS_PROXY/HTTP_PROXY and NO_PROXY from the environment.")
    public var withProxy = false

    @Flag(name: .customLong("no-verify-ssl"), help: "Do not verify the endpoint's TLS certificate (insecure; prints a warning).")
    public var noVerifySSL = false

    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp("Seconds to wait for a connection.", valueName: "seconds"))
    public var connectTimeout: Double = 10

    @Option(name: .customLong("read-timeout"), help: ArgumentHelp("Seconds to wait for a whole response.", valueName: "seconds"))
    public var readTimeout: Double = 30

    public init() {}

    public func validate() throws {
        for (flag, value) in [("--connect-timeout", connectTimeout), ("--read-timeout", readTimeout)] {
            guard value.isFinite, value >= 0.001, value <= 3600 else {
                throw ValidationError("\(flag) must be a number of seconds between 0.001 and 3600")
            }
        }
    }

    /// The transport; `--no-verify-ssl` prints its warning here, once.
    public func makeTransport(logger: Logger? = nil) throws -> HTTPTransport {
        if noVerifySSL {
            StandardStreams.writeError("\(StandardStreams.programName): warning: --no-verify-ssl: the endpoint's TLS certificate is not verified; anyone on the network path can impersonate it\n")
        }
        let configuration = HTTPTransport.Configuration(
            connectTimeout: .milliseconds(Int64(connectTimeout * 1000)),
            requestTimeout: .milliseconds(Int64(readTimeout * 1000)),
            useProxyFromEnvironment: withProxy,
            verifyTLS: !noVerifySSL
        )
        if let logger { return try HTTPTransport(configuration: configuration, logger: logger) }
        return try HTTPTransport(configuration: configuration)
    }

    /// Runs `body` with a transport and always shuts it down.
    public func withTransport<T>(logger: Logger? = nil, _ body: (HTTPTransport) async throws -> T) async throws -> T {
        let transport = try makeTransport(logger: logger)
        do {
            let result = try await body(transport)
            try? await transport.shutdown()
            return result
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }
}
