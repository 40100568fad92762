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
        discussion: """
            rolekit exec --profile deploy -- aws s3 ls
            The command gets ROLEKIT_EXEC (the credential source). Inside it, another rolekit exec \
            is refused unless --allow-nested is given: as with aws-vault, the inner credentials \
            would silently replace the outer ones.
            """
    )

    /// The variable that marks a command run by `rolekit exec`.
    static let marker = "ROLEKIT_EXEC"

    @OptionGroup var auth: AWSAuthOptions

    @Flag(help: "Run even inside another rolekit exec (ROLEKIT_EXEC set).")
    var allowNested = false

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command after --, e.g. rolekit exec -- aws sts get-caller-identity") }
    }

    func run() async throws {
        let current = ChildProcess.currentEnvironment()
        if !allowNested, current.contains(where: { $0.0 == Self.marker && !$0.1.isEmpty }) {
            StandardError.line("rolekit: already inside rolekit exec (\(Self.marker) is set), whose credentials this would replace; pass --allow-nested to run anyway, or unset \(Self.marker)")
            throw ExitCode.failure
        }
        let (credentials, region, method) = try await StandardError.failingWithOneLine { try await CredentialEnvironment.freeze(auth) }
        var environment = current.filter { !CredentialEnvironment.names.contains($0.0) && $0.0 != Self.marker }
        var added = CredentialEnvironment.variables(credentials, region: region)
        added.append((Self.marker, SafeText.excerpt(method ?? "credentials", limit: 120)))
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
