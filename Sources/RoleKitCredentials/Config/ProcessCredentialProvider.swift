public import FoundationEssentials
import Dispatch
import RoleKitSigning
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
        let output: [UInt8] = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try spawnAndRead(arguments, program: program, timeout: bounded) })
            }
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

    private static func spawnAndRead(_ arguments: [String], program: String, timeout: Duration) throws -> [UInt8] {
        var pipe: [Int32] = [-1, -1]
        guard ProcessPipe.make(&pipe) else {
            throw CredentialsError(.processFailed, "cannot create a pipe for credential_process (errno \(errno))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the child's stdout; every other descriptor of ours
        // (both pipe ends included) is close-on-exec and does not reach the child.
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
        // Its own process group, so a timeout kills it and everything it started.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))
        let status = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        close(pipe[1])
        guard status == 0 else {
            close(pipe[0])
            throw CredentialsError(.processFailed, "credential_process: cannot run \(program) (\(String(cString: strerror(status))))")
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + timeout
        func millisecondsLeft() -> Int32 {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return 0 }
            let (seconds, attoseconds) = remaining.components
            return Int32(min(seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1, 1000))
        }
        var failure: String?
        while true {
            let wait = millisecondsLeft()
            if wait <= 0 { failure = "did not finish within \(timeout)"; break }
            var descriptor = pollfd(fd: pipe[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, wait)
            if ready < 0 { if errno == EINTR { continue }; failure = "could not be read (errno \(errno))"; break }
            if ready == 0 { continue }
            let count = read(pipe[0], &buffer, buffer.count)
            if count < 0 { if errno == EINTR || errno == EAGAIN { continue }; failure = "could not be read (errno \(errno))"; break }
            if count == 0 { break }
            output += buffer[0..<count]
            if output.count > maximumOutput { failure = "printed more than \(maximumOutput) bytes"; break }
        }
        close(pipe[0])
        // Reap the child within the same deadline: it may close stdout and keep running.
        var exitStatus: Int32 = 0
        var reaped = false
        if failure == nil {
            while true {
                let result = waitpid(pid, &exitStatus, WNOHANG)
                if result == pid { reaped = true; break }
                if result < 0 && errno != EINTR { reaped = true; break }
                if millisecondsLeft() <= 0 { failure = "did not exit within \(timeout)"; break }
                usleep(2000)
            }
        }
        if !reaped {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            while waitpid(pid, &exitStatus, 0) < 0 && errno == EINTR {}
        }
        if let failure {
            throw CredentialsError(.processFailed, "credential_process \(program) \(failure); it was stopped")
        }
        let exited = (exitStatus & 0x7f) == 0
        let code = (exitStatus >> 8) & 0xff
        guard exited, code == 0 else {
            throw CredentialsError(.processFailed, exited ? "credential_process \(program) exited with status \(code)" : "credential_process \(program) was killed by signal \(exitStatus & 0x7f)")
        }
        return output
    }
}

/// A pipe whose both ends are close-on-exec.
enum ProcessPipe {
    static func make(_ fds: inout [Int32]) -> Bool {
        fds.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            guard pipe(base) == 0 else { return false }
            _ = fcntl(base[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(base[1], F_SETFD, FD_CLOEXEC)
            return true
        }
    }
}
