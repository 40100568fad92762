import RoleKitSigning
import RoleKitSupport

/// A complete HTTP response.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// What a service says about a response, so the transport can decide whether to retry.
public struct ServiceErrorInfo: Sendable, Hashable {
    /// The AWS error code (`ThrottlingException`, `AccessDeniedException`, …), if any.
    public var code: String?
    public var message: String?

    /// The most characters of a service's message kept (the rest is cut with `…`).
    public static let maximumMessageLength = 500

    /// Both come from the server, so both are made safe for messages here, once: control
    /// characters replaced, the code cut to 128 characters and the message to
    /// ``maximumMessageLength``. A lying endpoint can neither forge log lines nor flood a
    /// terminal through an error.
    public init(code: String?, message: String?) {
        self.code = code.map { SafeText.excerpt($0, limit: 128) }
        self.message = message.map { SafeText.excerpt($0, limit: Self.maximumMessageLength) }
    }
}
