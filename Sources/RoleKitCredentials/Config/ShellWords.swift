public import FoundationEssentials
import RoleKitIdentity
public import RoleKitTransport

/// POSIX shell word splitting as Python's `shlex.split` does it (quotes and backslashes; no
/// expansion). `nil` for an unterminated quote.
public enum ShellWords {
    public static func split(_ text: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = Array(text).makeIterator()
        while let character = iterator.next() {
            switch character {
            case "'":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "'" { closed = true; break }
                    current.append(next)
                }
                if !closed { return nil }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" { closed = true; break }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { return nil }
                        if escaped == "\"" || escaped == "\\" || escaped == "$" || escaped == "`" { current.append(escaped) } else { current.append("\\"); current.append(escaped) }
                        continue
                    }
                    current.append(next)
                }
                if !closed { return nil }
            case "\\":
                guard let escaped = iterator.next() else { return nil }
                inWord = true
                current.append(escaped)
            case let c where c.isWhitespace:
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
