public import FoundationEssentials

/// A UTC timestamp in the two forms SigV4 uses: `20150830T123600Z` and `20150830`.
///
/// Formatting is done with integer arithmetic, so it does not depend on locale, calendar or
/// time-zone settings of the machine.
public struct AmzDate: Sendable, Hashable {
    /// `YYYYMMDD'T'HHMMSS'Z'`, the value of `X-Amz-Date`.
    public let timestamp: String
    /// `YYYYMMDD`, the date part of a credential scope.
    public let dateStamp: String

    /// The seconds since 1970 that SigV4 timestamps can show: years 0000 to 9999.
    public static let representableSeconds: ClosedRange<TimeInterval> = -62_167_219_200...253_402_300_799

    /// Dates outside ``representableSeconds`` (or not finite) are shown clamped to its ends;
    /// parsers refuse such dates before they get here.
    public init(_ date: Date) {
        let raw = date.timeIntervalSince1970
        let bounded = raw.isNaN ? 0 : min(max(raw, Self.representableSeconds.lowerBound), Self.representableSeconds.upperBound)
        let seconds = Int64(bounded.rounded(.down))
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        let hour = secondOfDay / 3600
        let minute = (secondOfDay % 3600) / 60
        let second = secondOfDay % 60
        // Written digit by digit into one 16-byte buffer: no number-to-string conversions.
        let (timestamp, dateStamp) = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer -> (String, String) in
            func put(_ value: Int64, width: Int, at start: Int) {
                var value = value
                var index = start + width
                while index > start {
                    index -= 1
                    buffer[index] = 0x30 + UInt8(truncatingIfNeeded: value % 10)
                    value /= 10
                }
            }
            // The year is 0...9999 (the seconds are clamped to that range above).
            put(year, width: 4, at: 0)
            put(month, width: 2, at: 4)
            put(day, width: 2, at: 6)
            buffer[8] = UInt8(ascii: "T")
            put(hour, width: 2, at: 9)
            put(minute, width: 2, at: 11)
            put(second, width: 2, at: 13)
            buffer[15] = UInt8(ascii: "Z")
            return (String(decoding: buffer, as: UTF8.self), String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<8]), as: UTF8.self))
        }
        self.timestamp = timestamp
        self.dateStamp = dateStamp
    }

    /// Parses `YYYYMMDD'T'HHMMSS'Z'`. Returns `nil` for anything else.
    public init?(timestamp: String) {
        let bytes = Array(timestamp.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        let digitIndices = Array(0..<8) + Array(9..<15)
        guard digitIndices.allSatisfy({ bytes[$0] >= 48 && bytes[$0] <= 57 }) else { return nil }
        self.timestamp = timestamp
        self.dateStamp = String(decoding: bytes[0..<8], as: UTF8.self)
    }

    /// The `Date` this timestamp denotes.
    public var date: Date {
        let b = Array(timestamp.utf8).map { Int64($0) - 48 }
        func number(_ range: Range<Int>) -> Int64 { range.reduce(0) { $0 * 10 + b[$1] } }
        let days = Self.daysSinceEpoch(year: number(0..<4), month: number(4..<6), day: number(6..<8))
        let seconds = days * 86_400 + number(9..<11) * 3600 + number(11..<13) * 60 + number(13..<15)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    // Howard Hinnant's civil-from-days and days-from-civil algorithms.
    static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date.
    ///
    /// The year is clamped to ±1,000,000 and the month to 1–12 so that no input overflows;
    /// parsers check their ranges before calling this.
    public static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let year = min(max(year, -1_000_000), 1_000_000)
        let month = min(max(month, 1), 12)
        let day = min(max(day, -1_000_000), 1_000_000)
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
