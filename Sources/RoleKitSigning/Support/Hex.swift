/// Lowercase hexadecimal encoding, as SigV4 writes hashes and signatures.
@usableFromInline
enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    @usableFromInline
    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Sequence where Element == UInt8 {
    /// The bytes as lowercase hexadecimal.
    public var lowercaseHex: String { Hex.encode(self) }
}
