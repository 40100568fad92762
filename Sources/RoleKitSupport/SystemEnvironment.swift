#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process environment and the home directory: the one place the package reads them
/// directly. Everything else receives them injected (`AWSEnvironment`).
package enum SystemEnvironment {
    /// The value of variable `name`, or `nil` when it is not set.
    package static func value(_ name: String) -> String? {
        guard let pointer = getenv(name) else { return nil }
        return String(cString: pointer)
    }

    /// Removes variable `name` from this process's environment (and so from its children's).
    package static func remove(_ name: String) {
        _ = unsetenv(name)
    }

    /// `HOME`, else the password database's home of this user, else `/`.
    package static func homeDirectory(_ variables: (String) -> String?) -> String {
        if let home = variables("HOME"), !home.isEmpty { return home }
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        if let entry = getpwuid(geteuid()), let directory = entry.pointee.pw_dir {
            let text = String(cString: directory)
            if !text.isEmpty { return text }
        }
        #endif
        return "/"
    }

    /// `TMPDIR` without a trailing slash, else `/tmp`.
    package static var temporaryDirectory: String {
        guard var value = value("TMPDIR"), !value.isEmpty else { return "/tmp" }
        while value.count > 1 && value.hasSuffix("/") { value.removeLast() }
        return value
    }

    /// The folder part of `path`: `""` for a bare name, `/` for a file at the root.
    package static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// `text` with `$NAME` and `${NAME}` replaced by their values, as Python's
    /// `os.path.expandvars` does: names of letters, digits and `_`; unset ones are left as written.
    package static func expandingVariables(_ text: String, _ variables: (String) -> String?) -> String {
        guard text.contains("$") else { return text }
        let characters = Array(text)
        var out = ""
        var index = 0
        func isNameCharacter(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") }
        while index < characters.count {
            let character = characters[index]
            guard character == "$", index + 1 < characters.count else {
                out.append(character)
                index += 1
                continue
            }
            var end = index + 1
            var name = ""
            if characters[end] == "{" {
                guard let close = characters[(end + 1)...].firstIndex(of: "}") else {
                    out.append(character)
                    index += 1
                    continue
                }
                name = String(characters[(end + 1)..<close])
                end = close + 1
            } else {
                while end < characters.count, isNameCharacter(characters[end]) { end += 1 }
                name = String(characters[(index + 1)..<end])
            }
            if !name.isEmpty, let value = variables(name) {
                out += value
            } else {
                out += String(characters[index..<end])
            }
            index = max(end, index + 1)
        }
        return out
    }

    /// `path` with a leading `~` or `~/` replaced by `home`, as botocore's `os.path.expanduser`
    /// does for the current user (`~user` is left alone).
    package static func expandingTilde(_ path: String, home: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        var base = Substring(home)
        while base.hasSuffix("/") { base = base.dropLast() }
        let expanded = String(base) + path.dropFirst()
        return expanded.isEmpty ? "/" : expanded
    }
}
