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
        let marker = Array("-----BEGIN ".utf8)
        guard bytes.count >= marker.count else { return false }
        return (0...(bytes.count - marker.count)).contains { bytes[$0..<($0 + marker.count)].elementsEqual(marker) }
    }

    /// Splits a PEM file into blocks.
    public static func parse(_ bytes: [UInt8]) throws(IdentityError) -> [PEMBlock] {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var blocks: [PEMBlock] = []
        var current: (label: String, lines: [Substring])?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmed
            if let label = Self.label(of: line, marker: "BEGIN") {
                if let open = current {
                    throw IdentityError(.unterminatedPEM, "PEM block \(blocks.count + 1) (\(open.label)) has no END line before the next BEGIN; the file is truncated or two files were joined badly")
                }
                current = (String(label), [])
            } else if let label = Self.label(of: line, marker: "END") {
                guard let open = current else {
                    throw IdentityError(.malformedPEM, "an END \(label) line has no matching BEGIN line")
                }
                guard open.label == label else {
                    throw IdentityError(.malformedPEM, "PEM block \(blocks.count + 1) begins as \(open.label) but ends as \(label)")
                }
                blocks.append(try Self.decode(label: open.label, lines: open.lines, index: blocks.count + 1))
                current = nil
            } else if current != nil {
                current!.lines.append(Substring(line))
            }
        }
        if let open = current {
            throw IdentityError(.unterminatedPEM, "PEM block \(blocks.count + 1) (\(open.label)) has no END line; the file looks truncated")
        }
        return blocks
    }

    private static func label(of line: String, marker: String) -> Substring? {
        let prefix = "-----\(marker) "
        guard line.hasPrefix(prefix), line.hasSuffix("-----"), line.count > prefix.count + 5 else { return nil }
        return line.dropFirst(prefix.count).dropLast(5)
    }

    private static func decode(label: String, lines: [Substring], index: Int) throws(IdentityError) -> PEMBlock {
        var headers: [String: String] = [:]
        var bodyLines = lines[...]
        // RFC 1421 headers come first and end with a blank line.
        if let first = bodyLines.first, first.contains(":") {
            while let line = bodyLines.first, !line.isEmpty {
                bodyLines = bodyLines.dropFirst()
                if let colon = line.firstIndex(of: ":") {
                    let name = line[..<colon].trimmed
                    headers[name] = line[line.index(after: colon)...].trimmed
                }
            }
        }
        let base64 = bodyLines.joined()
        guard !base64.isEmpty else {
            throw IdentityError(.invalidBase64, "PEM block \(index) (\(label)) is empty")
        }
        guard let data = Data(base64Encoded: base64) else {
            throw IdentityError(.invalidBase64, "PEM block \(index) (\(label)) is not valid base64; the file is damaged or truncated")
        }
        return PEMBlock(label: label, headers: headers, der: Array(data), index: index)
    }
}
