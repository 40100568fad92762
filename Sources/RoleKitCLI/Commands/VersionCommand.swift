import ArgumentParser

/// `rolekit version`. Parsed on its own first (see `RoleKitCommand.directlyParsed`), hence the
/// super-command name.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", _superCommandName: "rolekit", abstract: "Print the version.")

    func run() {
        print(RoleKitVersion.string)
    }
}
