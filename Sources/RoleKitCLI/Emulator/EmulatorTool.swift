import ArgumentParser
import RoleKitSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `rolekit emulator` and `rolekit quickstart` are carried out by `rolekit-emulator`, an
/// executable installed next to `rolekit`. Keeping the emulator's dependencies (Hummingbird,
/// GRDB and SQLite, and the Foundation with ICU that GRDB imports) out of `rolekit` keeps its
/// binary small and its start-up short, which every `credential_process` call pays.
enum EmulatorTool {
    static let executableName = "rolekit-emulator"

    /// `rolekit-emulator` in the directory of the running `rolekit` (symbolic links resolved).
    /// Only there: `PATH` is not searched, so what runs is what was installed with `rolekit`.
    static var path: String? {
        guard let executable = ChildProcess.currentExecutablePath(), let slash = executable.lastIndex(of: "/") else { return nil }
        return String(executable[...slash]) + executableName
    }

    /// Replaces this process with `rolekit-emulator SUBCOMMAND ARGUMENTS…` (same pid, same
    /// environment, standard streams and signals); returns only by throwing.
    static func run(_ subcommand: String, _ arguments: [String]) throws -> Never {
        guard let path else { throw EmulatorToolError(path: nil, errno: ChildProcess.noSuchFile) }
        let failure = ChildProcess.replaceCurrentProcess([path, subcommand] + arguments, environment: ChildProcess.currentEnvironment())
        throw EmulatorToolError(path: path, errno: failure)
    }
}

/// `rolekit-emulator` could not be started.
struct EmulatorToolError: Error, CustomStringConvertible {
    var path: String?
    var errno: Int32

    var description: String {
        let location = path.map { "\(SafeText.excerpt($0, limit: 200)): \(ChildProcess.describe(errno: errno))" } ?? "the path of rolekit is unknown"
        return "the emulator and the quickstart run in \(EmulatorTool.executableName), installed next to rolekit, which cannot be started (\(location)); "
            + "install it from the same release as rolekit (scripts/release builds both), or build it with: swift build --product \(EmulatorTool.executableName)"
    }
}
