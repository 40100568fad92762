public import Crypto
import FoundationEssentials
import RoleKitSupport

extension Sequence where Element == UInt8 {
    /// The bytes as lowercase hexadecimal.
    public var lowercaseHex: String { Hex.encode(self) }
}

extension Collection where Element == UInt8 {
    /// The bytes as lowercase hexadecimal (one allocation: the string).
    public var lowercaseHex: String { Hex.encode(self) }
}

extension Digest {
    /// The digest as lowercase hexadecimal, read in place (one allocation: the string).
    public var lowercaseHex: String { withUnsafeBytes { Hex.encode($0) } }
}

extension HashedAuthenticationCode {
    /// The code as lowercase hexadecimal, read in place (one allocation: the string).
    public var lowercaseHex: String { withUnsafeBytes { Hex.encode($0) } }
}
