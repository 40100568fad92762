public import ArgumentParser
import Dispatch

/// The `rolekit` command line.
public struct RoleKitCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rolekit",
        abstract: "Temporary AWS credentials from X.509 certificates (IAM Roles Anywhere), STS and AWS profiles.",
        version: RoleKitVersion.string,
        subcommands: [
            QuickstartForwardCommand.self,
            CredentialProcessCommand.self,
            EmulatorForwardCommand.self,
            AssumeRoleCommand.self,
            SessionTokenCommand.self,
            ConsoleCommand.self,
            DoctorCommand.self,
            WhoamiCommand.self,
            PasswordCommand.self,
            ExecCommand.self,
            ConfigureListCommand.self,
            SSOCommand.self,
            TrustAnchorsCommand.self,
            ProfilesCommand.self,
            CrlsCommand.self,
            SubjectsCommand.self,
            TagsCommand.self,
            ServeCommand.self,
            UpdateCommand.self,
            EnvCommand.self,
            ReadCertificateDataCommand.self,
            SignStringCommand.self,
            VersionCommand.self,
        ]
    )

    public init() {}
}

extension RoleKitCommand {
    /// Runs the command line with the process arguments and exits.
    ///
    /// Failures end with one line on standard error (`rolekit: …`) and a non-zero status, so
    /// `credential_process` consumers and scripts show a readable message; `--help` and
    /// `--version` print as usual. Call it from synchronous top-level code (see ``runAsMain(_:)``).
    public static func runFromProcessArguments() -> Never {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let name = arguments.first, let leaf = directlyParsed.first(where: { $0._commandName == name }),
            let parsed = try? leaf.parseAsRoot(Array(arguments.dropFirst()))
        {
            run(parsed, root: Self.self)
        }
        runAsMain(Self.self)
    }

    /// The commands every `credential_process` call or script runs (`credential-process`,
    /// `version`), parsed on their own before the whole tree is: parsing through the root
    /// builds all 23 subcommands' trees and ArgumentParser's completion-script probes, whose
    /// protocol-conformance lookups were most of the start-up time. Each names `rolekit` as
    /// its super-command, so as a root of its own it skips that probe and its usage still reads
    /// `rolekit NAME`. Anything this parse rejects (`--help`, `--version`, a usage error) is
    /// parsed again through the root, which words help and errors as always.
    static let directlyParsed: [any ParsableCommand.Type] = [CredentialProcessCommand.self, VersionCommand.self]

    /// Parses the process arguments as `root`'s, runs the command they name with the failure
    /// convention above, and exits (`rolekit-emulator` runs its tree through this too).
    ///
    /// A synchronous command (`version`, `--help`, `sign-string`, …) runs on the main thread
    /// without starting Swift concurrency, whose executor starts threads that cost start-up
    /// time; an asynchronous one runs in a task while the main thread serves the main queue.
    package static func runAsMain(_ root: any ParsableCommand.Type) -> Never {
        let parsed: any ParsableCommand
        do {
            parsed = try root.parseAsRoot()
        } catch {
            fail(root, error)
        }
        run(parsed, root: root)
    }

    /// Runs a parsed command with the failure convention of `root` and exits.
    private static func run(_ parsed: any ParsableCommand, root: any ParsableCommand.Type) -> Never {
        if let fast = parsed as? any SynchronousFastPath {
            do {
                if try fast.runSynchronouslyIfPossible() { root.exit() }
            } catch {
                fail(root, error)
            }
        }
        if let asyncCommand = parsed as? any AsyncParsableCommand {
            // Handed to one task and used by nothing else.
            nonisolated(unsafe) var command = asyncCommand
            Task.detached {
                do {
                    try await command.run()
                } catch {
                    fail(root, error)
                }
                root.exit()
            }
            dispatchMain()
        }
        var command = parsed
        do {
            try command.run()
        } catch {
            fail(root, error)
        }
        root.exit()
    }

    private static func fail(_ root: any ParsableCommand.Type, _ error: any Error) -> Never {
        if error is CleanExit || error is ExitCode { root.exit(withError: error) }
        let code = root.exitCode(for: error)
        if code == .success { root.exit(withError: error) }
        // ArgumentParser's own errors keep its wording; the library's get their flags added.
        let message = root.message(for: error)
        let text = StandardError.oneLine(message == String(describing: error) ? CLIErrorAdvice.describe(error) : message)
        let isUsage = code == .validationFailure
        StandardError.line("rolekit: " + text + (isUsage && !text.contains("--help") ? " (see rolekit help)" : ""))
        root.exit(withError: ExitCode(code.rawValue))
    }
}
