extension JSONValue: Decodable {
    /// Any JSON value. Whole numbers that fit an `Int` decode as ``int(_:)``, others as
    /// ``double(_:)``; object members come in the decoder's order (sort them where it matters).
    package init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            while !array.isAtEnd { values.append(try array.decode(JSONValue.self)) }
            self = .array(values)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            self = .object(try object.allKeys.map { Member($0.stringValue, try object.decode(JSONValue.self, forKey: $0)) })
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int.self) {
            self = .int(value)
        } else if let value = try? single.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    /// The member `name` of an object; `nil` for a missing member or a value that is not an object.
    package subscript(_ name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.name == name }?.value
    }

    /// The same value with every object's members sorted by code point (Python's `sort_keys`).
    package var sortingKeys: JSONValue {
        switch self {
        case .array(let items): return .array(items.map(\.sortingKeys))
        case .object(let members):
            return .object(
                members.map { Member($0.name, $0.value.sortingKeys) }
                    .sorted { $0.name.unicodeScalars.map(\.value).lexicographicallyPrecedes($1.name.unicodeScalars.map(\.value)) }
            )
        default: return self
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
