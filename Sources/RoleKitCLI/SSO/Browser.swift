import FoundationEssentials
import RoleKitSupport
import RoleKitTransport

/// Opens a URL in the user's browser: `$BROWSER` (its first `:`-separated entry, as Python's
/// webbrowser reads it), else `xdg-open` when a display is there (`open` on macOS). The command
/// runs in the background: the sign-in goes on whether or not it exits.
enum Browser {
    /// Whether a browser command was started.
    static func open(_ url: String, environment: AWSEnvironment) -> Bool {
        var command: [String]
        if let browser = environment.nonEmpty("BROWSER")?.split(separator: ":").first.map(String.init) {
            command = [browser]
        } else {
            #if os(macOS)
            command = ["/usr/bin/open"]
            #else
            guard environment.nonEmpty("DISPLAY") != nil || environment.nonEmpty("WAYLAND_DISPLAY") != nil, let program = findOnPath("xdg-open", environment: environment) else { return false }
            command = [program]
            #endif
        }
        command.append(url)
        let arguments = command
        Task.detached {
            _ = await DedicatedThread.run { ChildProcess.runCapturingOutput(arguments, timeout: .seconds(600), maximumOutput: 64 * 1024) }
        }
        return true
    }

    static func findOnPath(_ name: String, environment: AWSEnvironment) -> String? {
        for directory in (environment.nonEmpty("PATH") ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
