import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files that hold secrets: a temporary file in the same directory (mode 0600, created
/// exclusively), flushed, then renamed over the target, so readers see the old or the new
/// content and never a half-written file.
public enum AtomicFile {
    /// Creates `directory` (and parents) with mode 0700 when missing.
    public static func ensureDirectory(_ directory: String) throws(CredentialsError) {
        var info = stat()
        if stat(directory, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw CredentialsError(.io, "\(directory) exists and is not a directory")
            }
            return
        }
        let parent = NSStringPath(directory).deletingLastComponent
        if !parent.isEmpty, parent != directory { try ensureDirectory(parent) }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw CredentialsError(.io, "cannot create \(directory) (errno \(errno))")
        }
    }

    /// Replaces `path` with `bytes`, mode 0600.
    public static func write(_ bytes: [UInt8], to path: String) throws(CredentialsError) {
        let directory = NSStringPath(path).deletingLastComponent
        try ensureDirectory(directory.isEmpty ? "." : directory)
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CredentialsError(.io, "cannot create a temporary file next to \(path) (errno \(errno))") }
        var ok = true
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc_write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                ok = false
                break
            }
            offset += written
        }
        if ok { ok = fsync(fd) == 0 }
        _ = fchmod(fd, 0o600)
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let err = errno
            unlink(temporary)
            throw CredentialsError(.io, "cannot write \(path) (errno \(err)); the previous file is unchanged")
        }
    }
}

/// Path helpers without Foundation's `NSString`.
struct NSStringPath: ExpressibleByStringLiteral {
    var value: String
    init(stringLiteral value: String) { self.value = value }
    init(_ value: String) { self.value = value }

    var deletingLastComponent: String {
        guard let slash = value.lastIndex(of: "/") else { return "" }
        if slash == value.startIndex { return "/" }
        return String(value[..<slash])
    }
}

extension String {
    static func asPath(_ s: String) -> NSStringPath { NSStringPath(s) }
}

@inline(__always)
private func Glibc_write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
