import RoleKitSigning

/// `name=value&…` pairs of a query string or a form body, percent-decoded.
enum QueryString {
    /// The most pairs read from one query string or form body; the rest are ignored.
    static let maximumItems = 1000

    /// - Parameter plusIsSpace: Form bodies (`application/x-www-form-urlencoded`) write spaces as `+`.
    ///
    /// Total over any input: an item without `=` (or with an empty name) is kept with an empty
    /// value, nothing is indexed without a bounds check.
    static func items(_ text: String, plusIsSpace: Bool = false) -> [(String, String)] {
        func decode(_ part: Substring) -> String {
            String(decoding: URIEncoding.decode(plusIsSpace ? Substring(part.replacing("+", with: "%20")) : part), as: UTF8.self)
        }
        return text.split(separator: "&").prefix(maximumItems).map { item in
            guard let equals = item.firstIndex(of: "=") else { return (decode(item), "") }
            return (decode(item[..<equals]), decode(item[item.index(after: equals)...]))
        }
    }
}
