#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RoleKitSupport

/// Listening sockets handed over by the service manager (`sd_listen_fds(3)`): `LISTEN_FDS`
/// descriptors from 3 on, when `LISTEN_PID` is this process.
///
/// Each descriptor is checked before use: a listening TCP socket (`SOCK_STREAM`,
/// `SO_ACCEPTCONN`) on IPv4 or IPv6, whose local address is read back, so the loopback rule of
/// `serve` applies to inherited sockets as to bound ones. The descriptors are marked
/// close-on-exec and the variables removed, so nothing `serve` starts (a `credential_process`)
/// inherits them.
public enum SystemdSocketActivation {
    /// Why the inherited sockets cannot be used.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// One inherited listening socket.
    public struct Socket: Sendable, Equatable {
        public var descriptor: Int32
        /// Its local address, numeric (`127.0.0.1`, `::1`).
        public var host: String
        public var port: Int
        public var isIPv6: Bool
    }

    /// The first descriptor passed (`SD_LISTEN_FDS_START`).
    static let firstDescriptor: Int32 = 3
    /// More than this many passed sockets is refused as malformed.
    static let maximumSockets = 64

    /// The sockets passed to this process, or `nil` when none were (no `LISTEN_PID`, or it
    /// names another process).
    /// - Parameter unsetEnvironment: Removes `LISTEN_PID`, `LISTEN_FDS` and `LISTEN_FDNAMES`.
    public static func inheritedSockets(environment: (String) -> String?, pid: Int32 = getpid(), unsetEnvironment: Bool = true) throws(Failure) -> [Socket]? {
        guard let owner = environment("LISTEN_PID") else { return nil }
        guard let ownerPID = Int32(owner), ownerPID > 0 else { throw Failure("LISTEN_PID is not a process id") }
        guard ownerPID == pid else { return nil }
        guard let countText = environment("LISTEN_FDS"), let count = Int(countText), (0...maximumSockets).contains(count) else {
            throw Failure("LISTEN_FDS is not a number of sockets (0–\(maximumSockets))")
        }
        if unsetEnvironment {
            for name in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] { SystemEnvironment.remove(name) }
        }
        var sockets: [Socket] = []
        for offset in 0..<Int32(count) {
            let descriptor = firstDescriptor + offset
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            sockets.append(try inspect(descriptor))
        }
        return sockets
    }

    /// Checks that `descriptor` is a listening TCP socket and reads its address.
    static func inspect(_ descriptor: Int32) throws(Failure) -> Socket {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Failure("passed descriptor \(descriptor) is not open") }
        guard (status.st_mode & S_IFMT) == S_IFSOCK else { throw Failure("passed descriptor \(descriptor) is not a socket") }
        guard option(descriptor, SO_TYPE) == Self.streamType else { throw Failure("passed socket \(descriptor) is not a stream (TCP) socket; use ListenStream=") }
        guard option(descriptor, SO_ACCEPTCONN) == 1 else { throw Failure("passed socket \(descriptor) is not listening (Accept=no is required)") }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw Failure("cannot read the address of passed socket \(descriptor) (errno \(errno))") }
        switch Int32(storage.ss_family) {
        case AF_INET:
            let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            var raw = address.sin_addr
            guard inet_ntop(AF_INET, &raw, &text, socklen_t(text.count)) != nil else { throw Failure("cannot read the address of passed socket \(descriptor)") }
            return Socket(descriptor: descriptor, host: string(text), port: Int(UInt16(bigEndian: address.sin_port)), isIPv6: false)
        case AF_INET6:
            let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            var raw = address.sin6_addr
            guard inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil else { throw Failure("cannot read the address of passed socket \(descriptor)") }
            return Socket(descriptor: descriptor, host: string(text), port: Int(UInt16(bigEndian: address.sin6_port)), isIPv6: true)
        default:
            throw Failure("passed socket \(descriptor) is neither IPv4 nor IPv6 (serve listens on TCP)")
        }
    }

    #if canImport(Darwin)
    static let streamType = SOCK_STREAM
    #else
    static let streamType = Int32(SOCK_STREAM.rawValue)
    #endif

    private static func option(_ descriptor: Int32, _ name: Int32) -> Int32? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, name, &value, &length) == 0 else { return nil }
        return value
    }

    private static func string(_ text: [CChar]) -> String {
        let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
