import RoleKitCredentials

/// A JSON writer that keeps member order, for outputs whose layout other tools expect
/// (`read-certificate-data`, `credential_process`).
enum OrderedJSON {
    indirect enum Value {
        case string(String)
        case int(Int)
        case array([Value])
        case object([(String, Value)])
    }

    static func render(_ value: Value) -> String {
        switch value {
        case .string(let text): return quote(text)
        case .int(let number): return String(number)
        case .array(let items): return "[" + items.map(render).joined(separator: ",") + "]"
        case .object(let members): return "{" + members.map { quote($0.0) + ":" + render($0.1) }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ text: String) -> String { JSONText.quote(text) }
}
