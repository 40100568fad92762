public import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

    public func credentials() async throws -> Credentials {
        try await refresher.credentials()
    }

    /// Runs `command` once and parses its output.
    public static func run(_ command: String, timeout: Duration) async throws -> Credentials {
        guard let arguments = ShellWords.split(command), !arguments.isEmpty else {
            throw CredentialsError(.processFailed, "credential_process \"\(command)\" is not a valid command line (check its quotes)")
        }
        let output = try await Task.detached { try spawnAndRead(arguments, timeout: timeout) }.value
        do {
            return try Credentials(credentialProcessJSON: output)
        } catch let error as CredentialsError {
            throw CredentialsError(.processFailed, "credential_process \(arguments[0]): \(error.message)")
        } catch DecodingError.dataCorrupted {
            throw CredentialsError(.processFailed, "credential_process \(arguments[0]) printed output that is not JSON")
        } catch {
            throw CredentialsError(.processFailed, "credential_process \(arguments[0]) did not print the credential_process fields (Version 1, AccessKeyId, SecretAccessKey as strings)")
        }
    }

    private static func spawnAndRead(_ arguments: [String], timeout: Duration) throws -> [UInt8] {
        var pipe: [Int32] = [0, 0]
        guard pipe.withUnsafeMutableBufferPointer({ Glibc.pipe($0.baseAddress!) }) == 0 else {
            throw CredentialsError(.processFailed, "cannot create a pipe for credential_process (errno \(errno))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let status = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        close(pipe[1])
        guard status == 0 else {
            close(pipe[0])
            throw CredentialsError(.processFailed, "credential_process: cannot run \(arguments[0]) (\(String(cString: strerror(status))))")
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + timeout
        var timedOut = false
        while true {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { timedOut = true; break }
            var descriptor = pollfd(fd: pipe[0], events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000, 1000))
            let ready = poll(&descriptor, 1, max(milliseconds, 1))
            if ready < 0 { if errno == EINTR { continue }; break }
            if ready == 0 { continue }
            let count = read(pipe[0], &buffer, buffer.count)
            if count < 0 { if errno == EINTR { continue }; break }
            if count == 0 { break }
            output += buffer[0..<count]
            if output.count > 1 << 20 { break }
        }
        close(pipe[0])
        if timedOut {
            kill(pid, SIGKILL)
        }
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) < 0 && errno == EINTR {}
        if timedOut {
            throw CredentialsError(.processFailed, "credential_process \(arguments[0]) did not finish within \(timeout)")
        }
        let exited = (exitStatus & 0x7f) == 0
        let code = (exitStatus >> 8) & 0xff
        guard exited, code == 0 else {
            throw CredentialsError(.processFailed, exited ? "credential_process \(arguments[0]) exited with status \(code)" : "credential_process \(arguments[0]) was killed by signal \(exitStatus & 0x7f)")
        }
        return output
    }
}
