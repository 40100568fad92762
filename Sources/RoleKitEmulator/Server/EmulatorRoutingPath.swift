import RoleKitSigning

/// The path the router matches, for paths with empty segments.
///
/// Hummingbird's trie skips empty segments (`/trustanchors/` would reach `ListTrustAnchors`),
/// while the emulator has always matched templates segment by segment: `/trustanchors/` is
/// no operation, and `/trustanchor//enable` is `EnableTrustAnchor` with an empty id (refused
/// by the id check). So each empty segment is routed as a marker that no template constant
/// equals (`%00`; not a space, which HTTPTypes trims from the end of a path), read back as
/// empty by route parameters. A client sending `%00` itself is answered the same: every URI
/// parameter is an id whose length check refuses both the empty id and `\0`.
enum EmulatorRoutingPath {
    static let emptySegment = "%00"

    /// `path` with its empty segments (after the leading `/`) replaced by the marker, or `nil`
    /// when it has none (or is `/`, the STS root).
    static func routable(_ path: String) -> String? {
        guard path != "/", path.hasPrefix("/") else { return nil }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard segments.contains(where: \.isEmpty) else { return nil }
        return "/" + segments.map { $0.isEmpty ? Substring(emptySegment) : $0 }.joined(separator: "/")
    }

    /// A route parameter as the operation reads it: percent-decoded, the marker as empty.
    static func parameterValue(_ raw: String) -> String {
        raw == emptySegment ? "" : String(decoding: URIEncoding.decode(Substring(raw)), as: UTF8.self)
    }
}
