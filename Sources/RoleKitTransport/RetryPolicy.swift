/// AWS "standard" retry mode: a few attempts, exponential backoff with full jitter, retrying
/// only what can succeed on a second try.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts, the first included.
    public var maxAttempts: Int
    /// The backoff base: attempt `n` (from 1) waits `random(0..<1) × base × 2^(n-1)`.
    public var baseDelay: Duration
    public var maxBackoff: Duration

    public init(maxAttempts: Int = 3, baseDelay: Duration = .seconds(1), maxBackoff: Duration = .seconds(20)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
    }

    /// The AWS standard mode.
    public static let standard = RetryPolicy()
    /// One attempt only.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The delay before retry number `retry` (1 for the first retry), with full jitter.
    public func delay(beforeRetry retry: Int, random: Double = Double.random(in: 0..<1)) -> Duration {
        let exponential = baseDelay.timeInterval * Double(1 << min(retry - 1, 30))
        let capped = min(exponential, maxBackoff.timeInterval)
        return .milliseconds(Int64(capped * random * 1000))
    }

    /// Error codes AWS SDKs treat as throttling.
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]
    /// Error codes AWS SDKs treat as transient.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
        "IDPCommunicationError",
    ]
    /// Error codes that mean the request time was rejected.
    public static let clockSkewCodes: Set<String> = [
        "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException",
        "SignatureDoesNotMatch", "AuthFailure", "SignatureExpired",
    ]

    /// Whether a response is worth retrying.
    public static func isRetryable(status: Int, error: ServiceErrorInfo) -> Bool {
        if let code = error.code, throttlingCodes.contains(code) || transientCodes.contains(code) { return true }
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }
}
