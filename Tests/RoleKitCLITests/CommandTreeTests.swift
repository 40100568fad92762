import ArgumentParser
import RoleKitCLI
import RoleKitEmulatorCLI
import Testing

/// Start-up: swift-argument-parser names a command without an explicit `commandName` through
/// `String(describing:)` of its type, which costs reflection at every run. Every command in the
/// tree names itself.
@Suite("The command tree")
struct CommandTreeTests {
    static func walk(_ command: any ParsableCommand.Type, path: String, into found: inout [(String, String?)]) {
        let name = command.configuration.commandName
        found.append((path, name))
        for sub in command.configuration.subcommands {
            walk(sub, path: path + " " + (sub.configuration.commandName ?? "?\(sub)"), into: &found)
        }
    }

    @Test func everyCommandHasAnExplicitName() {
        var found: [(String, String?)] = []
        Self.walk(RoleKitCommand.self, path: "rolekit", into: &found)
        #expect(found.count > 40, "the tree has \(found.count) commands")
        Self.walk(RoleKitEmulatorTool.self, path: "rolekit-emulator", into: &found)
        for (path, name) in found {
            #expect(name != nil, "\(path) has no explicit commandName")
        }
        // Names are unique among siblings and stay the kebab-case users type.
        for (path, name) in found {
            #expect(name.map { $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" } } ?? false, "\(path)")
        }
    }

    /// `rolekit emulator` and `rolekit quickstart` stand in for the commands of the same names in
    /// `rolekit-emulator`: same names, same one-line description in `rolekit --help`.
    @Test func forwardedCommandsMatchTheirTargets() {
        var forwarded: [String: String] = [:]
        for command in RoleKitCommand.configuration.subcommands {
            let configuration = command.configuration
            if let name = configuration.commandName, name == "emulator" || name == "quickstart" { forwarded[name] = configuration.abstract }
        }
        var targets: [String: String] = [:]
        for command in RoleKitEmulatorTool.configuration.subcommands {
            let configuration = command.configuration
            if let name = configuration.commandName { targets[name] = configuration.abstract }
        }
        #expect(forwarded.count == 2)
        #expect(forwarded == targets)
    }
}
