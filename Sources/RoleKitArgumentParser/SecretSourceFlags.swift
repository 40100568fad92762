import ArgumentParser
import RoleKitIdentity

/// Three flags naming one secret: its value (visible in the process list), an environment
/// variable, or a file. At most one may be given; the value flag gets the process-list warning.
struct SecretSourceFlags {
    var value: (flag: String, given: String?)
    var environment: (flag: String, given: String?)
    var file: (flag: String, given: String?)

    var isGiven: Bool { value.given != nil || environment.given != nil || file.given != nil }

    func validate() throws {
        let count = [value.given, environment.given, file.given].filter { $0 != nil }.count
        if count > 1 { throw ValidationError("give at most one of \(value.flag), \(environment.flag) and \(file.flag)") }
        if value.given != nil { SecretFlagWarning.warn(value.flag, prefer: "\(environment.flag) or \(file.flag)") }
    }

    /// The source the given flag names, else `fallback`.
    func source(else fallback: PassphraseSource) -> PassphraseSource {
        if let text = value.given { return .value(Passphrase(text)) }
        if let name = environment.given { return .environment(name) }
        if let path = file.given { return .file(path) }
        return fallback
    }
}
