import FoundationEssentials
import RoleKitIdentity
import RoleKitSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension AtomicFile {
    /// Takes the exclusive lock, waiting on a thread of its own (flock blocks).
    package static func acquire(_ lock: Int32, path: String) async throws(CredentialsError) {
        let result: Int32 = await DedicatedThread.run {
            SystemCall.retryingOnInterrupt { flock(lock, LOCK_EX) } == 0 ? 0 : errno
        }
        if result != 0 { throw CredentialsError(.io, "cannot lock \(path) (errno \(result))") }
    }

    /// Removes `TARGET.tmp-*` files older than ten minutes (left by a writer that was killed).
    static func sweepStaleTemporaries(of target: String) {
        let directory = SystemEnvironment.parentDirectory(of: target)
        let base = target.split(separator: "/").last.map(String.init) ?? target
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return }
        let cutoff = Int(Date().timeIntervalSince1970) - 600
        for name in names where name.hasPrefix(base + ".tmp-") {
            let full = (directory.isEmpty ? "." : directory) + "/" + name
            guard let status = SafeFile.linkStatus(full), status.isRegularFile, status.ownedByUser else { continue }
            if status.modified < cutoff { try? FileManager.default.removeItem(atPath: full) }
        }
    }

    /// Reads a file of secrets that RoleKit or the AWS CLI wrote: not through a symbolic link,
    /// owned by this user, mode 0600 or stricter, at most `maximumSize` bytes; `nil` when missing
    /// or refused (a cache treats both as a miss).
    package static func readPrivate(_ path: String, maximumSize: Int = 1 << 20) -> [UInt8]? {
        try? SafeFile.read(path, rules: .privateFile(maximumSize: maximumSize))
    }
}
