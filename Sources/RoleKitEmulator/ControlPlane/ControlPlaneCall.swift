/// One control-plane call, after its signature verified: what an operation reads.
struct ControlPlaneCall {
    /// The URI parameters (`{trustAnchorId}`, …), percent-decoded.
    var parameters: [String: String]
    /// The query string's pairs, percent-decoded.
    var query: [(String, String)]
    var body: [UInt8]
    /// The access key id that signed the call.
    var caller: String

    /// The resource id in the URI parameter `name`: 36 characters, as the model requires.
    func id(_ name: String) throws(EmulatorError) -> String {
        guard let value = parameters[name], value.count == 36 else {
            throw EmulatorError.validation("1 validation error detected: Value at '\(name)' failed to satisfy constraint: Member must have length 36")
        }
        return value
    }

    /// The first value of the query parameter `name`.
    func queryValue(_ name: String) -> String? {
        query.first(where: { $0.0 == name })?.1
    }
}
