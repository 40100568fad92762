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

/// Frozen credentials as the environment variables SDKs read.
enum CredentialEnvironment {
    static let names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"]

    static func variables(_ credentials: Credentials, region: String) -> [(String, String)] {
        var variables = [("AWS_ACCESS_KEY_ID", credentials.accessKeyId), ("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey)]
        if let token = credentials.sessionToken { variables.append(("AWS_SESSION_TOKEN", token)) }
        variables.append(("AWS_REGION", region))
        variables.append(("AWS_DEFAULT_REGION", region))
        if let expiration = credentials.expiration { variables.append(("AWS_CREDENTIAL_EXPIRATION", ISO8601Timestamp.format(expiration))) }
        return variables
    }

    static func freeze(_ auth: AWSAuthOptions) async throws -> (Credentials, String, String?) {
        let transport = try HTTPTransport()
        do {
            let session = auth.session(transport: transport)
            let credentials = try await session.freeze()
            try? await transport.shutdown()
            if auth.authDebug { StandardError.line("rolekit: credentials from \(session.method ?? "?") (\(credentials.accessKeyId))") }
            return (credentials, session.region, session.method)
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }
}

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
        var environment: [(String, String)] = []
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                let name = String(text[..<equals])
                if !CredentialEnvironment.names.contains(name) { environment.append((name, String(text[text.index(after: equals)...]))) }
            }
            pointer += 1
        }
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

/// `rolekit env`: credentials as shell (or JSON) assignments.
struct EnvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Print AWS credentials as environment assignments for sh, fish or PowerShell, or as JSON.",
        discussion: "eval \"$(rolekit env --profile deploy)\""
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case sh, fish, powershell, json
    }

    @OptionGroup var auth: AWSAuthOptions

    @Option(help: "Output format: sh, fish, powershell or json.")
    var format: Format = .sh

    func run() async throws {
        let (credentials, region, _) = try await StandardError.failingWithOneLine { try await CredentialEnvironment.freeze(auth) }
        let variables = CredentialEnvironment.variables(credentials, region: region)
        switch format {
        case .sh:
            print(variables.map { "export \($0.0)=\(ShellQuote.quote($0.1))" }.joined(separator: "\n"))
        case .fish:
            print(variables.map { "set -gx \($0.0) '\($0.1.replacing("\\", with: "\\\\").replacing("'", with: "\\'"))';" }.joined(separator: "\n"))
        case .powershell:
            print(variables.map { "$Env:\($0.0) = '\($0.1.replacing("'", with: "''"))'" }.joined(separator: "\n"))
        case .json:
            print(JSONWriter(itemSeparator: ", ", memberSeparator: ": ", asciiOnly: false).render(.object(variables.map { JSONValue.Member($0.0, .string($0.1)) })))
        }
    }
}
