import FoundationEssentials
import RoleKitSigning
import RoleKitSupport
import RoleKitTransport

/// One unsigned rest-json call of `sso` or `sso-oidc` (every operation of both models is
/// `noAuth`): the request, the transport's retries and deadlines, errors as ``SSOError``.
struct SSOServiceCall {
    let transport: HTTPTransport
    let base: URL
    let service: String

    /// The host and path prefix of `base`, checked.
    func send(method: String, path: String, query: [(String, String)] = [], headers: [SigningRequest.Header] = [], json: JSONValue? = nil) async throws(SSOError) -> [UInt8] {
        guard let host = base.host(), !host.isEmpty else {
            throw SSOError(.configuration, "the \(service) endpoint \(EndpointURL.display(base)) has no host")
        }
        var prefix = base.path(percentEncoded: true)
        if prefix.hasSuffix("/") { prefix.removeLast() }
        var allHeaders = [SigningRequest.Header("Host", base.port.map { "\(host.contains(":") ? "[\(host)]" : host):\($0)" } ?? host)]
        allHeaders += headers
        var body: [UInt8] = []
        if let json {
            allHeaders.append(.init("Content-Type", "application/json"))
            body = Array(JSONWriter.compact.render(json).utf8)
        }
        let request = SigningRequest(
            method: method, path: prefix + path,
            query: query.map { "\(URIEncoding.encode($0.0))=\(URIEncoding.encode($0.1))" }.joined(separator: "&"),
            headers: allHeaders, body: body
        )
        do {
            return try await transport.send(request, to: base, sign: { request, _ in request }, parseError: SSOError.parse).body
        } catch let error as TransportError {
            throw SSOError.from(error, service: service)
        } catch {
            throw SSOError(.connection, "\(service): \(error)")
        }
    }

    /// The answer as a JSON object.
    func object(_ bytes: [UInt8], operation: String) throws(SSOError) -> JSONValue {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)), case .object = value else {
            throw SSOError(.malformedResponse, "\(service) \(operation) answered with a body that is not a JSON object")
        }
        return value
    }

    /// The https endpoint of `prefix` in `region` (`amazonaws.com.cn` for China).
    static func defaultEndpoint(_ prefix: String, region: String) throws(SSOError) -> URL {
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        guard RegionName.isValid(region), let url = URL(string: "https://\(prefix).\(region.lowercased()).\(suffix)") else {
            throw SSOError(.invalidInput, RegionName.problem(region, origin: "sso_region"), parameter: "region")
        }
        return url
    }
}

extension JSONValue {
    /// The string member `key`, if it is one.
    func string(_ key: String) -> String? {
        if case .string(let value)? = self[key] { return value }
        return nil
    }

    /// The integer member `key` (a JSON number without a fraction, within ±2^53).
    func integer(_ key: String) -> Int64? {
        switch self[key] {
        case .int(let value)?: return Int64(value)
        case .double(let value)?:
            guard value.isFinite, value.rounded() == value, abs(value) < 9.0e15 else { return nil }
            return Int64(value)
        default: return nil
        }
    }
}
