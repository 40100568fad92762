/// The package's one JSON writer and string quoter (RFC 8259). Layouts: ``compact`` (no
/// spaces, non-ASCII kept), ``python`` (Python's `json.dumps` defaults: `", "` and `": "`,
/// non-ASCII as `\uXXXX` with surrogate pairs, `/` not escaped), which botocore's cache keys
/// hash, and ``pretty(indent:memberSeparator:)`` (one member or item a line, as the AWS CLI
/// prints).
package struct JSONWriter: Sendable {
    package var itemSeparator: String
    package var memberSeparator: String
    /// Escape every scalar above U+007E as `\uXXXX` (Python's `ensure_ascii`).
    package var asciiOnly: Bool
    /// One member or item a line, each level indented by this much more.
    package var indent: String?

    package init(itemSeparator: String, memberSeparator: String, asciiOnly: Bool, indent: String? = nil) {
        self.itemSeparator = itemSeparator
        self.memberSeparator = memberSeparator
        self.asciiOnly = asciiOnly
        self.indent = indent
    }

    /// `{"a":1,"b":[true]}`.
    package static let compact = JSONWriter(itemSeparator: ",", memberSeparator: ":", asciiOnly: false)
    /// `{"a": 1, "b": [true]}`, non-ASCII kept.
    package static let spaced = JSONWriter(itemSeparator: ", ", memberSeparator: ": ", asciiOnly: false)
    /// `{"a": 1, "b": [true]}` with non-ASCII escaped, as Python writes it.
    package static let python = JSONWriter(itemSeparator: ", ", memberSeparator: ": ", asciiOnly: true)
    /// Indented, one member a line: `{\n    "a": 1\n}` with the defaults.
    package static func pretty(indent: String = "    ", memberSeparator: String = ": ") -> JSONWriter {
        JSONWriter(itemSeparator: ",", memberSeparator: memberSeparator, asciiOnly: false, indent: indent)
    }

    package func render(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out, level: 0)
        return out
    }

    /// `text` as a JSON string literal, quotes included.
    package func quote(_ text: String) -> String {
        var out = ""
        quote(text, into: &out)
        return out
    }

    private func write(_ value: JSONValue, into out: inout String, level: Int) {
        switch value {
        case .string(let text): quote(text, into: &out)
        case .int(let number): out += String(number)
        case .double(let number): out += number.isFinite ? "\(number)" : (number.isNaN ? "NaN" : (number > 0 ? "Infinity" : "-Infinity"))
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += itemSeparator }
                newline(into: &out, level: level + 1)
                write(item, into: &out, level: level + 1)
            }
            if !items.isEmpty { newline(into: &out, level: level) }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += itemSeparator }
                newline(into: &out, level: level + 1)
                quote(member.name, into: &out)
                out += memberSeparator
                write(member.value, into: &out, level: level + 1)
            }
            if !members.isEmpty { newline(into: &out, level: level) }
            out += "}"
        }
    }

    private func newline(into out: inout String, level: Int) {
        guard let indent else { return }
        out += "\n" + String(repeating: indent, count: level)
    }

    private func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let value = scalar.value - 0x10000
                        Self.escape(0xD800 + (value >> 10), into: &out)
                        Self.escape(0xDC00 + (value & 0x3FF), into: &out)
                    } else {
                        Self.escape(scalar.value, into: &out)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func escape(_ value: UInt32, into out: inout String) {
        let digits = String(value, radix: 16)
        out += "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
