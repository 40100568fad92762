import ArgumentParser
import FoundationEssentials
import RoleKitSupport

/// Standard-error output and the one-line failure convention of every command.
package enum StandardError {
    package static func write(_ text: String) { StandardStreams.writeError(text) }

    package static func line(_ text: String) { write(text + "\n") }

    /// Runs `body`; any error becomes one line on standard error and exit status 1.
    package static func failingWithOneLine<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            line("rolekit: \(oneLine(error))")
            throw ExitCode.failure
        }
    }

    /// The error's description with line breaks folded, so scripts get exactly one line.
    package static func oneLine(_ error: any Error) -> String {
        oneLine(CLIErrorAdvice.describe(error))
    }

    /// `text` with line breaks and runs of spaces folded into single spaces.
    package static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingSpaces() }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var slice = self
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return slice
    }
}
