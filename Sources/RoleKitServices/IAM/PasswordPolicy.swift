public import FoundationEssentials
public import RoleKitSigning
public import RoleKitTransport

/// The parts of an IAM account password policy that shape a password.
public struct PasswordPolicy: Sendable, Hashable {
    public var minimumPasswordLength: Int
    public var requireSymbols: Bool
    public var requireNumbers: Bool
    public var requireUppercaseCharacters: Bool
    public var requireLowercaseCharacters: Bool

    public init(minimumPasswordLength: Int = 8, requireSymbols: Bool = false, requireNumbers: Bool = false, requireUppercaseCharacters: Bool = false, requireLowercaseCharacters: Bool = false) {
        self.minimumPasswordLength = minimumPasswordLength
        self.requireSymbols = requireSymbols
        self.requireNumbers = requireNumbers
        self.requireUppercaseCharacters = requireUppercaseCharacters
        self.requireLowercaseCharacters = requireLowercaseCharacters
    }

    /// IAM's symbol set: `! @ # $ % ^ & * ( ) _ + - = [ ] { } | '`.
    public static let symbols = Array("!@#$%^&*()_+-=[]{}|'")
    public static let lowercase = Array("abcdefghijklmnopqrstuvwxyz")
    public static let uppercase = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    public static let numbers = Array("0123456789")

    /// Whether `password` satisfies the policy.
    public func isSatisfied(by password: String) -> Bool {
        password.count >= minimumPasswordLength
            && (!requireSymbols || password.contains(where: Self.symbols.contains))
            && (!requireNumbers || password.contains(where: Self.numbers.contains))
            && (!requireUppercaseCharacters || password.contains(where: Self.uppercase.contains))
            && (!requireLowercaseCharacters || password.contains(where: Self.lowercase.contains))
    }
}
