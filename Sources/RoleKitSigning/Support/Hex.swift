import RoleKitSupport

extension Sequence where Element == UInt8 {
    /// The bytes as lowercase hexadecimal.
    public var lowercaseHex: String { Hex.encode(self) }
}
