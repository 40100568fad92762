public import FoundationEssentials
import RoleKitSigning
import RoleKitSupport

/// An INI file read as botocore reads `~/.aws/config` and `~/.aws/credentials` (Python's
/// `RawConfigParser`): `#`/`;` full-line comments, option names lowercased, values stripped,
/// indented lines continuing the previous value (which makes nested sub-sections such as
/// `s3 =` followed by indented `key = value` lines), CRLF accepted. Inline comments are part of
/// the value, as in botocore. A duplicate section or option, or a UTF-8 byte order mark, is an
/// error, as in botocore (which then fails the whole file).
public struct INIFile: Sendable, Hashable {
    /// A value: plain text, or a nested sub-section.
    public enum Value: Sendable, Hashable {
        case text(String)
        case nested([String: String])

        public var text: String? {
            if case .text(let value) = self { return value }
            return nil
        }
    }

    /// Sections in file order, each with its options.
    public var sections: [(name: String, values: [String: Value])]

    public static func == (lhs: INIFile, rhs: INIFile) -> Bool {
        lhs.sections.map(\.name) == rhs.sections.map(\.name) && zip(lhs.sections, rhs.sections).allSatisfy { $0.values == $1.values }
    }

    public func hash(into hasher: inout Hasher) {
        for section in sections { hasher.combine(section.name) }
    }

    public subscript(section: String) -> [String: Value]? {
        sections.first { $0.name == section }?.values
    }

    /// Parses `text`; `path` is only for messages.
    public static func parse(_ text: String, path: String = "<config>") throws(CredentialsError) -> INIFile {
        let body = Substring(text)
        if body.hasPrefix("\u{FEFF}") {
            throw CredentialsError(.malformed, "\(path) starts with a UTF-8 byte order mark, which the AWS CLI and SDKs cannot read; save it as UTF-8 without BOM")
        }
        var sections: [(name: String, values: [String: Value])] = []
        // Names seen so far: a set, so a file of many sections parses in linear time.
        var seenSections: Set<String> = []
        var rawValues: [String: String] = [:]
        var optionOrder: [String] = []
        var currentSection: String?
        var currentOption: String?
        var currentIndent = 0

        func finishSection() throws(CredentialsError) {
            guard let name = currentSection else { return }
            var values: [String: Value] = [:]
            for option in optionOrder {
                let raw = rawValues[option] ?? ""
                if raw.hasPrefix("\n") {
                    // botocore's _parse_nested splits each line at "=": a line without one is
                    // its ConfigParseError.
                    guard let nested = parseNested(raw) else {
                        throw CredentialsError(.malformed, "\(path): \(SafeText.excerpt(option, limit: 64)) in [\(SafeText.excerpt(name, limit: 64))] has a nested line without \"name = value\"")
                    }
                    values[option] = .nested(nested)
                } else {
                    values[option] = .text(raw)
                }
            }
            sections.append((name, values))
        }

        for (index, rawLine) in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).enumerated() {
            let line = String(rawLine)
            let lineNumber = index + 1
            let stripped = line.trimmingWhitespace()
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if stripped.isEmpty {
                // A blank line inside a value keeps the value going in Python; trailing blanks
                // are stripped at the end, so it can be ignored here.
                continue
            }
            if stripped.hasPrefix("#") || stripped.hasPrefix(";") {
                if indent > 0, currentOption != nil, indent > currentIndent {
                    // An indented comment line inside a continuation is skipped, like Python.
                    continue
                }
                continue
            }
            if let option = currentOption, indent > currentIndent {
                rawValues[option, default: ""] += "\n" + stripped
                continue
            }
            // Python's section pattern, \[(.+)\] from the line's start: the name runs to the last
            // "]", and what follows it ("[default] ; main") is ignored.
            if stripped.hasPrefix("["), let close = stripped.lastIndex(of: "]"), stripped.index(after: stripped.startIndex) < close {
                let name = String(stripped[stripped.index(after: stripped.startIndex)..<close])
                try finishSection()
                guard seenSections.insert(name).inserted else {
                    throw CredentialsError(.malformed, "\(path) line \(lineNumber): section [\(SafeText.excerpt(name, limit: 64))] appears twice")
                }
                currentSection = name
                rawValues = [:]
                optionOrder = []
                currentOption = nil
                continue
            }
            guard currentSection != nil else {
                throw CredentialsError(.malformed, "\(path) line \(lineNumber): a setting before any [section] header")
            }
            guard let separator = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw CredentialsError(.malformed, "\(path) line \(lineNumber): expected \"name = value\"")
            }
            let name = String(stripped[..<separator]).trimmingWhitespace().lowercased()
            let value = String(stripped[stripped.index(after: separator)...]).trimmingWhitespace()
            guard !name.isEmpty else { throw CredentialsError(.malformed, "\(path) line \(lineNumber): a setting without a name") }
            if rawValues[name] != nil {
                throw CredentialsError(.malformed, "\(path) line \(lineNumber): \(SafeText.excerpt(name, limit: 64)) is set twice in [\(SafeText.excerpt(currentSection ?? "", limit: 64))]")
            }
            rawValues[name] = value
            optionOrder.append(name)
            currentOption = name
            currentIndent = indent
        }
        try finishSection()
        return INIFile(sections: Self.applyingDefaultSection(sections))
    }

    /// configparser's `[DEFAULT]`: not a section of its own, its values are every section's
    /// unless the section sets them.
    static func applyingDefaultSection(_ sections: [(name: String, values: [String: Value])]) -> [(name: String, values: [String: Value])] {
        guard let defaults = sections.first(where: { $0.name == "DEFAULT" })?.values else { return sections }
        return sections.filter { $0.name != "DEFAULT" }.map { section in
            (section.name, section.values.merging(defaults) { own, _ in own })
        }
    }

    /// botocore's `_parse_nested`: `key = value` lines, names lowercased; `nil` for a line
    /// without `=`.
    static func parseNested(_ raw: String) -> [String: String]? {
        var result: [String: String] = [:]
        for line in raw.split(separator: "\n") where !line.trimmingWhitespace().isEmpty {
            guard let separator = line.firstIndex(of: "=") else { return nil }
            let name = String(line[..<separator]).trimmingWhitespace().lowercased()
            let value = String(line[line.index(after: separator)...]).trimmingWhitespace()
            result[name] = value
        }
        return result
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
