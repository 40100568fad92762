#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place the package starts other programs: `credential_process` children (spawned,
/// their output read under a deadline) and `rolekit exec` (which replaces this process).
package enum ChildProcess {
    /// How a captured run ended.
    package enum Outcome: Sendable, Equatable {
        /// The child ran to its end: its raw wait status and everything it wrote to stdout.
        case finished(status: Int32, output: [UInt8])
        case pipeFailed(errno: Int32)
        case spawnFailed(errno: Int32)
        case readFailed(errno: Int32)
        /// Stopped (killed with its process group) at the deadline.
        case timedOut
        /// Stopped after writing more than the limit.
        case tooMuchOutput
    }

    /// Runs `arguments` (`PATH` searched) with stdin from `/dev/null`, stderr passed through,
    /// stdout captured; in its own process group with default signal handling, killed with
    /// its group at `timeout`. Blocks the calling thread: call it from ``DedicatedThread``.
    package static func runCapturingOutput(_ arguments: [String], timeout: Duration, maximumOutput: Int) -> Outcome {
        guard !arguments.isEmpty else { return .spawnFailed(errno: ENOENT) }
        var pipe: [Int32] = [-1, -1]
        guard makeCloseOnExecPipe(&pipe) else { return .pipeFailed(errno: errno) }
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
            return .spawnFailed(errno: status)
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
        var failure: Outcome?
        while true {
            let wait = millisecondsLeft()
            if wait <= 0 { failure = .timedOut; break }
            var descriptor = pollfd(fd: pipe[0], events: Int16(POLLIN), revents: 0)
            let ready = SystemCall.retryingOnInterrupt { poll(&descriptor, 1, wait) }
            if ready < 0 { failure = .readFailed(errno: errno); break }
            if ready == 0 { continue }
            let count = SystemCall.retryingOnInterrupt { read(pipe[0], &buffer, buffer.count) }
            if count < 0 { if errno == EAGAIN { continue }; failure = .readFailed(errno: errno); break }
            if count == 0 { break }
            output += buffer[0..<count]
            if output.count > maximumOutput { failure = .tooMuchOutput; break }
        }
        close(pipe[0])
        // Reap the child within the same deadline: it may close stdout and keep running.
        var exitStatus: Int32 = 0
        var reaped = false
        if failure == nil {
            while true {
                let result = SystemCall.retryingOnInterrupt { waitpid(pid, &exitStatus, WNOHANG) }
                if result == pid || result < 0 { reaped = true; break }
                if millisecondsLeft() <= 0 { failure = .timedOut; break }
                usleep(2000)
            }
        }
        if !reaped {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            exitStatus = SystemCall.waitForExit(pid) ?? exitStatus
        }
        return failure ?? .finished(status: exitStatus, output: output)
    }

    /// Replaces this process with `arguments` (`PATH` searched in `environment`, as a shell
    /// does), the way aws-vault's `exec` does: the command keeps this process's id, so signals
    /// reach it directly and its exit status is the caller's, with nothing to forward.
    /// Signal dispositions and the signal mask are reset first (SwiftNIO ignores SIGPIPE).
    /// - Returns: Only on failure: the `errno` of the last attempt.
    package static func replaceCurrentProcess(_ arguments: [String], environment: [(String, String)]) -> Int32 {
        guard let name = arguments.first, !name.isEmpty else { return ENOENT }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.0)=\($0.1)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD] { _ = signalDefault(signal) }
        var empty = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, nil)
        fflush(nil)
        let candidates: [String]
        if name.contains("/") {
            candidates = [name]
        } else {
            let path = environment.last { $0.0 == "PATH" }?.1 ?? "/usr/local/bin:/usr/bin:/bin"
            candidates = path.split(separator: ":", omittingEmptySubsequences: false).map { ($0.isEmpty ? "." : String($0)) + "/" + name }
        }
        var failure = ENOENT
        for candidate in candidates {
            _ = execve(candidate, argv, envp)
            // As execvp: a permission problem is remembered, a missing file tries the next entry.
            if errno == EACCES { failure = EACCES } else if errno != ENOENT && errno != ENOTDIR { return errno }
        }
        return failure
    }

    /// This process's environment, in order, as (name, value) pairs.
    package static func currentEnvironment() -> [(String, String)] {
        var environment: [(String, String)] = []
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                environment.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
            }
            pointer += 1
        }
        return environment
    }

    /// The absolute path of the running executable, symbolic links resolved
    /// (`/proc/self/exe` on Linux, `_NSGetExecutablePath` on macOS); `nil` if unknown.
    package static func currentExecutablePath() -> String? {
        #if canImport(Darwin)
        var size: UInt32 = 0
        _ = _NSGetExecutablePath(nil, &size)
        guard size > 0, size < 65_536 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(size) + 1)
        guard _NSGetExecutablePath(&buffer, &size) == 0, let resolved = realpath(buffer, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
        #else
        guard let resolved = realpath("/proc/self/exe", nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
        #endif
    }

    /// `ENOENT`: the program does not exist.
    package static let noSuchFile = ENOENT

    /// The description of an `errno` value.
    package static func describe(errno value: Int32) -> String {
        String(cString: strerror(value))
    }

    private static func signalDefault(_ signal: Int32) -> Bool {
        var action = sigaction()
        #if canImport(Darwin)
        action.__sigaction_u.__sa_handler = SIG_DFL
        #else
        action.__sigaction_handler.sa_handler = SIG_DFL
        #endif
        sigemptyset(&action.sa_mask)
        return sigaction(signal, &action, nil) == 0
    }

    private static func makeCloseOnExecPipe(_ fds: inout [Int32]) -> Bool {
        fds.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress, pipe(base) == 0 else { return false }
            _ = fcntl(base[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(base[1], F_SETFD, FD_CLOEXEC)
            return true
        }
    }
}
