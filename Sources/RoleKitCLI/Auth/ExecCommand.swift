import ArgumentParser
import RoleKitArgumentParser
import FoundationEssentials
import RoleKitCredentials
import RoleKitTransport
import RoleKitSigning
import RoleKitSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `rolekit exec -- CMD ARGS…`: runs a command with credentials in its environment.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command with AWS credentials in its environment; it replaces rolekit, so its exit status and signals are the caller's.",
        discussion: "rolekit exec --profile deploy -- aws s3 ls"
    )

    @OptionGroup var auth: AWSAuthOptions

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command after --, e.g. rolekit exec -- aws sts get-caller-identity") }
    }

    func run() async throws {
        let (credentials, region, _) = try await StandardError.failingWithOneLine { try await CredentialEnvironment.freeze(auth) }
        var environment = ChildProcess.currentEnvironment().filter { !CredentialEnvironment.names.contains($0.0) }
        let added = CredentialEnvironment.variables(credentials, region: region)
        environment.removeAll { variable in added.contains { $0.0 == variable.0 } }
        environment += added
        // As aws-vault: the command replaces this process (same pid), so signals reach it
        // directly and its exit status is ours. Returns only if it could not be started.
        let failure = ChildProcess.replaceCurrentProcess(command, environment: environment)
        let name = command[0].split(separator: "/").last.map(String.init) ?? command[0]
        StandardError.line("rolekit: cannot run \(SafeText.excerpt(name, limit: 80)): \(ChildProcess.describe(errno: failure))")
        throw ExitCode(failure == ENOENT ? 127 : 126)
    }
}
