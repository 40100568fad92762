import FoundationEssentials

extension ControlPlaneEmulator {
    /// One page of a `List…` operation and the token of the next.
    struct Page<Item> {
        var items: [Item]
        var nextToken: String?
    }

    /// Reads `nextToken` (opaque: base64 of `KIND:POSITION`) and `pageSize` (1–100, 50 by
    /// default) from `query`.
    func page<T: Decodable>(_ type: T.Type, _ kind: EmulatorStore.Kind, query: [(String, String)]) throws(EmulatorError) -> Page<T> {
        var after: Int64 = 0
        var size = 50
        for (name, value) in query {
            switch name {
            case "nextToken":
                guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8), text.hasPrefix("\(kind.rawValue):"),
                    let position = Int64(text.dropFirst(kind.rawValue.count + 1))
                else { throw EmulatorError.validation("Invalid nextToken") }
                after = position
            case "pageSize":
                guard let number = Int(value), (1...100).contains(number) else {
                    throw EmulatorError.validation("1 validation error detected: Value '\(value)' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 100")
                }
                size = number
            default: break
            }
        }
        let (entries, next) = try store.list(kind, after: after, limit: size)
        var items: [T] = []
        for entry in entries {
            do {
                items.append(try JSONDecoder().decode(T.self, from: entry.document))
            } catch {
                throw EmulatorError(status: 500, code: "InternalServerException", message: "stored \(Self.noun(kind)) \(entry.id) is unreadable")
            }
        }
        return Page(items: items, nextToken: next.map { Data("\(kind.rawValue):\($0)".utf8).base64EncodedString() })
    }
}
