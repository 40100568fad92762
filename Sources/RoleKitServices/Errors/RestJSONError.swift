import FoundationEssentials
public import RoleKitTransport

/// Error responses of rest-json services (Roles Anywhere): the code comes from the
/// `X-Amzn-ErrorType` header or the body's `__type`/`code`, namespace and `:suffix` stripped.
public enum RestJSONError {
    private struct Body: Decodable {
        var type: String?
        var code: String?
        var upperCode: String?
        var message: String?
        var upperMessage: String?

        enum CodingKeys: String, CodingKey {
            case type = "__type", code, upperCode = "Code", message, upperMessage = "Message"
        }
    }

    public static func parse(_ response: HTTPResponse) -> ServiceErrorInfo {
        let body = try? JSONDecoder().decode(Body.self, from: Data(response.body))
        let code = response.header("X-Amzn-ErrorType") ?? body?.type ?? body?.code ?? body?.upperCode
        return ServiceErrorInfo(code: code.map(sanitize), message: body?.message ?? body?.upperMessage)
    }

    /// `aws.protocoltests#FooError:http://…` → `FooError`.
    static func sanitize(_ code: String) -> String {
        var value = Substring(code)
        if let colon = value.firstIndex(of: ":") { value = value[..<colon] }
        if let hash = value.lastIndex(of: "#") { value = value[value.index(after: hash)...] }
        return String(value.filter { $0 != " " })
    }
}
