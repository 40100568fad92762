import AsyncHTTPClient
import FoundationEssentials

/// `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`, read only when the user asks for a proxy.
enum ProxySettings {
    static func fromEnvironment() throws(TransportError) -> HTTPClient.Configuration.Proxy? {
        let names = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]
        guard let raw = names.lazy.compactMap(ProcessEnvironment.value).first(where: { !$0.isEmpty }) else { return nil }
        let text = raw.contains("://") ? raw : "http://" + raw
        if text.lowercased().hasPrefix("https://") {
            throw TransportError(.configuration, "the proxy setting (HTTPS_PROXY/HTTP_PROXY) is an https:// URL; RoleKit talks to proxies over http:// only (TLS to AWS still goes through the tunnel)")
        }
        guard text.lowercased().hasPrefix("http://"), !EndpointURL.hasExplicitPortOutOfRange(text), let url = URL(string: text), let host = url.host(), !host.isEmpty,
            (url.port.map { (1...65535).contains($0) } ?? true)
        else {
            // The setting may carry a password: name the variable, never echo its value.
            throw TransportError(.configuration, "the proxy setting (HTTPS_PROXY/HTTP_PROXY) is not a URL like http://proxy.example:3128")
        }
        if let user = url.user(percentEncoded: false), !user.isEmpty {
            return .server(host: host, port: url.port ?? 80, authorization: .basic(username: user, password: url.password(percentEncoded: false) ?? ""))
        }
        return .server(host: host, port: url.port ?? 80)
    }

    static func noProxyList() -> [String] {
        let raw = ProcessEnvironment.value("NO_PROXY") ?? ProcessEnvironment.value("no_proxy") ?? ""
        return raw.split(separator: ",").map { $0.split(separator: " ").joined().lowercased() }.filter { !$0.isEmpty }
    }

    /// Whether `host` matches a `NO_PROXY` entry (`*`, exact, or a domain suffix).
    static func bypasses(host: String, list: [String]) -> Bool {
        let host = host.lowercased()
        for entry in list {
            if entry == "*" { return true }
            let domain = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if host == domain || host.hasSuffix("." + domain) { return true }
        }
        return false
    }
}
