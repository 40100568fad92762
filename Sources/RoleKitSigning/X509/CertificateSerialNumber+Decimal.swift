public import X509

extension Certificate.SerialNumber {
    /// The serial number in decimal, as SigV4-X509's `Credential=` and
    /// `read-certificate-data` use it. Works for any length (20-byte serials included).
    public var decimalString: String { DecimalSerial.decimal(fromBigEndian: Array(bytes)) }
}

/// Base-256 to base-10 conversion of an unsigned big-endian integer.
public enum DecimalSerial {
    /// The decimal digits of the unsigned big-endian integer `bytes` (leading zero bytes ignored).
    public static func decimal(fromBigEndian bytes: [UInt8]) -> String {
        var number = Array(bytes.drop { $0 == 0 })
        guard !number.isEmpty else { return "0" }
        var digits: [UInt8] = []
        // Repeated division by 10^9 keeps the loop count small for long serials.
        while !number.isEmpty {
            var remainder: UInt64 = 0
            var quotient: [UInt8] = []
            quotient.reserveCapacity(number.count)
            for byte in number {
                let accumulator = remainder << 8 | UInt64(byte)
                let q = accumulator / 1_000_000_000
                remainder = accumulator % 1_000_000_000
                if !(quotient.isEmpty && q == 0) { quotient.append(UInt8(q)) }
            }
            number = quotient
            var chunk = remainder
            for _ in 0..<9 {
                digits.append(UInt8(chunk % 10))
                chunk /= 10
                if number.isEmpty && chunk == 0 { break }
            }
        }
        while digits.count > 1 && digits.last == 0 { digits.removeLast() }
        return String(decoding: digits.reversed().map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    }
}
