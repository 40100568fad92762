import AsyncHTTPClient
public import FoundationEssentials
public import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
public import RoleKitSigning
import RoleKitSupport
import Synchronization

/// Sends signed AWS requests with AsyncHTTPClient: timeouts, retries in the AWS standard mode
/// (each attempt signed anew), and clock-skew correction.
///
/// Create one per process or per client and call ``shutdown()`` when done.
public final class HTTPTransport: Sendable {
    public struct Configuration: Sendable {
        /// Time to establish a connection (TCP and TLS).
        public var connectTimeout: Duration
        /// Time for a whole attempt, connection included.
        public var requestTimeout: Duration
        public var retry: RetryPolicy
        /// Use `HTTPS_PROXY`/`HTTP_PROXY` (and `NO_PROXY`) from the environment. Off by default,
        /// as `aws_signing_helper --with-proxy`.
        public var useProxyFromEnvironment: Bool
        /// Verify the server's TLS certificate. Turning it off is for tests against self-signed
        /// servers only.
        public var verifyTLS: Bool
        /// A PEM file of CA certificates to trust instead of the system's (`AWS_CA_BUNDLE`).
        public var caBundlePath: String?
        /// Largest response body accepted.
        public var maximumResponseBytes: Int
        public var userAgent: String

        public init(
            connectTimeout: Duration = .seconds(10),
            requestTimeout: Duration = .seconds(30),
            retry: RetryPolicy = .standard,
            useProxyFromEnvironment: Bool = false,
            verifyTLS: Bool = true,
            caBundlePath: String? = ProcessEnvironment.value("AWS_CA_BUNDLE"),
            maximumResponseBytes: Int = 4 * 1024 * 1024,
            userAgent: String = "rolekit"
        ) {
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.retry = retry
            self.useProxyFromEnvironment = useProxyFromEnvironment
            self.verifyTLS = verifyTLS
            self.caBundlePath = caBundlePath
            self.maximumResponseBytes = maximumResponseBytes
            self.userAgent = userAgent
        }
    }

    /// How a service reads its error responses (JSON, XML, …).
    public typealias ErrorParser = @Sendable (HTTPResponse) -> ServiceErrorInfo

    public let configuration: Configuration
    private let client: HTTPClient
    private let directClient: HTTPClient?
    private let proxyBypass: [String]
    private let clock: any WallClock
    private let logger: Logger
    /// Seconds to add to the local clock when signing, learned from a server's `Date` header.
    private let clockOffset = Mutex<TimeInterval>(0)

    public init(configuration: Configuration = .init(), clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "rolekit.transport")) throws(TransportError) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if !configuration.verifyTLS {
            tls.certificateVerification = .none
        } else if let bundle = configuration.caBundlePath, !bundle.isEmpty {
            guard FileManager.default.isReadableFile(atPath: bundle) else {
                throw TransportError(.configuration, "the CA bundle \(bundle) (AWS_CA_BUNDLE) is not readable")
            }
            tls.trustRoots = .file(bundle)
        }
        guard Self.allowedTimeouts.contains(configuration.connectTimeout), Self.allowedTimeouts.contains(configuration.requestTimeout) else {
            throw TransportError(.configuration, "timeouts must be between 1 ms and 1 hour")
        }
        let timeout = HTTPClient.Configuration.Timeout(
            connect: Self.timeAmount(configuration.connectTimeout),
            read: Self.timeAmount(configuration.requestTimeout)
        )
        var proxy: HTTPClient.Configuration.Proxy?
        var bypass: [String] = []
        if configuration.useProxyFromEnvironment {
            proxy = try ProxySettings.fromEnvironment()
            bypass = ProxySettings.noProxyList()
        }
        let redirects = HTTPClient.Configuration.RedirectConfiguration.disallow
        var clientConfiguration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: redirects, timeout: timeout, proxy: proxy)
        // Connection failures go through this transport's retry policy (3 attempts with
        // backoff), not AsyncHTTPClient's own reconnect loop, which would hide a refused
        // connection until the connect timeout ran out.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        if proxy != nil {
            var directConfiguration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: redirects, timeout: timeout)
            directConfiguration.connectionPool.retryConnectionEstablishment = false
            self.directClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: directConfiguration)
        } else {
            self.directClient = nil
        }
        self.proxyBypass = bypass
    }

    /// Closes connections. Call once, when the transport is no longer used.
    public func shutdown() async throws {
        try await client.shutdown()
        try await directClient?.shutdown()
    }

    /// The clock offset currently applied when signing (server time minus local time).
    public var currentClockOffset: TimeInterval { clockOffset.withLock { $0 } }

    /// Sends `request` to `endpoint` (scheme, host and port; the path comes from `request`).
    ///
    /// - Parameters:
    ///   - sign: Signs one attempt at the given time; called again for each retry.
    ///   - parseError: Reads the service's error code and message from a non-2xx response.
    ///   - timeout: Overrides the configured request timeout for each attempt.
    ///   - maxAttempts: Overrides the retry policy's number of attempts.
    /// - Returns: The first 2xx response.
    /// - Throws: ``TransportError``: `.service` for a non-retryable (or final) error response,
    ///   `.timeout`/`.connection`/`.tls` when no response arrived.
    public func send(
        _ request: SigningRequest,
        to endpoint: URL,
        timeout: Duration? = nil,
        maxAttempts: Int? = nil,
        sign: @Sendable (SigningRequest, Date) throws -> SigningRequest,
        parseError: ErrorParser
    ) async throws -> HTTPResponse {
        let maxAttempts = max(1, maxAttempts ?? configuration.retry.maxAttempts)
        var attempt = 0
        var skewCorrected = false
        while true {
            attempt += 1
            let signingTime = clock.now().addingTimeInterval(clockOffset.withLock { $0 })
            let signed = try sign(request, signingTime)
            if logger.logLevel <= .debug {
                logger.debug("request", metadata: ["attempt": "\(attempt)", "method": "\(signed.method)", "url": "\(EndpointURL.display(endpoint))\(SafeText.excerpt(signed.path, limit: 200))", "headers": "\(Self.redactedHeaders(signed.headers.map { ($0.name, $0.value) }))"])
            }
            let outcome: Result<HTTPResponse, TransportError>
            do {
                outcome = .success(try await execute(signed, endpoint: endpoint, timeout: timeout))
            } catch {
                outcome = .failure(error)
            }
            if logger.logLevel <= .debug {
                switch outcome {
                case .success(let response):
                    // Success bodies carry secrets; only error bodies are shown.
                    let body = (200..<300).contains(response.status) ? "<\(response.body.count) bytes, not shown>" : SafeText.excerpt(response.bodyText, limit: 1000)
                    logger.debug("response", metadata: ["status": "\(response.status)", "requestId": "\(response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id") ?? "-")", "body": "\(body)"])
                case .failure(let error):
                    logger.debug("no response", metadata: ["error": "\(error.message)"])
                }
            }
            switch outcome {
            case .success(let response) where (200..<300).contains(response.status):
                return response
            case .success(let response):
                let info = parseError(response)
                if !skewCorrected, let offset = skewOffset(response: response, info: info, endpoint: endpoint) {
                    skewCorrected = true
                    clockOffset.withLock { $0 = offset }
                    logger.info("adjusting for clock skew", metadata: ["offsetSeconds": "\(Int(offset))"])
                    continue
                }
                let error = TransportError.service(status: response.status, info: info, response: response)
                guard RetryPolicy.isRetryable(status: response.status, error: info), attempt < maxAttempts else {
                    throw error
                }
                logger.debug("retrying", metadata: ["attempt": "\(attempt)", "status": "\(response.status)", "code": "\(info.code ?? "-")"])
            case .failure(let error):
                guard error.isRetryable, attempt < maxAttempts else { throw error }
                logger.debug("retrying", metadata: ["attempt": "\(attempt)", "error": "\(error.code)"])
            }
            try await clock.sleep(for: configuration.retry.delay(beforeRetry: attempt))
        }
    }

    private func execute(_ request: SigningRequest, endpoint: URL, timeout: Duration?) async throws(TransportError) -> HTTPResponse {
        guard let scheme = endpoint.scheme, let host = endpoint.host() else {
            throw TransportError(.configuration, "the endpoint \(endpoint) has no scheme or host")
        }
        var url = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host)"
        if let port = endpoint.port { url += ":\(port)" }
        url += request.path
        if !request.query.isEmpty { url += "?" + request.query }
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if !outgoing.headers.contains(name: "User-Agent") { outgoing.headers.add(name: "User-Agent", value: configuration.userAgent) }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        let useDirect = directClient != nil && ProxySettings.bypasses(host: host, list: proxyBypass)
        let client = useDirect ? (directClient ?? self.client) : self.client
        // One deadline covers the response head and the whole body: a server that drips its
        // body one byte at a time is cut off like one that never answers.
        let limit = timeout ?? configuration.requestTimeout
        let maximumBytes = configuration.maximumResponseBytes
        let prepared = outgoing
        do {
            return try await Self.withDeadline(limit, endpoint: url) {
                let response = try await client.execute(prepared, deadline: NIODeadline.now() + Self.timeAmount(limit), logger: nil)
                var body = try await response.body.collect(upTo: maximumBytes)
                let bytes = body.readBytes(length: body.readableBytes) ?? []
                return HTTPResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: bytes)
            }
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError.classify(error, endpoint: url)
        }
    }

    /// Timeouts the transport accepts.
    public static let allowedTimeouts: ClosedRange<Duration> = .milliseconds(1)...Duration.seconds(3600)

    /// `duration` for NIO, clamped to ``allowedTimeouts`` (no overflow for any input).
    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let bounded = min(max(duration, allowedTimeouts.lowerBound), allowedTimeouts.upperBound)
        let (seconds, attoseconds) = bounded.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Runs `body`, cancelling it when `limit` has passed.
    static func withDeadline<T: Sendable>(_ limit: Duration, endpoint: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let bounded = min(max(limit, allowedTimeouts.lowerBound), allowedTimeouts.upperBound)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: bounded)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw TransportError(.timeout, "\(SafeText.excerpt(endpoint)) did not send a whole response within \(bounded)")
            }
            return value
        }
    }

    /// Header names and values for logs: secrets replaced by `<redacted>`, signatures shortened.
    static func redactedHeaders(_ headers: [(String, String)]) -> String {
        headers.map { name, value in
            let lower = name.lowercased()
            if lower == "x-amz-security-token" || lower == "cookie" || lower == "x-aws-ec2-metadata-token" { return "\(name): <redacted>" }
            if lower == "authorization" {
                // A SigV4 value shows its scope and signed headers; any other (a container
                // endpoint's token, a bearer token) is a secret.
                if value.hasPrefix("AWS4-"), let marker = value.firstRange(of: "Signature=") {
                    return "\(name): \(SafeText.excerpt(value[..<marker.upperBound], limit: 400))<\(value[marker.upperBound...].count) hex digits>"
                }
                return "\(name): <redacted>"
            }
            if lower.contains("token") || lower.contains("secret") || lower.contains("password") || lower == "proxy-authorization" {
                return "\(name): <redacted>"
            }
            if lower == "x-amz-x509" || lower == "x-amz-x509-chain" { return "\(name): <\(value.count) base64 characters>" }
            return "\(name): \(SafeText.excerpt(value, limit: 200))"
        }.joined(separator: "; ")
    }

    /// The largest clock offset the transport learns from a server: one hour either way.
    public static let maximumClockOffset: TimeInterval = 3600

    /// When a response rejects the request time, the offset to apply (from its `Date` header).
    ///
    /// Learned only from a trustworthy answer (HTTPS with a verified certificate, or a loopback
    /// endpoint the user chose) and only within ±``maximumClockOffset``: a lying endpoint
    /// cannot move the signing clock far.
    private func skewOffset(response: HTTPResponse, info: ServiceErrorInfo, endpoint: URL) -> TimeInterval? {
        guard response.status == 400 || response.status == 401 || response.status == 403 else { return nil }
        let trusted = (endpoint.scheme?.lowercased() == "https" && configuration.verifyTLS) || Self.isLoopback(host: endpoint.host() ?? "")
        guard trusted else { return nil }
        let message = (info.message ?? "").lowercased()
        let looksSkewed =
            info.code.map(RetryPolicy.clockSkewCodes.contains) == true
            || message.contains("signature expired") || message.contains("too skewed") || message.contains("request time")
        guard looksSkewed, let dateHeader = response.header("Date"), let serverDate = HTTPDate.parse(dateHeader) else { return nil }
        let offset = serverDate.timeIntervalSince(clock.now())
        guard offset.isFinite, abs(offset) <= Self.maximumClockOffset else {
            logger.info("not adjusting for clock skew: the server's Date is more than an hour away", metadata: [:])
            return nil
        }
        // Only a real skew is corrected; a few seconds are within every service's window.
        return abs(offset) >= 60 ? offset : nil
    }

    static func isLoopback(host: String) -> Bool {
        let host = String(host.lowercased().filter { $0 != "[" && $0 != "]" })
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension HTTPTransport {
    private static let sharedInstance = Mutex<HTTPTransport?>(nil)

    /// One process-wide transport with the default configuration, made on first use and never
    /// shut down (as AsyncHTTPClient's `HTTPClient.shared`): what
    /// `DefaultCredentialChain()` uses when given no transport. Do not call ``shutdown()`` on it.
    public static func shared() throws(TransportError) -> HTTPTransport {
        try sharedInstance.withLock { (existing: inout HTTPTransport?) throws(TransportError) -> HTTPTransport in
            if let existing { return existing }
            let made = try HTTPTransport()
            existing = made
            return made
        }
    }
}
