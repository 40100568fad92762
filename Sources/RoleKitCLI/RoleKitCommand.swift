public import ArgumentParser

/// The `rolekit` command line.
public struct RoleKitCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rolekit",
        abstract: "Temporary AWS credentials from X.509 certificates (IAM Roles Anywhere), STS and AWS profiles.",
        version: RoleKitVersion.string,
        subcommands: [
            QuickstartCommand.self,
            CredentialProcessCommand.self,
            EmulatorCommand.self,
            ReadCertificateDataCommand.self,
            SignStringCommand.self,
            VersionCommand.self,
        ]
    )

    public init() {}
}

/// The version of this build.
public enum RoleKitVersion {
    public static let string = "0.1.0"
}

extension RoleKitCommand {
    /// Runs the command line with the process arguments and exits.
    public static func runFromProcessArguments() async {
        await main()
    }
}
