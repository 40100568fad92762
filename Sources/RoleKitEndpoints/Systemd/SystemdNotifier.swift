#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RoleKitSupport

/// Readiness and watchdog messages to the service manager (`sd_notify(3)`): datagrams to the
/// `AF_UNIX` socket named by `NOTIFY_SOCKET` (a path, or `@name` in the abstract namespace).
///
/// Without `NOTIFY_SOCKET` there is no notifier, and nothing is sent. A message that cannot be
/// delivered is reported to the caller, who logs it; it never stops the service.
public struct SystemdNotifier: Sendable {
    /// Why a notification was not delivered.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The socket path; a leading NUL for the abstract namespace.
    let address: [UInt8]
    /// Half of `WATCHDOG_USEC` when the watchdog is enabled for this process.
    public let watchdogInterval: Duration?

    /// The longest socket name `sockaddr_un` holds (with its terminating NUL).
    static let maximumPathBytes = 107

    /// The notifier `NOTIFY_SOCKET` describes, or `nil` when it is unset or empty.
    /// - Throws: ``Failure`` when it is set but is no usable socket name.
    public init?(environment: (String) -> String?, pid: Int32 = getpid()) throws(Failure) {
        guard let socket = environment("NOTIFY_SOCKET"), !socket.isEmpty else { return nil }
        var bytes = Array(socket.utf8)
        if bytes.first == UInt8(ascii: "@") {
            bytes[0] = 0
        } else if bytes.first != UInt8(ascii: "/") {
            throw Failure("NOTIFY_SOCKET is neither an absolute path nor an abstract name (@…)")
        }
        guard bytes.count <= Self.maximumPathBytes else { throw Failure("NOTIFY_SOCKET is longer than \(Self.maximumPathBytes) bytes") }
        guard bytes.dropFirst().allSatisfy({ $0 != 0 }) else { throw Failure("NOTIFY_SOCKET contains a NUL byte") }
        address = bytes
        watchdogInterval = Self.watchdogInterval(environment: environment, pid: pid)
    }

    /// `WATCHDOG_USEC` halved, when it is set for this process (`WATCHDOG_PID` absent or ours).
    static func watchdogInterval(environment: (String) -> String?, pid: Int32) -> Duration? {
        guard let text = environment("WATCHDOG_USEC"), let microseconds = UInt64(text), microseconds > 0,
            microseconds <= 86_400 * 1_000_000 * 365
        else { return nil }
        if let owner = environment("WATCHDOG_PID"), Int32(owner) != pid { return nil }
        return .microseconds(Int64(microseconds / 2))
    }

    /// Sends one notification, such as `READY=1` or `STOPPING=1` (lines `NAME=value`).
    public func notify(_ state: String) throws(Failure) {
        #if canImport(Darwin)
        let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #else
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #endif
        guard fd >= 0 else { throw Failure("cannot make a notification socket (errno \(errno))") }
        defer { _ = close(fd) }
        var target = sockaddr_un()
        target.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: target.sun_path)
        guard address.count < capacity else { throw Failure("NOTIFY_SOCKET is too long") }
        withUnsafeMutableBytes(of: &target.sun_path) { path in
            path.copyBytes(from: address)
            // Abstract names have no terminating NUL; paths get one (the struct is zeroed).
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2) + socklen_t(address.count) + (address.first == 0 ? 0 : 1)
        let message = Array(state.utf8)
        let sent = withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { raw in
                    SystemCall.retryingOnInterrupt { sendto(fd, raw.baseAddress, raw.count, 0, socketAddress, length) }
                }
            }
        }
        guard sent == message.count else { throw Failure("the service manager's notification socket did not take the message (errno \(errno))") }
    }
}
