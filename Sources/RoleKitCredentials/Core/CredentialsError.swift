import FoundationEssentials
import RoleKitSigning
import RoleKitSupport

/// An error of the credentials layer.
public struct CredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Backing: String, Hashable, Sendable {
            case malformed, expired, io, notFound, mfaCodeRequired
            case profileNotFound, invalidConfiguration, infiniteLoop, partialCredentials, processFailed, retrievalFailed, invalidCredentials, programNotFound
            case ssoTokenNotFound, ssoTokenExpired, ssoTokenRefreshFailed
        }
        fileprivate let backing: Backing
        /// The named profile is in neither file (botocore: `ProfileNotFound`).
        public static let profileNotFound = Code(backing: .profileNotFound)
        /// A profile's settings contradict each other or name what does not exist (`InvalidConfigError`).
        public static let invalidConfiguration = Code(backing: .invalidConfiguration)
        /// `source_profile` references form a loop (`InfiniteLoopConfigError`).
        public static let infiniteLoop = Code(backing: .infiniteLoop)
        /// Some keys are set but not all (`PartialCredentialsError`).
        public static let partialCredentials = Code(backing: .partialCredentials)
        /// `credential_process` failed (`CredentialRetrievalError`).
        public static let processFailed = Code(backing: .processFailed)
        /// The `credential_process` program does not exist (botocore lets Python's `FileNotFoundError` through).
        public static let programNotFound = Code(backing: .programNotFound)
        /// A configured source could not deliver (`CredentialRetrievalError`).
        public static let retrievalFailed = Code(backing: .retrievalFailed)
        /// No credentials where the provider looks.
        public static let notFound = Code(backing: .notFound)
        /// A refresh needs a new MFA code and none can be had.
        public static let mfaCodeRequired = Code(backing: .mfaCodeRequired)
        public static let malformed = Code(backing: .malformed)
        /// Credentials that fail ``Credentials/validate(source:now:)`` (shape, characters, length).
        public static let invalidCredentials = Code(backing: .invalidCredentials)
        public static let expired = Code(backing: .expired)
        /// No IAM Identity Center token is cached for the profile's session: sign in
        /// (botocore: `SSOTokenLoadError`).
        public static let ssoTokenNotFound = Code(backing: .ssoTokenNotFound)
        /// The cached IAM Identity Center token has expired or was refused (botocore:
        /// `UnauthorizedSSOTokenError`): sign in again.
        public static let ssoTokenExpired = Code(backing: .ssoTokenExpired)
        /// The token has expired and refreshing it failed (botocore: `TokenRetrievalError`):
        /// sign in again.
        public static let ssoTokenRefreshFailed = Code(backing: .ssoTokenRefreshFailed)
        public static let io = Code(backing: .io)
        public var description: String { backing.rawValue }
    }

    public let code: Code
    public let message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
