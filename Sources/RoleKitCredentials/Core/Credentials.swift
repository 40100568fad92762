public import FoundationEssentials
public import RoleKitSigning

/// Temporary (or long-term) AWS credentials.
///
/// `description` shows the access key id and expiration only; the secret and the session
/// token never appear in logs or errors.
public struct Credentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When the credentials stop working; `nil` for long-term keys.
    public var expiration: Date?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// The keys in the form the SigV4 signer takes.
    public var signingCredentials: SigningCredentials {
        SigningCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
    }

    /// Whether the credentials are expired at `date`.
    public func isExpired(at date: Date) -> Bool {
        guard let expiration else { return false }
        return expiration <= date
    }

    public var description: String {
        "Credentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>, sessionToken: \(sessionToken == nil ? "nil" : "<redacted>"), expiration: \(expiration.map(ISO8601Timestamp.format) ?? "never"))"
    }
}

extension Credentials: CustomReflectable {
    /// `dump` and debuggers see the access key id and expiration only.
    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyId": accessKeyId, "secretAccessKey": "<redacted>", "sessionToken": sessionToken == nil ? "nil" : "<redacted>", "expiration": expiration as Any], displayStyle: .struct)
    }
}
