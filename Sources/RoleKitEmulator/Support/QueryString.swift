import RoleKitSigning

/// `name=value&…` pairs of a query string or a form body, percent-decoded.
enum QueryString {
    /// - Parameter plusIsSpace: Form bodies (`application/x-www-form-urlencoded`) write spaces as `+`.
    static func items(_ text: String, plusIsSpace: Bool = false) -> [(String, String)] {
        text.split(separator: "&").map { item in
            let pair = item.split(separator: "=", maxSplits: 1)
            func decode(_ part: Substring) -> String {
                String(decoding: URIEncoding.decode(plusIsSpace ? Substring(part.replacing("+", with: "%20")) : part), as: UTF8.self)
            }
            return (decode(pair[0]), pair.count > 1 ? decode(pair[1]) : "")
        }
    }
}
