import AsyncHTTPClient
import NIOCore
import NIOSSL

/// A request that did not produce a successful response.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Backing: String, Hashable, Sendable {
            case service, timeout, connection, tls, responseTooLarge, configuration
        }

        fileprivate let backing: Backing

        /// The service answered with an error status (see ``status`` and ``serviceError``).
        public static let service = Code(backing: .service)
        /// No complete response within the timeout.
        public static let timeout = Code(backing: .timeout)
        /// The connection could not be made or broke.
        public static let connection = Code(backing: .connection)
        /// TLS failed (certificate not trusted, handshake error).
        public static let tls = Code(backing: .tls)
        public static let responseTooLarge = Code(backing: .responseTooLarge)
        /// The transport is misconfigured (bad proxy, unreadable CA bundle, bad endpoint).
        public static let configuration = Code(backing: .configuration)

        public var description: String { backing.rawValue }
    }

    public let code: Code
    public let message: String
    /// The HTTP status, for ``Code-swift.struct/service``.
    public let status: Int?
    /// The service's error code and message, for ``Code-swift.struct/service``.
    public let serviceError: ServiceErrorInfo?
    /// The raw response, for ``Code-swift.struct/service`` (never printed).
    public let response: HTTPResponse?

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
        self.status = nil
        self.serviceError = nil
        self.response = nil
    }

    private init(status: Int, info: ServiceErrorInfo, response: HTTPResponse) {
        self.code = .service
        self.status = status
        self.serviceError = info
        self.response = response
        let what = [info.code, info.message].compactMap { $0 }.joined(separator: ": ")
        self.message = "HTTP \(status)" + (what.isEmpty ? "" : " \(what)")
    }

    static func service(status: Int, info: ServiceErrorInfo, response: HTTPResponse) -> TransportError {
        TransportError(status: status, info: info, response: response)
    }

    public var description: String { message }

    /// Whether another attempt may succeed (connection problems and timeouts).
    var isRetryable: Bool { code == .timeout || code == .connection }

    static func classify(_ error: any Error, endpoint: String) -> TransportError {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return TransportError(.timeout, "no response from \(endpoint) within the timeout")
            case .connectTimeout:
                return TransportError(.timeout, "could not connect to \(endpoint) within the connect timeout")
            case .remoteConnectionClosed, .cancelled:
                return TransportError(.connection, "the connection to \(endpoint) closed before the response was complete")
            default:
                break
            }
        }
        if error is NIOTooManyBytesError {
            return TransportError(.responseTooLarge, "the response from \(endpoint) is too large")
        }
        let text = String(describing: error)
        if error is NIOSSLError || error is BoringSSLError || text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("handshake") {
            return TransportError(.tls, "TLS with \(endpoint) failed: the server's certificate is not trusted (set AWS_CA_BUNDLE for a private CA)")
        }
        if text.contains("connectTimeout") || text.contains("timedOut") {
            return TransportError(.timeout, "could not connect to \(endpoint) within the connect timeout")
        }
        return TransportError(.connection, "could not reach \(endpoint): \(Self.shortReason(text))")
    }

    private static func shortReason(_ text: String) -> String {
        if text.contains("connection refused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("unreachable") { return "network unreachable" }
        if text.contains("reset") { return "connection reset" }
        if text.contains("resolve") || text.contains("NXDOMAIN") || text.contains("lookup") { return "host name not found" }
        return "connection failed"
    }
}
