#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to standard output and standard error, retried on `EINTR`.
package enum StandardStreams {
    package static func writeOutput(_ bytes: some Collection<UInt8>) {
        SystemCall.writeAll(1, bytes)
    }

    package static func writeError(_ text: String) {
        SystemCall.writeAll(2, Array(text.utf8))
    }

    /// Flushes the C library's buffered standard output (`print`), so a banner appears at once.
    package static func flushOutput() {
        fflush(nil)
    }

    /// Whether standard error is a terminal (a person reads it).
    package static var errorIsTerminal: Bool { isatty(2) == 1 }

    /// The name this program was started as (`rolekit`, or the embedding tool's), for messages.
    package static var programName: String {
        let path = CommandLine.arguments.first ?? ""
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        return name.isEmpty ? "rolekit" : name
    }
}
