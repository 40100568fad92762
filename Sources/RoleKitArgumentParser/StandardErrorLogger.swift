public import Logging
import RoleKitSupport

/// The command-line logger: standard error, debug level with `--debug`, else only `quietLevel`
/// and above.
public enum StandardErrorLogger {
    public static func make(debug: Bool, quietLevel: Logger.Level) -> Logger {
        var logger = Logger(label: StandardStreams.programName) { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .debug
            return handler
        }
        logger.logLevel = debug ? .debug : quietLevel
        return logger
    }
}
