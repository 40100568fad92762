public import FoundationEssentials
import RoleKitSigning

extension Credentials {
    /// Access key ids: capital letters and digits, 16 to 128 of them (IAM's `AccessKeyIdType`).
    public static let accessKeyIdLengths: ClosedRange<Int> = 16...128
    /// The longest secret access key accepted.
    public static let maximumSecretLength = 1024
    /// The longest session token accepted (STS and Roles Anywhere tokens are a few KiB at most).
    public static let maximumSessionTokenLength = 16 * 1024

    /// Credentials from outside, checked: every source (Roles Anywhere, STS, container, IMDS,
    /// `credential_process`, caches, environment, config files) builds its answer here.
    ///
    /// - Parameters:
    ///   - source: Where the values came from, for the message (never the values themselves).
    ///   - now: When given, an expiration at or before it is refused.
    public init(validating accessKeyId: String, secretAccessKey: String, sessionToken: String?, expiration: Date?, source: String, now: Date? = nil) throws(CredentialsError) {
        self.init(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken, expiration: expiration)
        try validate(source: source, now: now)
    }

    /// The one validation of credentials, before use or storage.
    ///
    /// - The access key id is `[A-Z0-9]{16,128}`.
    /// - The secret and the session token are printable ASCII (no CR, LF, NUL or other control
    ///   characters, so they can never add lines to a credentials file, a cache or a shell
    ///   export) and within ``maximumSecretLength`` / ``maximumSessionTokenLength``.
    /// - Nothing is empty: an empty session token is a missing one only when `nil`.
    /// - The expiration, if any, lies after `now` (when `now` is given).
    public func validate(source: String, now: Date? = nil) throws(CredentialsError) {
        let id = accessKeyId.utf8
        guard Self.accessKeyIdLengths.contains(id.count),
            id.allSatisfy({ ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) })
        else {
            throw CredentialsError(.invalidCredentials, "\(source) gave an access key id that is not 16 to 128 capital letters and digits")
        }
        guard !secretAccessKey.isEmpty, secretAccessKey.utf8.count <= Self.maximumSecretLength, Self.isPrintableASCII(secretAccessKey) else {
            throw CredentialsError(.invalidCredentials, "\(source) gave a secret access key that is empty, longer than \(Self.maximumSecretLength) characters or not printable ASCII")
        }
        if let sessionToken {
            guard !sessionToken.isEmpty, sessionToken.utf8.count <= Self.maximumSessionTokenLength, Self.isPrintableASCII(sessionToken) else {
                throw CredentialsError(.invalidCredentials, "\(source) gave a session token that is empty, longer than \(Self.maximumSessionTokenLength) characters or not printable ASCII")
            }
        }
        if let expiration {
            guard expiration.timeIntervalSince1970.isFinite else {
                throw CredentialsError(.invalidCredentials, "\(source) gave an expiration that is not a time")
            }
            if let now, expiration <= now {
                throw CredentialsError(.expired, "\(source) gave credentials that expired at \(ISO8601Timestamp.format(expiration)); they cannot be used")
            }
        }
    }

    static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
    }
}
