import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small credential files (certificates, keys, passphrase files) with precise errors.
public enum SecureFileReader {
    /// Files larger than this are refused (certificate bundles are far smaller).
    public static let maximumSize = 4 * 1024 * 1024

    /// Expands a leading `~` or `~/` to the home directory (`HOME`, else the password database).
    public static func expandTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        var home = ProcessInfo.processInfo.environment["HOME"] ?? ""
        if home.isEmpty, let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir {
            home = String(cString: dir)
        }
        guard !home.isEmpty else { return path }
        return home + path.dropFirst()
    }

    /// Reads the whole file at `path` (after `~` expansion).
    /// - Parameter what: What the file should hold, for messages ("certificate", "private key").
    public static func readFile(_ path: String, what: String) throws(IdentityError) -> [UInt8] {
        let expanded = expandTilde(path)
        var info = stat()
        if stat(expanded, &info) != 0 {
            let err = errno
            if err == EACCES {
                throw IdentityError(.permissionDenied, "permission denied reading the \(what) file; check the permissions of the file and its directories", path: expanded)
            }
            throw IdentityError(.fileNotFound, "the \(what) file does not exist; check the path", path: expanded)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw IdentityError(.isDirectory, "is a directory, not a \(what) file; pass the path of the file inside it", path: expanded)
        }
        let fd = open(expanded, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let err = errno
            if err == EACCES || err == EPERM {
                throw IdentityError(.permissionDenied, "permission denied reading the \(what) file; check its permissions (and that you run as the right user)", path: expanded)
            }
            throw IdentityError(.unreadable, "cannot open the \(what) file (errno \(err))", path: expanded)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EISDIR {
                    throw IdentityError(.isDirectory, "is a directory, not a \(what) file", path: expanded)
                }
                throw IdentityError(.unreadable, "cannot read the \(what) file (errno \(errno))", path: expanded)
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > maximumSize {
                throw IdentityError(.fileTooLarge, "the \(what) file is larger than \(maximumSize / 1024 / 1024) MiB; this is not a certificate or key file", path: expanded)
            }
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
            throw IdentityError(.emptyFile, "the \(what) file is empty", path: expanded)
        }
        return bytes
    }
}
