import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: name, text and children. AWS query-protocol responses are small, so a
/// tree built with Foundation's `XMLParser` (libxml2) is simple and safe.
public struct XMLNode: Sendable, Hashable {
    public var name: String
    public var text: String
    public var children: [XMLNode]

    /// The first child named `name`.
    public subscript(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// The text of the element at `path` (child names), if present.
    public func value(_ path: String...) -> String? {
        var node = self
        for name in path {
            guard let child = node[name] else { return nil }
            node = child
        }
        return node.text
    }

    /// Children named `name`.
    public func all(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// Bounds on what ``parse(_:)`` accepts: AWS query-protocol answers are a few KiB, a few
    /// levels deep and a few dozen elements.
    public static let maximumBytes = 1 << 20
    public static let maximumDepth = 32
    public static let maximumNodes = 10_000

    /// Parses `bytes`; `nil` when they are not well-formed UTF-8 XML, use a DTD, or exceed
    /// ``maximumBytes``, ``maximumDepth`` or ``maximumNodes``.
    public static func parse(_ bytes: [UInt8]) -> XMLNode? {
        guard bytes.count <= maximumBytes else { return nil }
        // AWS answers are UTF-8. Anything else is refused before Foundation's parser, which
        // stops the process on an element name that is not valid UTF-8 (found by fuzzing:
        // Tests/Fixtures/fuzz-regressions/sts-xml). A declaration naming another encoding
        // would make libxml2 re-decode the bytes, so it is refused too.
        guard String(validating: bytes, as: UTF8.self) != nil else { return nil }
        if let declarationEnd = bytes.firstIndex(of: UInt8(ascii: ">")), bytes.starts(with: Array("<?xml".utf8)) {
            let declaration = String(decoding: bytes[..<declarationEnd], as: UTF8.self).lowercased()
            if declaration.contains("encoding"), !(declaration.contains("\"utf-8\"") || declaration.contains("'utf-8'")) { return nil }
        }
        // No DTDs (and so no entity expansion) in an AWS answer.
        if bytes.firstRange(of: Array("<!DOCTYPE".utf8)) != nil || bytes.firstRange(of: Array("<!ENTITY".utf8)) != nil { return nil }
        // No processing instructions either, but the declaration at the very start: Foundation's
        // parser reads past a NULL on one without data (`<?x?>`, found by fuzzing:
        // Tests/Fixtures/fuzz-regressions/sts-xml/crash-bf1896cd…).
        let declaration = Array("<?xml ".utf8)
        let body = bytes.starts(with: declaration) ? Array(bytes.dropFirst(declaration.count)) : bytes
        if body.firstRange(of: Array("<?".utf8)) != nil { return nil }
        let parser = XMLParser(data: Data(bytes))
        let builder = Builder()
        parser.delegate = builder
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), !builder.exceeded, let root = builder.root else { return nil }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLNode] = []
        var root: XMLNode?
        var nodes = 0
        var exceeded = false

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            nodes += 1
            guard !exceeded, stack.count < XMLNode.maximumDepth, nodes <= XMLNode.maximumNodes else {
                exceeded = true
                parser.abortParsing()
                return
            }
            stack.append(XMLNode(name: elementName, text: "", children: []))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !exceeded, !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard !exceeded else { return }
            guard var node = stack.popLast() else { return }
            if !node.children.isEmpty { node.text = node.text.trimmingCharacters(in: .whitespacesAndNewlines) }
            if stack.isEmpty {
                root = node
            } else {
                stack[stack.count - 1].children.append(node)
            }
        }
    }
}
