#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The warning for a flag that carries a secret on the command line, where every local user can
/// read it (`ps`, `/proc/PID/cmdline`).
enum SecretFlagWarning {
    /// Printed only when standard error is a terminal: a person sees it, and programs that run
    /// `rolekit` (the AWS CLI's `credential_process`) still get one line per error.
    static func warn(_ flag: String, prefer alternative: String) {
        guard isatty(2) == 1 else { return }
        StandardError.line("rolekit: warning: \(flag) puts a secret in the process list, where other local users can read it; prefer \(alternative)")
    }
}
