public import FoundationEssentials
import RoleKitSigning
import RoleKitSupport

/// `credential_process`: runs a command (split like a shell command line, run without a
/// shell), reads Version 1 JSON from its standard output, and passes its standard error
/// through. A non-zero exit, a timeout, bad JSON or another Version is an error.
public final class ProcessCredentialProvider: CredentialProvider {
    public let command: String
    public let timeout: Duration
    private let refresher: RefreshingCredentialProvider

    public init(command: String, timeout: Duration = .seconds(60)) {
        self.command = command
        self.timeout = timeout
        self.refresher = RefreshingCredentialProvider { try await Self.run(command, timeout: timeout) }
    }

    /// New credentials now, past the cache (see ``CredentialProvider/refreshedCredentials()``).
    public func refreshedCredentials() async throws -> Credentials {
        try await refresher.refresh()
    }

    public func credentials() async throws -> Credentials {
        try await refresher.credentials()
    }

    /// Runs `command` once and parses its output.
    ///
    /// Messages name the program (its last path component) only, never the command line: it
    /// may carry a passphrase.
    public static func run(_ command: String, timeout: Duration) async throws -> Credentials {
        guard let arguments = ShellWords.split(command), !arguments.isEmpty, !arguments[0].isEmpty else {
            throw CredentialsError(.processFailed, "the credential_process setting is not a valid command line (check its quotes and backslashes)")
        }
        let program = Self.programName(arguments[0])
        let bounded = min(max(timeout, .milliseconds(1)), .seconds(3600))
        // Blocking waits run on a thread of their own, never on the cooperative pool.
        let outcome = await DedicatedThread.run { ChildProcess.runCapturingOutput(arguments, timeout: bounded, maximumOutput: maximumOutput) }
        let output: [UInt8]
        switch outcome {
        case .finished(let status, let printed):
            let signal = status & 0x7f
            guard signal == 0, (status >> 8) & 0xff == 0 else {
                throw CredentialsError(.processFailed, signal == 0 ? "credential_process \(program) exited with status \((status >> 8) & 0xff)" : "credential_process \(program) was killed by signal \(signal)")
            }
            output = printed
        case .pipeFailed(let code):
            throw CredentialsError(.processFailed, "cannot create a pipe for credential_process (errno \(code))")
        case .spawnFailed(let code):
            throw CredentialsError(code == ChildProcess.noSuchFile ? .programNotFound : .processFailed, "credential_process: cannot run \(program) (\(ChildProcess.describe(errno: code)))")
        case .readFailed(let code):
            throw CredentialsError(.processFailed, "credential_process \(program) could not be read (errno \(code)); it was stopped")
        case .timedOut:
            throw CredentialsError(.processFailed, "credential_process \(program) did not finish within \(bounded); it was stopped")
        case .tooMuchOutput:
            throw CredentialsError(.processFailed, "credential_process \(program) printed more than \(maximumOutput) bytes; it was stopped")
        }
        do {
            let source = "credential_process \(program)"
            let credentials = try Credentials(credentialProcessJSON: output, source: source)
            try credentials.validate(source: source, now: Date())
            return credentials
        } catch let error as CredentialsError where error.code == .invalidCredentials || error.code == .expired {
            throw error  // the message names the program already
        } catch let error as CredentialsError {
            throw CredentialsError(.processFailed, "credential_process \(program): \(error.message)")
        } catch DecodingError.dataCorrupted {
            throw CredentialsError(.processFailed, "credential_process \(program) printed output that is not JSON")
        } catch {
            throw CredentialsError(.processFailed, "credential_process \(program) did not print the credential_process fields (Version 1, AccessKeyId, SecretAccessKey as strings)")
        }
    }

    /// The program's file name, made safe for a message.
    static func programName(_ path: String) -> String {
        SafeText.excerpt(path.split(separator: "/").last.map(String.init) ?? path, limit: 60)
    }

    /// The most output read from a `credential_process` child.
    static let maximumOutput = 1 << 20
}
