public import FoundationEssentials
import RoleKitSupport

/// A JSON value serialized exactly as Python's `json.dumps(value, sort_keys=True)` does:
/// `", "` and `": "` separators, keys sorted by code point, `/` not escaped, non-ASCII as
/// `\uXXXX` (surrogate pairs above U+FFFF). Botocore's cache keys are hashes of that text.
public indirect enum PythonJSON: Sendable, Hashable, Decodable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([PythonJSON])
    case object([String: PythonJSON])

    public init(from decoder: any Decoder) throws {
        self.init(try JSONValue(from: decoder))
    }

    init(_ value: JSONValue) {
        switch value {
        case .string(let text): self = .string(text)
        case .int(let number): self = .int(number)
        case .double(let number): self = .double(number)
        case .bool(let flag): self = .bool(flag)
        case .null: self = .null
        case .array(let items): self = .array(items.map(PythonJSON.init))
        case .object(let members): self = .object(Dictionary(members.map { ($0.name, PythonJSON($0.value)) }, uniquingKeysWith: { $1 }))
        }
    }

    /// Parses JSON text (a policy document, say).
    public static func parse(_ text: String) throws -> PythonJSON {
        try JSONDecoder().decode(PythonJSON.self, from: Data(text.utf8))
    }

    /// The `json.dumps(self, sort_keys=True)` text.
    public var dumps: String { JSONWriter.python.render(jsonValue.sortingKeys) }

    var jsonValue: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .int(let number): .int(number)
        case .double(let number): .double(number)
        case .bool(let flag): .bool(flag)
        case .null: .null
        case .array(let items): .array(items.map(\.jsonValue))
        case .object(let members): .object(members.map { JSONValue.Member($0.key, $0.value.jsonValue) })
        }
    }
}
