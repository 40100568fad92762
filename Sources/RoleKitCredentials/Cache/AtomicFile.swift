import FoundationEssentials
import RoleKitSupport
#if canImport(CoreFoundation)
// With Dispatch imported elsewhere in the module, libc's `stat` is owned by CoreFoundation's
// module map; importing it keeps `stat` members visible.
import CoreFoundation
#endif
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
package enum AtomicFile {
    /// Creates `directory` (and parents) with mode 0700 when missing.
    package static func ensureDirectory(_ directory: String) throws(CredentialsError) {
        var info = stat()
        if stat(directory, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw CredentialsError(.io, "\(directory) exists and is not a directory")
            }
            return
        }
        let parent = SystemEnvironment.parentDirectory(of: directory)
        if !parent.isEmpty, parent != directory { try ensureDirectory(parent) }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw CredentialsError(.io, "cannot create \(directory) (errno \(errno))")
        }
    }

    /// Replaces `path` with `bytes`, mode 0600: a temporary file created exclusively next to
    /// the target, written, fsynced, renamed over it, then the directory fsynced. Temporary
    /// files that an interrupted writer left behind (older than ten minutes) are swept.
    ///
    /// - Parameter followSymlink: When `path` is a symbolic link, write its target so the link
    ///   stays (the credentials file); otherwise the link itself is replaced by a regular file.
    package static func write(_ bytes: [UInt8], to path: String, followSymlink: Bool = false) throws(CredentialsError) {
        let target = followSymlink ? try resolveSymlinks(path) : path
        let directory = SystemEnvironment.parentDirectory(of: target)
        try ensureDirectory(directory.isEmpty ? "." : directory)
        sweepStaleTemporaries(of: target)
        let temporary = "\(target).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CredentialsError(.io, "cannot create a temporary file next to \(target) (errno \(errno))") }
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
        if ok { ok = fchmod(fd, 0o600) == 0 }
        if ok { ok = fsync(fd) == 0 }
        close(fd)
        guard ok, rename(temporary, target) == 0 else {
            let err = errno
            unlink(temporary)
            throw CredentialsError(.io, "cannot write \(target) (errno \(err)); the previous file is unchanged")
        }
        // The rename is durable only once the directory is on disk too.
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// The file that ``write(_:to:followSymlink:)`` with `followSymlink` replaces.
    package static func resolveTarget(_ path: String) throws(CredentialsError) -> String { try resolveSymlinks(path) }

    /// The file a chain of symbolic links ends at (at most 16 links); `path` itself when it is
    /// not a link or does not exist.
    static func resolveSymlinks(_ path: String) throws(CredentialsError) -> String {
        var current = path
        for _ in 0..<16 {
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: 4096)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count > 0 else { throw CredentialsError(.io, "cannot read the symbolic link \(current) (errno \(errno))") }
            let destination = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if destination.hasPrefix("/") {
                current = destination
            } else {
                let parent = SystemEnvironment.parentDirectory(of: current)
                current = (parent.isEmpty ? "." : parent) + "/" + destination
            }
        }
        throw CredentialsError(.io, "\(path) is a chain of more than 16 symbolic links")
    }

    /// Runs `body` holding an exclusive `flock` on `lockPath` (see ``openLock(_:)``).
    package static func withLock<T>(_ lockPath: String, _ body: () throws(CredentialsError) -> T) throws(CredentialsError) -> T {
        let lock = try openLock(lockPath)
        defer { closeLock(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw CredentialsError(.io, "cannot lock \(lockPath) (errno \(errno))") }
        }
        return try body()
    }

    /// Opens (creating, 0600) a lock file without following symbolic links; it must be a
    /// regular file of this user.
    package static func openLock(_ lockPath: String) throws(CredentialsError) -> Int32 {
        let lock = open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0o600)
        guard lock >= 0 else {
            throw CredentialsError(.io, errno == ELOOP ? "the lock file \(lockPath) is a symbolic link; remove it" : "cannot open the lock file \(lockPath) (errno \(errno))")
        }
        var info = stat()
        guard fstat(lock, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid() else {
            close(lock)
            throw CredentialsError(.io, "the lock file \(lockPath) is not a regular file of this user; remove it")
        }
        return lock
    }

    /// Releases and closes a lock from ``openLock(_:)``.
    package static func closeLock(_ lock: Int32) {
        flock(lock, LOCK_UN)
        close(lock)
    }

}

/// Path helpers without Foundation's `NSString`.

@inline(__always)
private func Glibc_write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
