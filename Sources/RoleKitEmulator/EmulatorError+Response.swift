import FoundationEssentials

extension EmulatorError {
    /// The rest-json error answer: the status, `X-Amzn-ErrorType: CODE` and `{"message":"…"}`.
    var response: RolesAnywhereEmulator.Response {
        struct Body: Encodable {
            var message: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let body = (try? encoder.encode(Body(message: message))).map(Array.init) ?? Array(#"{"message":""}"#.utf8)
        return RolesAnywhereEmulator.Response(
            status: status,
            headers: [("Content-Type", "application/json"), ("X-Amzn-ErrorType", code), ("x-amzn-RequestId", UUID().uuidString.lowercased())],
            body: body
        )
    }
}
