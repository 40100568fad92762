import RoleKitSupport
/// AWS region names as botocore accepts them: 1–63 letters, digits and hyphens, neither
/// starting nor ending with a hyphen, and not digits only.
///
/// Every region that reaches a host name (flags, `AWS_REGION`, config values, ARNs) is checked
/// here first, so an odd value is an error that names its origin, never a malformed URL.
package enum RegionName {
    package static func isValid(_ region: some StringProtocol) -> Bool {
        let bytes = Array(region.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        var allDigits = true
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): continue
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "-"): allDigits = false
            default: return false
            }
        }
        return !allDigits
    }

    /// The message for an invalid region from `origin` (a flag, a variable, a file).
    package static func problem(_ region: some StringProtocol, origin: String) -> String {
        "the region \"\(SafeText.excerpt(region, limit: 70))\" from \(origin) is not a region name (letters, digits and hyphens, like eu-west-1)"
    }
}
