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

    /// Parses `bytes`; `nil` when they are not well-formed XML.
    public static func parse(_ bytes: [UInt8]) -> XMLNode? {
        let parser = XMLParser(data: Data(bytes))
        let builder = Builder()
        parser.delegate = builder
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLNode] = []
        var root: XMLNode?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            stack.append(XMLNode(name: elementName, text: "", children: []))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
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
