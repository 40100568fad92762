/// A parsed XML element: name, text and children. AWS query-protocol responses are small, so a
/// tree is simple; ``XMLReader`` builds it within fixed bounds.
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

    /// Parses `bytes` with ``XMLReader``; `nil` when they are not well-formed UTF-8 XML, use a
    /// DTD or processing instructions, or exceed ``maximumBytes``, ``maximumDepth`` or
    /// ``maximumNodes``.
    public static func parse(_ bytes: [UInt8]) -> XMLNode? {
        try? XMLReader.parse(bytes)
    }
}
