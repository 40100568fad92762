import ArgumentParser

/// `rolekit quickstart …`: runs `rolekit-emulator quickstart …` (see ``EmulatorTool``).
struct QuickstartForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quickstart",
        abstract: "Watch IAM Roles Anywhere work end to end against a local emulator (no AWS account needed).",
        discussion: "rolekit quickstart --help lists its options. It runs in rolekit-emulator, installed next to rolekit.",
        // --help belongs to the quickstart's own command line, which lists the real options.
        helpNames: []
    )

    @Argument(parsing: .captureForPassthrough, help: "The quickstart options (rolekit quickstart --help).")
    var arguments: [String] = []

    func run() throws {
        try EmulatorTool.run(Self.configuration.commandName ?? "quickstart", arguments)
    }
}
