public import FoundationEssentials
public import RoleKitSigning
public import RoleKitTransport

public struct PasswordPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
