public import FoundationEssentials
import RoleKitSigning
import RoleKitSupport

/// Endpoint URLs from flags, environment variables and config files, checked before use.
///
/// An endpoint is `http` or `https` with a host and, when given, a port from 1 to 65535.
/// Errors name where the value came from and never repeat it whole: a URL may carry a
/// password in its userinfo.
public enum EndpointURL {
    /// Parses `text` from `origin` (a flag or variable name, for the message).
    public static func parse(_ text: String, origin: String) throws(TransportError) -> URL {
        let trimmed = text.strippingSpaces
        guard trimmed.utf8.count <= 2048 else {
            throw TransportError(.configuration, "\(origin) is longer than 2048 characters; give a URL like https://host:port")
        }
        guard SafeText.isPrintableASCII(trimmed), let url = URL(string: trimmed),
            let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host(), !host.isEmpty
        else {
            throw TransportError(.configuration, "\(origin) is not an http:// or https:// URL with a host (like https://host:port)")
        }
        if let port = url.port, !(1...65535).contains(port) {
            throw TransportError(.configuration, "\(origin) has port \(port); ports are 1 to 65535")
        }
        if hasExplicitPortOutOfRange(trimmed) {
            throw TransportError(.configuration, "\(origin) has a port that is not 1 to 65535")
        }
        return url
    }

    /// `url` for messages and logs: scheme, host, port and path; no userinfo, no query.
    public static func display(_ url: URL) -> String {
        var text = "\(url.scheme ?? "?")://"
        if let host = url.host() { text += host.contains(":") ? "[\(host)]" : host }
        if let port = url.port { text += ":\(port)" }
        text += url.path(percentEncoded: true)
        return SafeText.excerpt(text, limit: 200)
    }

    /// A URL written in this source (never from outside).
    public static func literal(_ text: StaticString) -> URL {
        let string = "\(text)"
        return URL(string: string) ?? URL(fileURLWithPath: string)
    }

    /// Whether the authority part of `text` names a port with more digits or a value above
    /// 65535 (some URL parsers drop such ports instead of refusing them).
    static func hasExplicitPortOutOfRange(_ text: String) -> Bool {
        guard let schemeEnd = text.firstRange(of: "://") else { return false }
        let rest = text[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@").last ?? authority[...]
        let afterBracket = hostPort.lastIndex(of: "]").map { hostPort[hostPort.index(after: $0)...] } ?? hostPort
        guard let colon = afterBracket.lastIndex(of: ":") else { return false }
        let digits = afterBracket[afterBracket.index(after: colon)...]
        if digits.isEmpty { return false }
        guard digits.utf8.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits) else { return true }
        return !(1...65535).contains(value)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    public var strippingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
