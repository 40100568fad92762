import RoleKitTransport

/// A failed Roles Anywhere call, with what to do about it.
public struct RolesAnywhereError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Backing: String, Hashable, Sendable {
            case invalidInput, accessDenied, untrustedCertificate, invalidSignature, sessionNameNotAllowed, profileDisabled
            case resourceNotFound, validation, tooManyTags, throttled, serviceUnavailable, unknownServiceError
            case malformedResponse, timeout, connection, tls, signing, configuration
        }

        fileprivate let backing: Backing

        /// Rejected before sending: an ARN, region or duration is wrong.
        public static let invalidInput = Code(backing: .invalidInput)
        /// `AccessDeniedException` with another message (disabled profile, role not in profile, …).
        public static let accessDenied = Code(backing: .accessDenied)
        /// `AccessDeniedException: Untrusted signing certificate`: no chain to an enabled trust anchor,
        /// or the certificate is expired, not yet valid or revoked.
        public static let untrustedCertificate = Code(backing: .untrustedCertificate)
        /// `AccessDeniedException: Invalid signature`.
        public static let invalidSignature = Code(backing: .invalidSignature)
        /// `AccessDeniedException: Not authorized to set roleSessionName`.
        public static let sessionNameNotAllowed = Code(backing: .sessionNameNotAllowed)
        /// The profile exists but is disabled.
        public static let profileDisabled = Code(backing: .profileDisabled)
        public static let resourceNotFound = Code(backing: .resourceNotFound)
        /// `ValidationException`.
        public static let validation = Code(backing: .validation)
        /// `TooManyTagsException`: a resource may carry at most 50 tags.
        public static let tooManyTags = Code(backing: .tooManyTags)
        public static let throttled = Code(backing: .throttled)
        /// 5xx after all retries.
        public static let serviceUnavailable = Code(backing: .serviceUnavailable)
        /// Any other error code (kept in ``serviceCode``).
        public static let unknownServiceError = Code(backing: .unknownServiceError)
        /// A 2xx response that is not the expected JSON.
        public static let malformedResponse = Code(backing: .malformedResponse)
        public static let timeout = Code(backing: .timeout)
        public static let connection = Code(backing: .connection)
        public static let tls = Code(backing: .tls)
        /// The request could not be signed (certificate or key problem).
        public static let signing = Code(backing: .signing)
        public static let configuration = Code(backing: .configuration)

        public var description: String { backing.rawValue }
    }

    public let code: Code
    public let message: String
    /// The service's error code, when the service answered.
    public let serviceCode: String?
    public let status: Int?
    public let requestId: String?
    /// The input parameter at fault (`roleArn`, `region`, …), for input errors: a front end
    /// maps it to its own option name.
    public let parameter: String?

    public init(_ code: Code, _ message: String, serviceCode: String? = nil, status: Int? = nil, requestId: String? = nil, parameter: String? = nil) {
        self.parameter = parameter
        self.code = code
        self.message = message
        self.serviceCode = serviceCode
        self.status = status
        self.requestId = requestId
    }

    public var description: String { message }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Maps a transport failure to a Roles Anywhere error.
    /// The error for a failure without a service answer (timeout, connection, TLS, …), or `nil`
    /// when the service answered; `prefix` starts each message.
    private static func withoutAnswer(_ error: TransportError, prefix: String) -> RolesAnywhereError? {
        switch error.code {
        case .timeout: return RolesAnywhereError(.timeout, "\(prefix)Roles Anywhere did not answer in time: \(error.message)")
        case .connection: return RolesAnywhereError(.connection, prefix + error.message)
        case .tls: return RolesAnywhereError(.tls, error.message)
        case .configuration: return RolesAnywhereError(.configuration, error.message)
        case .responseTooLarge: return RolesAnywhereError(.malformedResponse, error.message)
        default: return nil
        }
    }

    /// Builds errors from the service's answer: `CODE: message (advice)` after `prefix`.
    private struct Answer {
        let status: Int
        let serviceCode: String?
        let serviceMessage: String
        let requestId: String?
        let prefix: String

        init(_ error: TransportError, prefix: String) {
            status = error.status ?? 0
            serviceCode = error.serviceError?.code
            serviceMessage = error.serviceError?.message ?? ""
            requestId = error.response?.header("x-amzn-RequestId")
            self.prefix = prefix
        }

        func make(_ code: Code, _ advice: String = "") -> RolesAnywhereError {
            var text = prefix + (serviceCode ?? "HTTP \(status)")
            if !serviceMessage.isEmpty { text += ": \(serviceMessage)" }
            if !advice.isEmpty { text += " (\(advice))" }
            return RolesAnywhereError(code, text, serviceCode: serviceCode, status: status, requestId: requestId)
        }
    }

    static func from(_ error: TransportError) -> RolesAnywhereError {
        if let failure = withoutAnswer(error, prefix: "") { return failure }
        let answer = Answer(error, prefix: "")
        let (status, serviceCode, serviceMessage) = (answer.status, answer.serviceCode, answer.serviceMessage)
        func make(_ code: Code, _ advice: String = "") -> RolesAnywhereError { answer.make(code, advice) }
        let lower = serviceMessage.lowercased()
        switch serviceCode {
        case "AccessDeniedException":
            if lower.contains("untrusted") || lower.contains("revoked") || lower.contains("expired certificate") || lower.contains("not yet valid") {
                return make(.untrustedCertificate, "the certificate does not chain to an enabled trust anchor, or is expired or revoked; give the intermediate certificates if the trust anchor is a root CA")
            }
            if lower.contains("signature") {
                return make(.invalidSignature, "the request signature was rejected; check the clock and that the key matches the certificate")
            }
            if lower.contains("profile") && lower.contains("disabled") {
                return make(.profileDisabled, "enable the profile in IAM Roles Anywhere, or use another profile")
            }
            if lower.contains("rolesessionname") {
                return make(.sessionNameNotAllowed, "enable acceptRoleSessionName on the profile, or give no role session name")
            }
            return make(.accessDenied, "")
        case "ResourceNotFoundException":
            return make(.resourceNotFound, "check the profile and trust anchor ARNs and the region")
        case "ValidationException":
            return make(.validation, "")
        case .some(let code) where RetryPolicy.throttlingCodes.contains(code):
            return make(.throttled, "CreateSession is rate-limited; cache the credentials instead of calling it for every command")
        default:
            if status == 429 { return make(.throttled, "CreateSession is rate-limited; cache the credentials") }
            if status >= 500 { return make(.serviceUnavailable, "the service failed after retries; try again later") }
            return make(.unknownServiceError, "")
        }
    }

    /// Maps a transport failure of a control-plane call (`operation`) to a Roles Anywhere error;
    /// unknown service codes keep their code, message and request id.
    static func controlPlane(_ error: TransportError, operation: String) -> RolesAnywhereError {
        if let failure = withoutAnswer(error, prefix: "\(operation): ") { return failure }
        let answer = Answer(error, prefix: "\(operation): ")
        let (status, serviceCode) = (answer.status, answer.serviceCode)
        func make(_ code: Code, _ advice: String = "") -> RolesAnywhereError { answer.make(code, advice) }
        switch serviceCode {
        case "AccessDeniedException": return make(.accessDenied, "the credentials may not call \(operation)")
        case "UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException", "SignatureDoesNotMatch",
            "IncompleteSignatureException", "MissingAuthenticationTokenException", "ExpiredTokenException":
            return make(.accessDenied, "check the access key, secret and session token, and the clock")
        case "ResourceNotFoundException": return make(.resourceNotFound, "check the id or ARN and the region")
        case "ValidationException": return make(.validation)
        case "TooManyTagsException": return make(.tooManyTags, "a resource carries at most 50 tags")
        case .some(let code) where RetryPolicy.throttlingCodes.contains(code): return make(.throttled, "try again later")
        default:
            if status == 429 { return make(.throttled, "try again later") }
            if status >= 500 { return make(.serviceUnavailable, "the service failed after retries; try again later") }
            return make(.unknownServiceError)
        }
    }
}
