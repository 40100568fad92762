/// A bounded, non-validating reader for the XML that AWS query-protocol services (STS, IAM)
/// answer with: one root element, nested elements, attributes (read and dropped), character
/// data, the five predefined entities, character references, CDATA sections, comments and an
/// XML declaration at the very start.
///
/// It refuses everything an AWS answer never contains and a hostile one could use: document
/// type declarations (so no entity expansion), processing instructions, encodings other than
/// UTF-8, characters XML forbids, and documents over the byte, depth or element bounds. One
/// pass over the bytes, no recursion, no allocation beyond the tree it returns.
///
/// RoleKit reads XML with this instead of Foundation's `XMLParser`: that parser brings in
/// libxml2 and ICU (tens of MiB in a static binary, a millisecond of start-up), and fuzzing
/// found inputs that stopped the process inside it.
struct XMLReader {
    enum Failure: Error { case malformed, tooLarge }

    private let bytes: [UInt8]
    private var index = 0
    private var stack: [(name: String, text: [UInt8], children: [XMLNode])] = []
    private var root: XMLNode?
    private var elements = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The root element of `bytes`.
    static func parse(_ bytes: [UInt8]) throws(Failure) -> XMLNode {
        guard bytes.count <= XMLNode.maximumBytes else { throw .tooLarge }
        var reader = XMLReader(bytes)
        return try reader.document()
    }

    // MARK: Document structure

    private mutating func document() throws(Failure) -> XMLNode {
        // Valid UTF-8 only; every scalar must be an XML `Char`.
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed }
        for scalar in text.unicodeScalars where !Self.isXMLChar(scalar.value) { throw .malformed }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        if starts(with: "<?xml"), index + 5 < bytes.count, Self.isSpace(bytes[index + 5]) { try declaration() }
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isSpace(byte) {
                index += 1
            } else if starts(with: "<!--") {
                try comment()
            } else if byte == UInt8(ascii: "<"), root == nil, stack.isEmpty {
                try content()
            } else {
                // Text outside the root, a second root, `<!DOCTYPE`, `<?pi?>`: not in an AWS answer.
                throw .malformed
            }
        }
        guard let root else { throw .malformed }
        return root
    }

    /// `<?xml version="1.0" encoding="UTF-8"?>`: the encoding, when named, must be UTF-8.
    private mutating func declaration() throws(Failure) {
        guard let end = find("?>", from: index) else { throw .malformed }
        let inner = String(decoding: bytes[(index + 5)..<end], as: UTF8.self)
        index = end + 2
        let words = inner.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "=" })
        guard words.first == "version", words.count >= 2 else { throw .malformed }
        if let position = words.firstIndex(of: "encoding") {
            guard position + 1 < words.count else { throw .malformed }
            let value = words[position + 1].lowercased()
            guard value == "\"utf-8\"" || value == "'utf-8'" else { throw .malformed }
        }
    }

    /// The root element and everything in it, without recursion.
    private mutating func content() throws(Failure) {
        repeat {
            guard index < bytes.count else { throw .malformed }
            if bytes[index] != UInt8(ascii: "<") {
                try characterData()
            } else if starts(with: "</") {
                try endTag()
            } else if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<![CDATA[") {
                try cdata()
            } else if starts(with: "<!") || starts(with: "<?") {
                throw .malformed
            } else {
                try startTag()
            }
        } while !stack.isEmpty
    }

    private mutating func startTag() throws(Failure) {
        index += 1
        let name = try self.name()
        var attributes: Set<String> = []
        while true {
            let hadSpace = skipSpace()
            guard index < bytes.count else { throw .malformed }
            if bytes[index] == UInt8(ascii: ">") {
                index += 1
                try open(name)
                return
            }
            if starts(with: "/>") {
                index += 2
                try open(name)
                close()
                return
            }
            // An attribute: name = "value" (or 'value'), after white space; each name once.
            guard hadSpace else { throw .malformed }
            let attribute = try self.name()
            guard attributes.insert(attribute).inserted else { throw .malformed }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw .malformed }
            index += 1
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { throw .malformed }
            let quote = bytes[index]
            index += 1
            while true {
                guard index < bytes.count else { throw .malformed }
                let byte = bytes[index]
                if byte == quote { index += 1; break }
                if byte == UInt8(ascii: "<") { throw .malformed }
                if byte == UInt8(ascii: "&") {
                    var discarded: [UInt8] = []
                    try reference(into: &discarded)
                } else {
                    index += 1
                }
            }
        }
    }

    private mutating func endTag() throws(Failure) {
        index += 2
        let name = try self.name()
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ">"), let open = stack.last, open.name == name else { throw .malformed }
        index += 1
        close()
    }

    private mutating func open(_ name: String) throws(Failure) {
        elements += 1
        guard stack.count < XMLNode.maximumDepth, elements <= XMLNode.maximumNodes else { throw .tooLarge }
        stack.append((name, [], []))
    }

    private mutating func close() {
        guard let element = stack.popLast() else { return }
        var text = String(decoding: element.text, as: UTF8.self)
        // As before with XMLParser: an element with children keeps its text without the
        // indentation around them.
        if !element.children.isEmpty { text = Self.trimmingSpace(text) }
        let node = XMLNode(name: element.name, text: text, children: element.children)
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
    }

    // MARK: Text

    private mutating func characterData() throws(Failure) {
        var text: [UInt8] = []
        while index < bytes.count, bytes[index] != UInt8(ascii: "<") {
            let byte = bytes[index]
            if byte == UInt8(ascii: "&") {
                try reference(into: &text)
            } else if byte == UInt8(ascii: "\r") {
                // End-of-line handling (XML 1.0 §2.11): CR LF and a lone CR become LF.
                text.append(UInt8(ascii: "\n"))
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "\n") { index += 1 }
            } else {
                // `]]>` may not appear in character data.
                if byte == UInt8(ascii: "]"), starts(with: "]]>") { throw .malformed }
                text.append(byte)
                index += 1
            }
        }
        appendText(text)
    }

    private mutating func cdata() throws(Failure) {
        let start = index + 9
        guard let end = find("]]>", from: start) else { throw .malformed }
        var text: [UInt8] = []
        text.reserveCapacity(end - start)
        var position = start
        while position < end {
            if bytes[position] == UInt8(ascii: "\r") {
                text.append(UInt8(ascii: "\n"))
                if position + 1 < end, bytes[position + 1] == UInt8(ascii: "\n") { position += 1 }
            } else {
                text.append(bytes[position])
            }
            position += 1
        }
        index = end + 3
        appendText(text)
    }

    private mutating func appendText(_ text: [UInt8]) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += text
    }

    /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xH;`; any other entity is undefined
    /// (there is no DTD) and so an error.
    private mutating func reference(into text: inout [UInt8]) throws(Failure) {
        // The longest reference is `&#x10FFFF;` with leading zeros bounded to a few characters.
        guard let end = bytes[index..<min(bytes.count, index + 16)].firstIndex(of: UInt8(ascii: ";")) else { throw .malformed }
        let body = bytes[(index + 1)..<end]
        index = end + 1
        switch String(decoding: body, as: UTF8.self) {
        case "lt": text.append(UInt8(ascii: "<"))
        case "gt": text.append(UInt8(ascii: ">"))
        case "amp": text.append(UInt8(ascii: "&"))
        case "quot": text.append(UInt8(ascii: "\""))
        case "apos": text.append(UInt8(ascii: "'"))
        case let reference where reference.hasPrefix("#"):
            var digits = reference.dropFirst()
            var radix = 10
            if digits.first == "x" {
                digits = digits.dropFirst()
                radix = 16
            }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isHexDigit && (radix == 16 || $0.isNumber) }),
                let value = UInt32(digits, radix: radix), Self.isXMLChar(value), let scalar = Unicode.Scalar(value)
            else { throw .malformed }
            text += Array(String(Character(scalar)).utf8)
        default:
            throw .malformed
        }
    }

    private mutating func comment() throws(Failure) {
        // `<!--` … `-->`, with no `--` inside.
        guard let end = find("--", from: index + 4), end + 2 < bytes.count, bytes[end + 2] == UInt8(ascii: ">") else { throw .malformed }
        index = end + 3
    }

    // MARK: Lexical pieces

    /// An XML `Name` (qualified names keep their prefix: `ns:Element`).
    private mutating func name() throws(Failure) -> String {
        let start = index
        var position = index
        while position < bytes.count {
            let byte = bytes[position]
            if byte < 0x80 {
                let ascii = Character(Unicode.Scalar(byte))
                let isStart = ascii.isLetter || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
                let isName = isStart || ascii.isNumber || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                guard position == start ? isStart : isName else { break }
                position += 1
            } else {
                // A multi-byte scalar (the input is valid UTF-8): check it against the XML ranges.
                var length = 1
                while position + length < bytes.count, bytes[position + length] & 0xC0 == 0x80 { length += 1 }
                guard let scalar = String(decoding: bytes[position..<(position + length)], as: UTF8.self).unicodeScalars.first,
                    position == start ? Self.isNameStart(scalar.value) : Self.isNameChar(scalar.value)
                else { break }
                position += length
            }
        }
        guard position > start, position - start <= 256 else { throw .malformed }
        index = position
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = index
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        return index > start
    }

    private func starts(with literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { buffer in
            for offset in 0..<count where bytes[index + offset] != buffer[offset] { return false }
            return true
        }
    }

    private func find(_ literal: StaticString, from start: Int) -> Int? {
        let count = literal.utf8CodeUnitCount
        return literal.withUTF8Buffer { buffer -> Int? in
            guard let first = buffer.first, start <= bytes.count else { return nil }
            var position = start
            while position + count <= bytes.count {
                if bytes[position] == first {
                    var matches = true
                    for offset in 1..<count where bytes[position + offset] != buffer[offset] {
                        matches = false
                        break
                    }
                    if matches { return position }
                }
                position += 1
            }
            return nil
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func trimmingSpace(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[first...last])
    }

    /// XML 1.0 `Char`.
    private static func isXMLChar(_ value: UInt32) -> Bool {
        switch value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// XML 1.0 (fifth edition) `NameStartChar` outside ASCII.
    private static func isNameStart(_ value: UInt32) -> Bool {
        switch value {
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D, 0x2070...0x218F,
            0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x10000...0xEFFFF:
            true
        default: false
        }
    }

    /// XML 1.0 (fifth edition) `NameChar` outside ASCII.
    private static func isNameChar(_ value: UInt32) -> Bool {
        isNameStart(value) || value == 0xB7 || (0x300...0x36F).contains(value) || (0x203F...0x2040).contains(value)
    }
}
