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

/// HTTP `Date` headers (`Mon, 02 Jan 2024 03:04:05 GMT`).
public enum HTTPDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func parse(_ text: String) -> Date? {
        // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". Every field is range-checked, so an
        // absurd header is refused rather than overflowing.
        guard text.utf8.count <= 64 else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", parts[1].utf8.count <= 2, parts[3].utf8.count == 4,
            let day = Int(parts[1]), (1...31).contains(day),
            let monthIndex = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3]), (1970...9999).contains(year)
        else { return nil }
        let fields = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3, fields.allSatisfy({ $0.utf8.count == 2 }) else { return nil }
        let time = fields.compactMap { Int($0) }
        guard time.count == 3, time[0] < 24, time[1] < 60, time[2] < 61 else { return nil }
        let days = RoleKitSigningDays.days(year: year, month: monthIndex + 1, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + time[0] * 3600 + time[1] * 60 + time[2]))
    }

    public static func format(_ date: Date) -> String {
        let stamp = Array(AmzDateAccess.timestamp(date).utf8)
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(stamp[$1]) - 48 } }
        func text(_ range: Range<Int>) -> String { String(decoding: stamp[range], as: UTF8.self) }
        let month = min(max(number(4..<6), 1), 12)
        let days = RoleKitSigningDays.days(year: number(0..<4), month: month, day: number(6..<8))
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        return "\(weekday), \(text(6..<8)) \(months[month - 1]) \(text(0..<4)) \(text(9..<11)):\(text(11..<13)):\(text(13..<15)) GMT"
    }
}

import RoleKitSigning

enum RoleKitSigningDays {
    static func days(year: Int, month: Int, day: Int) -> Int {
        Int(AmzDate.daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day)))
    }
}

enum AmzDateAccess {
    static func timestamp(_ date: Date) -> String { AmzDate(date).timestamp }
}
