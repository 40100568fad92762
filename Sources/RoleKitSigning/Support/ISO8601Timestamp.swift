public import FoundationEssentials

/// ISO-8601 timestamps as AWS writes them (`2024-01-02T03:04:05Z`).
public enum ISO8601Timestamp {
    public static func format(_ date: Date) -> String {
        let stamp = AmzDate(date).timestamp  // 20240102T030405Z
        let c = Array(stamp)
        return "\(String(c[0..<4]))-\(String(c[4..<6]))-\(String(c[6..<8]))T\(String(c[9..<11])):\(String(c[11..<13])):\(String(c[13..<15]))Z"
    }

    /// Parses `2024-01-02T03:04:05Z`, with optional fractional seconds, `+00:00`/offset, or a
    /// `UTC` suffix with or without a space (botocore's cache writes `2024-01-02T03:04:05UTC`).
    /// Returns `nil` for anything else.
    public static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 64 else { return nil }
        var value = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        if value.hasSuffix(" UTC") {
            value = String(value.dropLast(4)) + "Z"
        } else if value.hasSuffix("UTC") {
            value = String(value.dropLast(3)) + "Z"
        }
        let chars = Array(value.utf8)
        guard chars.count >= 19 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count else { return nil }
            var result = 0
            for index in range {
                guard chars[index] >= 48, chars[index] <= 57 else { return nil }
                result = result * 10 + Int(chars[index] - 48)
            }
            return result
        }
        guard let year = number(0..<4), chars[4] == UInt8(ascii: "-"), let month = number(5..<7), chars[7] == UInt8(ascii: "-"),
            let day = number(8..<10), chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " "),
            let hour = number(11..<13), chars[13] == UInt8(ascii: ":"), let minute = number(14..<16), chars[16] == UInt8(ascii: ":"),
            let second = number(17..<19), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < chars.count, chars[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                fraction += Double(chars[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < chars.count {
            switch chars[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = chars[index] == UInt8(ascii: "+") ? 1 : -1
                guard let hours = number((index + 1)..<(index + 3)), hours < 24 else { return nil }
                var minuteStart = index + 3
                if minuteStart < chars.count, chars[minuteStart] == UInt8(ascii: ":") { minuteStart += 1 }
                guard let minutes = number(minuteStart..<(minuteStart + 2)), minutes < 60 else { return nil }
                offset = sign * (hours * 3600 + minutes * 60)
                index = minuteStart + 2
            default:
                return nil
            }
        }
        guard index == chars.count else { return nil }
        let days = Int(AmzDate.daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day)))
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
    }

    /// A date from epoch seconds sent by a service (JSON numbers): `nil` unless finite and
    /// within years 1970–9999.
    public static func date(epochSeconds: Double) -> Date? {
        guard epochSeconds.isFinite, (0...AmzDate.representableSeconds.upperBound).contains(epochSeconds) else { return nil }
        return Date(timeIntervalSince1970: epochSeconds)
    }
}

