import Foundation
import RoleKitTestSupport
import Testing

/// `rolekit --generate-completion-script` (swift-argument-parser's generator, through our
/// entry point): the scripts are produced for bash, zsh and fish, and the bash one, loaded
/// into a real bash, completes subcommands and options as a user's Tab would.
@Suite("shell completions")
struct ShellCompletionCLITests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func scriptsAreGenerated(shell: String) async throws {
        let result = try await Subprocess.rolekitAsync(["--generate-completion-script", shell])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("rolekit"))
        #expect(result.stdoutText.contains("credential-process") && result.stdoutText.contains("metrics-port"))
    }

    /// Completions bash offers for the words typed so far (the last one partial).
    static func bashCompletions(_ words: [String]) async throws -> [String] {
        let script = try await Subprocess.rolekitAsync(["--generate-completion-script", "bash"])
        let file = NSTemporaryDirectory() + "rolekit-completion-\(UUID().uuidString).bash"
        try script.stdoutText.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let line = words.joined(separator: " ")
        let quoted = words.map { "'\($0)'" }.joined(separator: " ")
        let driver = """
            source '\(file)'
            COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
            _rolekit rolekit '\(words.last ?? "")' '\(words.dropLast().last ?? "")'
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let bin = URL(fileURLWithPath: TestEnvironment.rolekitBinary).deletingLastPathComponent().path
        let result = try await Subprocess.runAsync(["/bin/bash", "-c", driver], environment: ["PATH": "\(bin):/usr/bin:/bin", "HOME": NSTemporaryDirectory()])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesSubcommandsAndOptions() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else {
            print("skipped bashCompletesSubcommandsAndOptions: no /bin/bash")
            return
        }
        let commands = try await Self.bashCompletions(["rolekit", "se"])
        #expect(commands.contains("serve") && commands.contains("session-token"), "\(commands)")
        #expect(!commands.contains("update"))
        let options = try await Self.bashCompletions(["rolekit", "serve", "--metr"])
        #expect(options == ["--metrics-port"], "\(options)")
    }
}
