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
