/// Text from outside (files, servers, environment) made fit for a message: control characters
/// replaced, length capped.
///
/// Messages never carry file contents or command lines; where a value from outside must be
/// named (a label, a service's error code, a server's short message), it goes through here so
/// that a hostile value can neither forge log lines nor flood a terminal.
package enum SafeText {
    /// The default cap, in characters.
    package static let defaultLimit = 160

    /// `text` with control characters (C0, DEL, C1, line and paragraph separators, bidi
    /// overrides) replaced by `?`, cut to `limit` characters with `…` when longer.
    package static func excerpt(_ text: some StringProtocol, limit: Int = defaultLimit) -> String {
        var out = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= max(1, limit) {
                out.append("…")
                break
            }
            out.append(isUnsafe(scalar) ? "?" : scalar)
            count += 1
        }
        return String(out)
    }

    /// Whether `scalar` could change how a message is displayed or split into lines.
    package static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x2028, 0x2029: return true  // line and paragraph separators
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true  // bidi controls
        default: return false
        }
    }

    /// Whether every byte of `text` is printable ASCII (0x20...0x7E).
    package static func isPrintableASCII(_ text: some StringProtocol) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
    }
}
