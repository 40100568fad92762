public import ArgumentParser

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
    /// `--version` print as usual.
    public static func runFromProcessArguments() async {
        await runAsMain(Self.self)
    }

    /// Parses the process arguments as `root`'s and runs the command they name, with the
    /// failure convention above (`rolekit-emulator` runs its tree through this too).
    package static func runAsMain(_ root: any ParsableCommand.Type) async {
        do {
            var command = try root.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
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
}
