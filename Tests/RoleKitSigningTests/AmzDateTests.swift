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

    @Test func fractionalSecondsRoundDown() {
        #expect(AmzDate(Date(timeIntervalSince1970: 59.999)).timestamp == "19700101T000059Z")
    }

    @Test(arguments: ["", "20150830", "20150830T123600", "2015083xT123600Z", "20150830 123600Z"])
    func rejectsMalformedTimestamps(_ text: String) {
        #expect(AmzDate(timestamp: text) == nil)
    }
}
