import FoundationEssentials
import RoleKitSupport
public import RoleKitTransport

/// A failed call to the IAM Identity Center portal (`sso`) or its OIDC service (`sso-oidc`),
/// with what to do about it.
public struct SSOError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Backing: String, Hashable, Sendable {
            case unauthorized, invalidRequest, resourceNotFound, throttled
            case authorizationPending, slowDown, expiredToken, accessDenied, invalidGrant, invalidClient, invalidScope
            case unauthorizedClient, unsupportedGrantType, serviceUnavailable, unknownServiceError, malformedResponse
            case timeout, connection, tls, configuration, invalidInput
        }
        fileprivate let backing: Backing

        /// `UnauthorizedException` (401): the access token is expired, revoked or unknown; sign in again.
        public static let unauthorized = Code(backing: .unauthorized)
        /// `InvalidRequestException`.
        public static let invalidRequest = Code(backing: .invalidRequest)
        /// `ResourceNotFoundException`: no such account or role assignment.
        public static let resourceNotFound = Code(backing: .resourceNotFound)
        /// `TooManyRequestsException` and other throttling.
        public static let throttled = Code(backing: .throttled)
        /// `AuthorizationPendingException`: the user has not approved the device code yet.
        public static let authorizationPending = Code(backing: .authorizationPending)
        /// `SlowDownException`: poll less often.
        public static let slowDown = Code(backing: .slowDown)
        /// `ExpiredTokenException`: the device code (or token) has expired; restart the login.
        public static let expiredToken = Code(backing: .expiredToken)
        /// `AccessDeniedException`: the user denied the login.
        public static let accessDenied = Code(backing: .accessDenied)
        /// `InvalidGrantException`: the code, refresh token or verifier is wrong or used.
        public static let invalidGrant = Code(backing: .invalidGrant)
        /// `InvalidClientException`: the client registration is unknown or expired.
        public static let invalidClient = Code(backing: .invalidClient)
        public static let invalidScope = Code(backing: .invalidScope)
        public static let unauthorizedClient = Code(backing: .unauthorizedClient)
        public static let unsupportedGrantType = Code(backing: .unsupportedGrantType)
        public static let serviceUnavailable = Code(backing: .serviceUnavailable)
        public static let unknownServiceError = Code(backing: .unknownServiceError)
        public static let malformedResponse = Code(backing: .malformedResponse)
        public static let timeout = Code(backing: .timeout)
        public static let connection = Code(backing: .connection)
        public static let tls = Code(backing: .tls)
        public static let configuration = Code(backing: .configuration)
        /// Rejected before sending: an account id, role name or region is malformed.
        public static let invalidInput = Code(backing: .invalidInput)

        public var description: String { backing.rawValue }
    }

    public let code: Code
    public let message: String
    /// The service's error code (`UnauthorizedException`, `AuthorizationPendingException`, …).
    public let serviceCode: String?
    public let status: Int?
    /// The input parameter at fault (`accountId`, `roleName`, `region`), for input errors.
    public let parameter: String?

    public init(_ code: Code, _ message: String, serviceCode: String? = nil, status: Int? = nil, parameter: String? = nil) {
        self.code = code
        self.message = message
        self.serviceCode = serviceCode
        self.status = status
        self.parameter = parameter
    }

    public var description: String { message }
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.message == rhs.message }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The error code and message of an `sso` or `sso-oidc` error answer: the code from
    /// `x-amzn-ErrorType`, else the body's `__type`/`code`/`Code`/`error`; the message from
    /// `message`/`Message`/`error_description`.
    public static func parse(_ response: HTTPResponse) -> ServiceErrorInfo {
        let info = RestJSONError.parse(response)
        guard info.code == nil || info.message == nil, let object = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body)) else { return info }
        func text(_ key: String) -> String? {
            if case .string(let value)? = object[key] { return value }
            return nil
        }
        return ServiceErrorInfo(code: info.code ?? text("error").map(RestJSONError.sanitize), message: info.message ?? text("error_description"))
    }

    static func from(_ error: TransportError, service: String) -> SSOError {
        switch error.code {
        case .timeout: return SSOError(.timeout, "\(service) did not answer in time: \(error.message)")
        case .connection: return SSOError(.connection, error.message)
        case .tls: return SSOError(.tls, error.message)
        case .configuration: return SSOError(.configuration, error.message)
        case .responseTooLarge: return SSOError(.malformedResponse, error.message)
        default: break
        }
        let status = error.status ?? 0
        let serviceCode = error.serviceError?.code
        let serviceMessage = SafeText.excerpt(error.serviceError?.message ?? "", limit: 300)
        func make(_ code: Code, _ advice: String) -> SSOError {
            let label = serviceCode.map { SafeText.excerpt($0, limit: 80) } ?? "HTTP \(status)"
            let text = serviceMessage.isEmpty ? "\(service): \(label)" : "\(service): \(label): \(serviceMessage)"
            return SSOError(code, advice.isEmpty ? text : "\(text) (\(advice))", serviceCode: serviceCode, status: status)
        }
        switch serviceCode {
        case "UnauthorizedException": return make(.unauthorized, "the SSO session has expired or was signed out; sign in again")
        case "InvalidRequestException": return make(.invalidRequest, "")
        case "ResourceNotFoundException": return make(.resourceNotFound, "check sso_account_id and sso_role_name: the user has no such assignment")
        case "TooManyRequestsException": return make(.throttled, "")
        case "AuthorizationPendingException": return make(.authorizationPending, "")
        case "SlowDownException": return make(.slowDown, "")
        case "ExpiredTokenException": return make(.expiredToken, "the sign-in took too long; start it again")
        case "AccessDeniedException": return make(.accessDenied, "")
        case "InvalidGrantException": return make(.invalidGrant, "")
        case "InvalidClientException": return make(.invalidClient, "the client registration has expired; sign in again")
        case "InvalidScopeException": return make(.invalidScope, "check sso_registration_scopes")
        case "UnauthorizedClientException": return make(.unauthorizedClient, "")
        case "UnsupportedGrantTypeException": return make(.unsupportedGrantType, "")
        case .some(let code) where RetryPolicy.throttlingCodes.contains(code): return make(.throttled, "")
        default:
            if status == 401 { return make(.unauthorized, "sign in again") }
            if status == 429 { return make(.throttled, "") }
            if status >= 500 { return make(.serviceUnavailable, "try again later") }
            return make(.unknownServiceError, "")
        }
    }
}
