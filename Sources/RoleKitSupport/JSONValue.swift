/// A JSON value whose object members keep the order they were given in, for outputs whose
/// layout other tools expect (`credential_process`, `read-certificate-data`, botocore's cache
/// keys). Rendered by ``JSONWriter``.
package indirect enum JSONValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([Member])

    /// One member of an object.
    package struct Member: Sendable, Equatable {
        package var name: String
        package var value: JSONValue
        package init(_ name: String, _ value: JSONValue) {
            self.name = name
            self.value = value
        }
    }

    /// An object from `(name, value)` pairs, in their order.
    package static func object(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(pairs.map { Member($0.key, $0.value) })
    }

    /// `.string(text)`, or `.null` when `text` is `nil`.
    package static func string(_ text: String?) -> JSONValue {
        text.map(JSONValue.string) ?? .null
    }
}
