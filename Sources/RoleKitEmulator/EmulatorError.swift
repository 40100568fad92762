import RoleKitSigning

/// An error the emulator answers with, in the AWS rest-json shape, or a configuration problem.
public struct EmulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// HTTP status of the response.
    public let status: Int
    /// The AWS error code (`AccessDeniedException`, `ValidationException`, …).
    public let code: String
    public let message: String

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static func accessDenied(_ message: String) -> EmulatorError { EmulatorError(status: 403, code: "AccessDeniedException", message: message) }
    static func validation(_ message: String) -> EmulatorError { EmulatorError(status: 400, code: "ValidationException", message: message) }
    static func notFound(_ message: String) -> EmulatorError { EmulatorError(status: 404, code: "ResourceNotFoundException", message: message) }
    static func configuration(_ message: String) -> EmulatorError { EmulatorError(status: 500, code: "EmulatorConfigurationError", message: message) }

    static let untrusted = accessDenied("Untrusted signing certificate")
    static let invalidSignature = accessDenied("Invalid signature")
}

extension EmulatorError {
    /// `404 UnknownOperationException`: no operation has this method and path.
    static func unknownOperation(_ request: SigningRequest) -> EmulatorError {
        EmulatorError(status: 404, code: "UnknownOperationException", message: "The emulator does not implement \(request.method) \(request.path)")
    }
}
