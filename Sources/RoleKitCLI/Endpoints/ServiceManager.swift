import FoundationEssentials
import RoleKitEndpoints
import RoleKitSupport

/// What `serve` and `update` tell systemd: readiness, status lines, stopping, and the
/// watchdog's keep-alives, when `NOTIFY_SOCKET` is set (else nothing).
///
/// `NOTIFY_SOCKET` and the watchdog variables are removed from the environment once read, so a
/// `credential_process` these commands run cannot notify in their name.
struct ServiceManager: Sendable {
    let notifier: SystemdNotifier?

    /// From the environment; a malformed `NOTIFY_SOCKET` is reported on standard error and
    /// ignored (the service still runs; systemd then reports the missing readiness).
    static func fromEnvironment() -> ServiceManager {
        let notifier: SystemdNotifier?
        do {
            notifier = try SystemdNotifier(environment: SystemEnvironment.value)
        } catch {
            StandardError.line("rolekit: warning: not notifying the service manager: \(error)")
            notifier = nil
        }
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] { SystemEnvironment.remove(name) }
        return ServiceManager(notifier: notifier)
    }

    /// Sends `state` (`READY=1`, `STATUS=…`); a failure is a warning on standard error.
    func send(_ state: String) {
        guard let notifier else { return }
        do {
            try notifier.notify(state)
        } catch {
            StandardError.line("rolekit: warning: \(error)")
        }
    }

    /// Ready, with a status line.
    func ready(status: String) {
        send("READY=1\nSTATUS=\(Self.statusLine(status))")
    }

    /// A new status line.
    func status(_ status: String) {
        send("STATUS=\(Self.statusLine(status))")
    }

    func stopping() {
        send("STOPPING=1")
    }

    /// Keep-alives at half of `WATCHDOG_USEC` while the task runs (none without a watchdog).
    func watchdog() -> Task<Void, Never>? {
        guard let notifier, let interval = notifier.watchdogInterval else { return nil }
        return Task {
            while !Task.isCancelled {
                send("WATCHDOG=1")
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }

    /// One line (a status cannot carry a line break: it would start another assignment).
    static func statusLine(_ text: String) -> String {
        String(text.prefix(200).map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
