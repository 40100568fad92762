import ArgumentParser

/// `rolekit emulator …`: runs `rolekit-emulator emulator …` (see ``EmulatorTool``).
struct EmulatorForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run a local IAM Roles Anywhere emulator (CreateSession, the control plane, STS) on loopback.",
        discussion: "rolekit emulator --help lists its options. It runs in rolekit-emulator, installed next to rolekit.",
        // --help belongs to the emulator's own command line, which lists the real options.
        helpNames: []
    )

    @Argument(parsing: .captureForPassthrough, help: "The emulator's options (rolekit emulator --help).")
    var arguments: [String] = []

    func run() throws {
        try EmulatorTool.run(Self.configuration.commandName ?? "emulator", arguments)
    }
}
