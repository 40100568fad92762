public import FoundationEssentials
import RoleKitSigning

/// HTTP `Date` headers (`Mon, 02 Jan 2024 03:04:05 GMT`).
public enum HTTPDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func parse(_ text: String) -> Date? {
        // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". Every field is range-checked, so an
        // absurd header is refused rather than overflowing.
        guard text.utf8.count <= 64 else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", parts[1].utf8.count <= 2, parts[3].utf8.count == 4,
            let day = Int(parts[1]), (1...31).contains(day),
            let monthIndex = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3]), (1970...9999).contains(year)
        else { return nil }
        let fields = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3, fields.allSatisfy({ $0.utf8.count == 2 }) else { return nil }
        let time = fields.compactMap { Int($0) }
        guard time.count == 3, time[0] < 24, time[1] < 60, time[2] < 61 else { return nil }
        let days = Int(AmzDate.daysSinceEpoch(year: Int64(year), month: Int64(monthIndex + 1), day: Int64(day)))
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + time[0] * 3600 + time[1] * 60 + time[2]))
    }

    public static func format(_ date: Date) -> String {
        let stamp = Array(AmzDate(date).timestamp.utf8)
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(stamp[$1]) - 48 } }
        func text(_ range: Range<Int>) -> String { String(decoding: stamp[range], as: UTF8.self) }
        let month = min(max(number(4..<6), 1), 12)
        let days = Int(AmzDate.daysSinceEpoch(year: Int64(number(0..<4)), month: Int64(month), day: Int64(number(6..<8))))
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        return "\(weekday), \(text(6..<8)) \(months[month - 1]) \(text(0..<4)) \(text(9..<11)):\(text(11..<13)):\(text(13..<15)) GMT"
    }
}
