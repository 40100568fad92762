import RoleKitTransport

/// A failed STS call, with what to do about it.
public struct STSError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Backing: String, Hashable, Sendable {
            case invalidInput, accessDenied, expiredToken, regionDisabled, malformedPolicyDocument, packedPolicyTooLarge
            case invalidIdentityToken, idpRejectedClaim, idpCommunicationError, invalidClientToken, throttled, validation
            case serviceUnavailable, unknownServiceError, malformedResponse, timeout, connection, tls, configuration, mfaCodeRequired
        }

        fileprivate let backing: Backing

        /// Rejected before sending: an ARN, session name, duration, tag or MFA code is malformed.
        public static let invalidInput = Code(backing: .invalidInput)
        /// `AccessDenied`: the caller may not assume the role (trust policy, external id, MFA).
        public static let accessDenied = Code(backing: .accessDenied)
        /// `ExpiredToken`: the source credentials have expired.
        public static let expiredToken = Code(backing: .expiredToken)
        /// `RegionDisabledException`: STS is not activated in this region for the account.
        public static let regionDisabled = Code(backing: .regionDisabled)
        public static let malformedPolicyDocument = Code(backing: .malformedPolicyDocument)
        public static let packedPolicyTooLarge = Code(backing: .packedPolicyTooLarge)
        public static let invalidIdentityToken = Code(backing: .invalidIdentityToken)
        public static let idpRejectedClaim = Code(backing: .idpRejectedClaim)
        public static let idpCommunicationError = Code(backing: .idpCommunicationError)
        /// `InvalidClientTokenId` / `SignatureDoesNotMatch`: the source keys are wrong.
        public static let invalidClientToken = Code(backing: .invalidClientToken)
        public static let throttled = Code(backing: .throttled)
        public static let validation = Code(backing: .validation)
        public static let serviceUnavailable = Code(backing: .serviceUnavailable)
        public static let unknownServiceError = Code(backing: .unknownServiceError)
        public static let malformedResponse = Code(backing: .malformedResponse)
        public static let timeout = Code(backing: .timeout)
        public static let connection = Code(backing: .connection)
        public static let tls = Code(backing: .tls)
        public static let configuration = Code(backing: .configuration)
        /// A refresh needs a new MFA code and only a one-time code was given.
        public static let mfaCodeRequired = Code(backing: .mfaCodeRequired)

        public var description: String { backing.rawValue }
    }

    public let code: Code
    public let message: String
    /// The STS error code (`AccessDenied`, `ExpiredToken`, …), for service errors.
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
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.message == rhs.message }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    static func from(_ error: TransportError, requestId: String? = nil) -> STSError {
        switch error.code {
        case .timeout: return STSError(.timeout, "STS did not answer in time: \(error.message)")
        case .connection: return STSError(.connection, error.message)
        case .tls: return STSError(.tls, error.message)
        case .configuration: return STSError(.configuration, error.message)
        case .responseTooLarge: return STSError(.malformedResponse, error.message)
        default: break
        }
        let status = error.status ?? 0
        let serviceCode = error.serviceError?.code
        let serviceMessage = error.serviceError?.message ?? ""
        let requestId = error.response.flatMap { response in
            response.header("x-amzn-RequestId") ?? XMLNode.parse(response.body)?.value("RequestId")
        }
        func make(_ code: Code, _ advice: String) -> STSError {
            let text = serviceMessage.isEmpty ? (serviceCode ?? "HTTP \(status)") : "\(serviceCode ?? "HTTP \(status)"): \(serviceMessage)"
            return STSError(code, advice.isEmpty ? text : "\(text) (\(advice))", serviceCode: serviceCode, status: status, requestId: requestId)
        }
        switch serviceCode {
        case "AccessDenied", "AccessDeniedException":
            return make(.accessDenied, "check the role's trust policy, the external id and the MFA device")
        case "ExpiredToken", "ExpiredTokenException":
            return make(.expiredToken, "the source credentials have expired; refresh them")
        case "RegionDisabledException":
            return make(.regionDisabled, "activate STS for this region in IAM account settings, or use another region")
        case "MalformedPolicyDocument", "MalformedPolicyDocumentException":
            return make(.malformedPolicyDocument, "")
        case "PackedPolicyTooLarge", "PackedPolicyTooLargeException":
            return make(.packedPolicyTooLarge, "use fewer or shorter session policies and tags")
        case "InvalidIdentityToken", "InvalidIdentityTokenException":
            return make(.invalidIdentityToken, "")
        case "IDPRejectedClaim", "IDPRejectedClaimException":
            return make(.idpRejectedClaim, "")
        case "IDPCommunicationError", "IDPCommunicationErrorException":
            return make(.idpCommunicationError, "the identity provider did not answer STS; try again")
        case "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature", "InvalidAccessKeyId":
            return make(.invalidClientToken, "the source access key is wrong, deleted or inactive")
        case "ValidationError", "ValidationException", "InvalidParameterValue", "MissingParameter":
            return make(.validation, "")
        case .some(let code) where RetryPolicy.throttlingCodes.contains(code):
            return make(.throttled, "STS is rate-limiting; cache credentials instead of assuming the role for every call")
        default:
            if status == 429 { return make(.throttled, "") }
            if status >= 500 { return make(.serviceUnavailable, "STS failed after retries; try again later") }
            return make(.unknownServiceError, "")
        }
    }
}

/// Reads a query-protocol XML error (`<ErrorResponse><Error><Code>…`).
public enum QueryXMLError {
    public static func parse(_ response: HTTPResponse) -> ServiceErrorInfo {
        guard let root = XMLNode.parse(response.body) else { return ServiceErrorInfo(code: nil, message: nil) }
        let error = root.name == "Error" ? root : (root["Error"] ?? root["Errors"]?["Error"])
        return ServiceErrorInfo(code: error?.value("Code"), message: error?.value("Message"))
    }
}
