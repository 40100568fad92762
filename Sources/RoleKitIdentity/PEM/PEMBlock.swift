import FoundationEssentials

/// One `-----BEGIN LABEL-----` … `-----END LABEL-----` block, with its RFC 1421 headers
/// (`Proc-Type`, `DEK-Info`) and decoded body.
///
/// swift-asn1's `PEMDocument` does not keep headers, which legacy encrypted keys need, so files
/// are split here; text outside blocks (comments in bundles) is ignored.
public struct PEMBlock: Sendable, Hashable {
    public var label: String
    public var headers: [String: String]
    public var der: [UInt8]
    /// The block's position in the file, from 1 (for messages).
    public var index: Int

    /// Whether `bytes` look like PEM at all (contain a BEGIN line).
    static func looksLikePEM(_ bytes: [UInt8]) -> Bool {
        bytes.firstRange(of: Array("-----BEGIN ".utf8)) != nil
    }

    /// The most blocks read from one file.
    public static let maximumBlocks = 1000

    /// Splits a PEM file into blocks.
    ///
    /// Markers are found anywhere, not only at line starts, and lines may end in `\n`, `\r\n` or
    /// `\r`, so a file whose line breaks were lost or turned into spaces still reads. Labels
    /// must have RFC 7468's shape (capital letters and digits in words, at most 64 characters);
    /// messages show a label only when it has that shape and never show a block's body.
    public static func parse(_ bytes: [UInt8]) throws(IdentityError) -> [PEMBlock] {
        var bytes = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let begin = Array("-----BEGIN ".utf8)
        let end = Array("-----END ".utf8)
        let dashes = Array("-----".utf8)
        var blocks: [PEMBlock] = []
        var position = bytes.startIndex
        while true {
            let nextBegin = find(begin, in: bytes, from: position)
            // An END before the next BEGIN (or with no BEGIN left) has no BEGIN of its own.
            if let strayEnd = find(end, in: bytes, from: position), strayEnd < (nextBegin ?? bytes.endIndex) {
                let label = labelText(bytes, after: strayEnd + end.count, dashes: dashes)
                throw IdentityError(.malformedPEM, "an END\(label.map { " \($0)" } ?? "") line has no matching BEGIN line")
            }
            guard let blockStart = nextBegin else { break }
            guard blocks.count < maximumBlocks else {
                throw IdentityError(.malformedPEM, "the file has more than \(maximumBlocks) PEM blocks")
            }
            let index = blocks.count + 1
            let labelStart = blockStart + begin.count
            guard let labelEnd = find(dashes, in: bytes, from: labelStart), let label = validLabel(bytes[labelStart..<labelEnd]) else {
                throw IdentityError(.malformedPEM, "PEM block \(index) has a malformed BEGIN line (its label is not like CERTIFICATE or PRIVATE KEY); the file is damaged")
            }
            let bodyStart = labelEnd + dashes.count
            let closing = find(end, in: bytes, from: bodyStart)
            if let another = find(begin, in: bytes, from: bodyStart), another < (closing ?? bytes.endIndex) {
                throw IdentityError(.unterminatedPEM, "PEM block \(index) (\(label)) has no END line before the next BEGIN; the file is truncated or two files were joined badly")
            }
            guard let closing else {
                throw IdentityError(.unterminatedPEM, "PEM block \(index) (\(label)) has no END line; the file looks truncated")
            }
            let endLabelStart = closing + end.count
            guard let endLabelEnd = find(dashes, in: bytes, from: endLabelStart) else {
                throw IdentityError(.unterminatedPEM, "PEM block \(index) (\(label)) has an incomplete END line; the file looks truncated")
            }
            guard let endLabel = validLabel(bytes[endLabelStart..<endLabelEnd]) else {
                throw IdentityError(.malformedPEM, "PEM block \(index) (\(label)) has a malformed END line")
            }
            guard endLabel == label else {
                throw IdentityError(.malformedPEM, "PEM block \(index) begins as \(label) but ends as \(endLabel)")
            }
            blocks.append(try decode(label: label, body: bytes[bodyStart..<closing], index: index))
            position = endLabelEnd + dashes.count
        }
        return blocks
    }

    /// The first index of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>, from start: Int) -> Int? {
        guard start >= haystack.startIndex, start <= haystack.endIndex else { return nil }
        return haystack[start...].firstRange(of: needle)?.lowerBound
    }

    /// `label` when it has RFC 7468's shape: words of capital letters and digits separated by
    /// one space or hyphen, 1-64 characters.
    static func validLabel(_ label: ArraySlice<UInt8>) -> String? {
        guard (1...64).contains(label.count), let first = label.first, let last = label.last else { return nil }
        func isWordByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        guard isWordByte(first), isWordByte(last) else { return nil }
        var previousSeparator = false
        for byte in label {
            if isWordByte(byte) {
                previousSeparator = false
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-") {
                if previousSeparator { return nil }
                previousSeparator = true
            } else {
                return nil
            }
        }
        return String(decoding: label, as: UTF8.self)
    }

    /// The label after a marker, for a message: only when it has the strict shape.
    private static func labelText(_ bytes: ArraySlice<UInt8>, after start: Int, dashes: [UInt8]) -> String? {
        guard let labelEnd = find(dashes, in: bytes, from: start) else { return nil }
        return validLabel(bytes[start..<labelEnd])
    }

    private static func decode(label: String, body: ArraySlice<UInt8>, index: Int) throws(IdentityError) -> PEMBlock {
        // Lines end in \n, \r\n or \r.
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = body.startIndex
        var cursor = body.startIndex
        while cursor < body.endIndex {
            let byte = body[cursor]
            if byte == 0x0A || byte == 0x0D {
                lines.append(body[lineStart..<cursor])
                if byte == 0x0D, cursor + 1 < body.endIndex, body[cursor + 1] == 0x0A { cursor += 1 }
                lineStart = cursor + 1
            }
            cursor += 1
        }
        lines.append(body[lineStart..<body.endIndex])
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func trim(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            var line = line
            while let first = line.first, isSpace(first) { line = line.dropFirst() }
            while let last = line.last, isSpace(last) { line = line.dropLast() }
            return line
        }
        var remaining = lines.map(trim)[...]
        while let first = remaining.first, first.isEmpty { remaining = remaining.dropFirst() }
        var headers: [String: String] = [:]
        // RFC 1421 headers come first and end with a blank line.
        if let first = remaining.first, first.contains(UInt8(ascii: ":")) {
            while let line = remaining.first, !line.isEmpty {
                remaining = remaining.dropFirst()
                guard headers.count < 16, let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                    throw IdentityError(.malformedPEM, "PEM block \(index) (\(label)) has malformed headers")
                }
                let name = String(decoding: trim(line[..<colon]), as: UTF8.self)
                headers[name] = String(decoding: trim(line[(colon + 1)...]), as: UTF8.self)
            }
        }
        var base64: [UInt8] = []
        base64.reserveCapacity(body.count)
        for line in remaining {
            for byte in line where !isSpace(byte) {
                guard isBase64Byte(byte) else {
                    throw IdentityError(.invalidBase64, "PEM block \(index) (\(label)) is not valid base64; the file is damaged or truncated")
                }
                base64.append(byte)
            }
        }
        guard !base64.isEmpty else {
            throw IdentityError(.invalidBase64, "PEM block \(index) (\(label)) is empty")
        }
        guard let data = Data(base64Encoded: Data(base64)) else {
            throw IdentityError(.invalidBase64, "PEM block \(index) (\(label)) is not valid base64; the file is damaged or truncated")
        }
        return PEMBlock(label: label, headers: headers, der: Array(data), index: index)
    }

    private static func isBase64Byte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
    }
}
