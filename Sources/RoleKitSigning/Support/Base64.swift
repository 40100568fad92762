import FoundationEssentials

/// Standard base64 with padding and no line breaks, through Foundation.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
