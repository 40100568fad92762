/// An error from the signing layer.
///
/// Compare errors by ``code``; the message is for people and may change.
public struct SigningError: Error, Hashable, CustomStringConvertible {
    /// An extensible set of error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Backing: Hashable, Sendable {
            case keyTooSmall, signatureFailed, certificateEncodingFailed
        }

        fileprivate let backing: Backing

        /// An RSA key below 2048 bits.
        public static let keyTooSmall = Code(backing: .keyTooSmall)
        /// The crypto library refused to sign.
        public static let signatureFailed = Code(backing: .signatureFailed)
        /// A certificate could not be DER-encoded.
        public static let certificateEncodingFailed = Code(backing: .certificateEncodingFailed)

        public var description: String { String(describing: backing) }
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (lhs: SigningError, rhs: SigningError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    static func keyTooSmall(bits: Int) -> SigningError {
        SigningError(
            code: .keyTooSmall,
            message: "the RSA key has \(bits) bits; IAM Roles Anywhere needs at least 2048. Issue a new key and certificate (RSA 2048+, or EC P-256/P-384)."
        )
    }

    static func signatureFailed(keyDescription: String) -> SigningError {
        SigningError(code: .signatureFailed, message: "the \(keyDescription) private key could not produce a signature")
    }

    static var certificateEncodingFailed: SigningError {
        SigningError(code: .certificateEncodingFailed, message: "the certificate could not be DER-encoded")
    }
}
