import FoundationEssentials
import RoleKitSigning
import RoleKitSupport

extension Credentials {
    /// The `credential_process` output (Version 1), members in the order the AWS CLI documents.
    ///
    /// - Parameter expirationText: The expiration as the service wrote it; defaults to ISO-8601.
    public func credentialProcessJSON(expirationText: String? = nil) -> String {
        var members: [JSONValue.Member] = [.init("Version", .int(1)), .init("AccessKeyId", .string(accessKeyId)), .init("SecretAccessKey", .string(secretAccessKey))]
        if let sessionToken { members.append(.init("SessionToken", .string(sessionToken))) }
        if let text = expirationText ?? expiration.map(ISO8601Timestamp.format) { members.append(.init("Expiration", .string(text))) }
        return JSONWriter.compact.render(.object(members))
    }

    /// Reads `credential_process` output (Version 1).
    ///
    /// The values pass ``validate(source:now:)`` (not the expiration, which callers check
    /// against their clock).
    /// - Parameter source: Names the output in messages (the program that printed it).
    public init(credentialProcessJSON data: [UInt8], source: String = "the credential_process output") throws {
        guard data.count <= 1 << 20 else { throw CredentialsError(.malformed, "credential_process output is larger than 1 MiB") }
        struct Output: Decodable {
            var Version: Int
            var AccessKeyId: String
            var SecretAccessKey: String
            var SessionToken: String?
            var Expiration: String?
        }
        let output = try JSONDecoder().decode(Output.self, from: Data(data))
        guard output.Version == 1 else { throw CredentialsError(.malformed, "credential_process output has Version \(output.Version); only 1 is supported") }
        var expiration: Date?
        if let text = output.Expiration {
            guard let date = ISO8601Timestamp.parse(text) else { throw CredentialsError(.malformed, "credential_process output has an unreadable Expiration") }
            expiration = date
        }
        try self.init(validating: output.AccessKeyId, secretAccessKey: output.SecretAccessKey, sessionToken: output.SessionToken, expiration: expiration, source: source)
    }
}

/// An error of the credentials layer.
public struct CredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Backing: String, Hashable, Sendable {
            case malformed, expired, io, notFound, mfaCodeRequired
            case profileNotFound, invalidConfiguration, infiniteLoop, partialCredentials, processFailed, retrievalFailed, invalidCredentials
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
