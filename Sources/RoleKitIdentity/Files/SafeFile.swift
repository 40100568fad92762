import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads files from outside without the traps they can set: a FIFO or device never blocks
/// (only regular files are read), size is capped while reading, and for files that hold
/// secrets written by RoleKit or the AWS CLI (caches, locks) a symlink, another owner or a
/// mode open to group or others is refused.
package enum SafeFile {
    package enum Problem: Error, Sendable, Hashable {
        case notFound
        case permissionDenied
        case isDirectory
        /// A FIFO, socket or device.
        case notRegularFile
        /// A symbolic link where none is allowed.
        case symbolicLink
        case tooLarge(limit: Int)
        /// Owned by another user.
        case foreignOwner
        /// Readable or writable by group or others.
        case openMode(mode: UInt32)
        case io(errno: Int32)
    }

    package struct Rules: Sendable {
        package var maximumSize: Int
        /// Refuse a symbolic link as the last path component.
        package var refuseSymlinks: Bool
        /// Require the file to be owned by the effective user and to have no group/other bits.
        package var ownerOnly: Bool

        package init(maximumSize: Int, refuseSymlinks: Bool = false, ownerOnly: Bool = false) {
            self.maximumSize = maximumSize
            self.refuseSymlinks = refuseSymlinks
            self.ownerOnly = ownerOnly
        }

        /// Caches and other files of secrets that RoleKit (or the AWS CLI) writes itself.
        package static func privateFile(maximumSize: Int = 1 << 20) -> Rules { Rules(maximumSize: maximumSize, refuseSymlinks: true, ownerOnly: true) }
    }

    /// Opens `path` for reading under `rules`; the caller closes the descriptor.
    package static func open(_ path: String, rules: Rules, flags: Int32 = O_RDONLY) throws(Problem) -> Int32 {
        var openFlags = flags | O_CLOEXEC | O_NONBLOCK
        if rules.refuseSymlinks { openFlags |= O_NOFOLLOW }
        let fd = Glibc_open(path, openFlags, 0)
        if fd < 0 {
            let err = errno
            switch err {
            case ENOENT, ENOTDIR: throw .notFound
            case EACCES, EPERM: throw .permissionDenied
            case ELOOP: throw .symbolicLink
            case EISDIR: throw .isDirectory
            default: throw .io(errno: err)
            }
        }
        do {
            try check(fd, rules: rules)
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Checks an open descriptor: a regular file, within the size, and owner-only when asked.
    package static func check(_ fd: Int32, rules: Rules) throws(Problem) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(errno: errno) }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR { throw .isDirectory }
        guard type == S_IFREG else { throw .notRegularFile }
        if info.st_size > rules.maximumSize { throw .tooLarge(limit: rules.maximumSize) }
        if rules.ownerOnly {
            guard info.st_uid == geteuid() else { throw .foreignOwner }
            let mode = UInt32(info.st_mode) & 0o777
            guard mode & 0o077 == 0 else { throw .openMode(mode: mode) }
        }
    }

    /// The whole file at `path`, read under `rules`.
    package static func read(_ path: String, rules: Rules) throws(Problem) -> [UInt8] {
        let fd = try open(path, rules: rules)
        defer { close(fd) }
        return try read(fd: fd, limit: rules.maximumSize)
    }

    /// Reads `fd` to its end, refusing more than `limit` bytes.
    package static func read(fd: Int32, limit: Int) throws(Problem) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc_read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if errno == EISDIR { throw .isDirectory }
                throw .io(errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > limit { throw .tooLarge(limit: limit) }
        }
        return bytes
    }

    /// `lstat` of `path`: whether it is a regular file, its owner and its modification time
    /// (seconds since 1970); `nil` when it cannot be read.
    package static func linkStatus(_ path: String) -> (isRegularFile: Bool, ownedByUser: Bool, modified: Int)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        let modified = Int(info.st_mtimespec.tv_sec)
        #else
        let modified = Int(info.st_mtim.tv_sec)
        #endif
        return ((info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid(), modified)
    }

    /// A short description of `problem`, for messages that name the file themselves.
    package static func describe(_ problem: Problem) -> String {
        switch problem {
        case .notFound: return "does not exist"
        case .permissionDenied: return "cannot be read (permission denied)"
        case .isDirectory: return "is a directory"
        case .notRegularFile: return "is not a regular file (a FIFO, socket or device)"
        case .symbolicLink: return "is a symbolic link, which is not followed for this file"
        case .tooLarge(let limit): return "is larger than \(limit) bytes"
        case .foreignOwner: return "is owned by another user"
        case .openMode(let mode): return "has mode \(String(mode, radix: 8)); it must not be readable or writable by group or others (chmod 600)"
        case .io(let err): return "cannot be read (errno \(err))"
        }
    }
}

@inline(__always) private func Glibc_open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
@inline(__always) private func Glibc_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
