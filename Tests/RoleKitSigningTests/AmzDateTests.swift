import Foundation
import RoleKitSigning
import Testing

@Suite struct AmzDateTests {
    @Test(arguments: [
        (0, "19700101T000000Z"),
        (1_440_938_160, "20150830T123600Z"),
        (951_782_400, "20000229T000000Z"),
        (1_709_251_199, "20240229T235959Z"),
        (4_102_444_800, "21000101T000000Z"),
        (-1, "19691231T235959Z"),
    ])
    func formats(_ seconds: Int, _ expected: String) {
        let date = AmzDate(Date(timeIntervalSince1970: TimeInterval(seconds)))
        #expect(date.timestamp == expected)
        #expect(date.dateStamp == String(expected.prefix(8)))
        #expect(AmzDate(timestamp: expected)?.date == Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// Foundation's Gregorian calendar in UTC as the independent reference, over 1600–9999
    /// (it is Julian before 1582), at 5,000 spread instants.
    @Test func agreesWithFoundationsCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let seconds = Int64.random(in: -11_676_096_000...253_402_300_799, using: &generator)
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(format: "%04d%02d%02dT%02d%02d%02dZ", parts.year ?? -1, parts.month ?? -1, parts.day ?? -1, parts.hour ?? -1, parts.minute ?? -1, parts.second ?? -1)
            let ours = AmzDate(date)
            #expect(ours.timestamp == expected, "\(seconds)")
            #expect(ours.dateStamp == String(expected.prefix(8)))
        }
    }

    /// The ends of the representable range, and beyond them (clamped).
    @Test func formatsTheEndsOfTheRange() {
        #expect(AmzDate(Date(timeIntervalSince1970: -62_167_219_200)).timestamp == "00000101T000000Z")
        #expect(AmzDate(Date(timeIntervalSince1970: 253_402_300_799)).timestamp == "99991231T235959Z")
        #expect(AmzDate(Date(timeIntervalSince1970: 1e300)).timestamp == "99991231T235959Z")
        #expect(AmzDate(Date(timeIntervalSince1970: -1e300)).timestamp == "00000101T000000Z")
        #expect(AmzDate(Date(timeIntervalSince1970: .nan)).timestamp == "19700101T000000Z")
    }

    @Test func fractionalSecondsRoundDown() {
        #expect(AmzDate(Date(timeIntervalSince1970: 59.999)).timestamp == "19700101T000059Z")
    }

    @Test(arguments: ["", "20150830", "20150830T123600", "2015083xT123600Z", "20150830 123600Z"])
    func rejectsMalformedTimestamps(_ text: String) {
        #expect(AmzDate(timestamp: text) == nil)
    }
}
