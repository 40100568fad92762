import RoleKitSupport

/// The warning for a flag that carries a secret on the command line, where every local user can
/// read it (`ps`, `/proc/PID/cmdline`).
package enum SecretFlagWarning {
    /// Printed only when standard error is a terminal: a person sees it, and programs that run
    /// the tool (the AWS CLI's `credential_process`) still get one line per error.
    package static func warn(_ flag: String, prefer alternative: String) {
        guard StandardStreams.errorIsTerminal else { return }
        StandardStreams.writeError("\(StandardStreams.programName): warning: \(flag) puts a secret in the process list, where other local users can read it; prefer \(alternative)\n")
    }
}
