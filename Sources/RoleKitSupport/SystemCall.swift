#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// System calls retried on `EINTR`, the one place the package loops on interrupted calls.
package enum SystemCall {
    /// Runs `call` until it returns something other than -1 with `errno == EINTR`.
    @discardableResult
    package static func retryingOnInterrupt<Result: BinaryInteger>(_ call: () -> Result) -> Result {
        while true {
            let result = call()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    /// Writes all of `bytes` to `descriptor`; `false` when a write fails (other than `EINTR`).
    @discardableResult
    package static func writeAll(_ descriptor: Int32, _ bytes: some Collection<UInt8>) -> Bool {
        let buffer = Array(bytes)
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                retryingOnInterrupt { write(descriptor, raw.baseAddress.map { $0 + offset }, buffer.count - offset) }
            }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Waits for `pid` to end and returns its raw wait status; `nil` if it cannot be waited for.
    package static func waitForExit(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let result = retryingOnInterrupt { waitpid(pid, &status, 0) }
        return result == pid ? status : nil
    }

    /// The exit code a shell reports for a raw wait status: the exit status, or 128 + signal.
    package static func shellStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
