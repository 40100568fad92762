import ArgumentParser
import FoundationEssentials
import RoleKitCredentials
import RoleKitTransport
import RoleKitSigning
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
        if let expiration = credentials.expiration { variables.append(("AWS_CREDENTIAL_EXPIRATION", ISO8601TimestampText.format(expiration))) }
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

/// The child `rolekit exec` runs, for the signal handler.
nonisolated(unsafe) private var execChildPID: pid_t = 0
/// A signal that arrived before the child existed; sent to it once it does.
nonisolated(unsafe) private var execPendingSignal: Int32 = 0

private func forwardSignal(_ signal: Int32) {
    if execChildPID > 0 { kill(execChildPID, signal) } else { execPendingSignal = signal }
}

/// `rolekit exec -- CMD ARGS…`: runs a command with credentials in its environment.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command with AWS credentials in its environment; its exit status and signals pass through.",
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
        var environment: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") { environment[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
            pointer += 1
        }
        for name in CredentialEnvironment.names { environment[name] = nil }
        for (name, value) in CredentialEnvironment.variables(credentials, region: region) { environment[name] = value }
        let status = try StandardError.spawnAndWait(command, environment: environment)
        switch status {
        case .exited(let code):
            throw ExitCode(code)
        case .signalled(let signal):
            // Die the same way, so a parent sees what happened to the child.
            Glibc.signal(signal, SIG_DFL)
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, signal)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            raise(signal)
            throw ExitCode(128 + signal)
        }
    }
}

extension StandardError {
    enum ChildStatus {
        case exited(Int32)
        case signalled(Int32)
    }

    /// Runs `arguments` (looked up in `PATH`), forwarding SIGINT, SIGTERM and SIGHUP to it.
    static func spawnAndWait(_ arguments: [String], environment: [String: String]) throws -> ChildStatus {
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        // Search PATH from the child's environment, as a shell would.
        let previousPath = getenv("PATH").map { String(cString: $0) }
        if let path = environment["PATH"] { setenv("PATH", path, 1) }
        // The child starts with default dispositions and no blocked signals, whatever this
        // process ignores (SwiftNIO ignores SIGPIPE, for one).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        // Forward from before the spawn: a signal in between is kept and delivered after it.
        for signal in [SIGINT, SIGTERM, SIGHUP] { Glibc.signal(signal, forwardSignal) }
        let status = posix_spawnp(&pid, arguments[0], nil, &attributes, argv, envp)
        if let previousPath { setenv("PATH", previousPath, 1) }
        guard status == 0 else {
            for signal in [SIGINT, SIGTERM, SIGHUP] { Glibc.signal(signal, SIG_DFL) }
            throw CredentialsError(.processFailed, "cannot run \(SafeText.excerpt(arguments[0].split(separator: "/").last.map(String.init) ?? arguments[0], limit: 80)): \(String(cString: strerror(status)))")
        }
        execChildPID = pid
        if execPendingSignal != 0 { kill(pid, execPendingSignal) }
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) < 0 && errno == EINTR {}
        if (exitStatus & 0x7f) == 0 { return .exited((exitStatus >> 8) & 0xff) }
        return .signalled(exitStatus & 0x7f)
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
            print("{" + variables.map { "\(JSONText.quote($0.0)): \(JSONText.quote($0.1))" }.joined(separator: ", ") + "}")
        }
    }
}
