public import ArgumentParser
import RoleKitCLI

/// The `rolekit-emulator` executable: `rolekit emulator` and `rolekit quickstart` run here.
///
/// They live in an executable of their own so that the emulator's dependencies (Hummingbird,
/// GRDB with SQLite, and the Foundation that GRDB imports, with ICU) are not linked into
/// `rolekit`, whose start-up every `credential_process` call pays. `rolekit` finds this
/// executable next to itself and replaces itself with it, so the two behave as one command
/// line: the root is named `rolekit` and usage reads `rolekit emulator …`.
public struct RoleKitEmulatorTool: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rolekit",
        abstract: "The local IAM Roles Anywhere emulator and the quickstart (rolekit runs these as rolekit emulator and rolekit quickstart).",
        version: RoleKitVersion.string,
        subcommands: [EmulatorCommand.self, QuickstartCommand.self]
    )

    public init() {}

    /// Runs the command line with the process arguments and exits, as `rolekit` does.
    public static func runFromProcessArguments() -> Never {
        RoleKitCommand.runAsMain(Self.self)
    }
}
