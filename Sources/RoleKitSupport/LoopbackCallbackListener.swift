#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-shot HTTP listener on `127.0.0.1` for OAuth redirects (RFC 8252 §7.3): it binds a
/// port the system chooses, then waits for one `GET` of its callback path and answers it with
/// a page.
///
/// Bounded everywhere: the request head is at most 8 KiB and must arrive within the
/// per-request time; the whole wait ends at its deadline. It listens on loopback only, never
/// on every address.
package final class LoopbackCallbackListener: @unchecked Sendable {
    // The descriptor is written only by `init` and `stop` (once).
    private var descriptor: Int32
    /// The port the system chose.
    package let port: Int

    package struct Failure: Error, Sendable, CustomStringConvertible {
        package let description: String
        init(_ description: String) { self.description = description }
    }

    /// Binds `127.0.0.1` on a free port.
    package init() throws(Failure) {
        #if canImport(Darwin)
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #else
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard fd >= 0 else { throw Failure("cannot make a socket (errno \(errno))") }
        var address = sockaddr_in()
        #if canImport(Darwin)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            let code = errno
            _ = close(fd)
            throw Failure("cannot listen on 127.0.0.1 (errno \(code))")
        }
        var chosen = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &chosen) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            _ = close(fd)
            throw Failure("cannot read the listening port (errno \(errno))")
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: chosen.sin_port))
    }

    deinit { stop() }

    /// Stops listening.
    package func stop() {
        if descriptor >= 0 {
            _ = close(descriptor)
            descriptor = -1
        }
    }

    /// Waits (on a thread of its own) for `GET <path>?…` and answers it with `page`; other
    /// paths get 404 and the wait goes on.
    /// - Returns: The query string of the callback, or `nil` when `timeoutSeconds` passed.
    package func waitForCallback(path: String, timeoutSeconds: Int, perRequestSeconds: Int = 10, page: String) async -> String? {
        let fd = descriptor
        return await DedicatedThread.run { () -> String? in
            Self.serve(fd, path: path, timeoutSeconds: timeoutSeconds, perRequestSeconds: perRequestSeconds, page: page)
        }
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    private static func serve(_ fd: Int32, path: String, timeoutSeconds: Int, perRequestSeconds: Int, page: String) -> String? {
        guard fd >= 0 else { return nil }
        let deadline = monotonicSeconds() + Double(max(1, timeoutSeconds))
        while true {
            let remaining = deadline - monotonicSeconds()
            guard remaining > 0 else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = SystemCall.retryingOnInterrupt { poll(&poller, 1, Int32(min(remaining * 1000, 60_000))) }
            guard ready > 0 else {
                if ready < 0 { return nil }
                continue
            }
            let client = SystemCall.retryingOnInterrupt { accept(fd, nil, nil) }
            guard client >= 0 else { continue }
            defer { _ = close(client) }
            guard let target = readRequestTarget(client, limitSeconds: min(Double(perRequestSeconds), max(0.1, deadline - monotonicSeconds()))) else { continue }
            let (requestPath, query) = target
            guard requestPath == path else {
                respond(client, status: "404 Not Found", body: "<!doctype html><p>Not found.</p>")
                continue
            }
            respond(client, status: "200 OK", body: page)
            return query
        }
    }

    /// The path and query of a `GET` request head read within `limitSeconds`.
    private static func readRequestTarget(_ client: Int32, limitSeconds: Double) -> (String, String)? {
        let deadline = monotonicSeconds() + limitSeconds
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while head.count < 8192 {
            if let end = head.firstRange(of: [13, 10]) {
                let line = String(decoding: head[..<end.lowerBound], as: UTF8.self)
                let parts = line.split(separator: " ")
                guard parts.count == 3, parts[0] == "GET" else { return nil }
                let target = parts[1]
                if let mark = target.firstIndex(of: "?") { return (String(target[..<mark]), String(target[target.index(after: mark)...])) }
                return (String(target), "")
            }
            let remaining = deadline - monotonicSeconds()
            guard remaining > 0 else { return nil }
            var poller = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            guard SystemCall.retryingOnInterrupt({ poll(&poller, 1, Int32(remaining * 1000)) }) > 0 else { return nil }
            let count = buffer.withUnsafeMutableBytes { raw in SystemCall.retryingOnInterrupt { recv(client, raw.baseAddress, raw.count, 0) } }
            guard count > 0 else { return nil }
            head += buffer[0..<count]
        }
        return nil
    }

    private static func respond(_ client: Int32, status: String, body: String) {
        let bytes = Array(body.utf8)
        let head = "HTTP/1.1 \(status)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(bytes.count)\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
        SystemCall.writeAll(client, Array(head.utf8) + bytes)
    }
}
