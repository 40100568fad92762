public import ArgumentParser
public import RoleKitIdentity

/// Where the passphrase of an encrypted key or PKCS#12 file comes from.
public struct PassphraseOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("pkcs8-password"), help: ArgumentHelp("Passphrase of an encrypted key or PKCS#12 file (visible in the process list; prefer --passphrase-env or --passphrase-file).", valueName: "password"))
    public var pkcs8Password: String?

    @Option(name: .customLong("passphrase-env"), help: ArgumentHelp("Read the passphrase from this environment variable.", valueName: "name"))
    public var passphraseEnv: String?

    @Option(name: .customLong("passphrase-file"), help: ArgumentHelp("Read the passphrase from the first line of this file.", valueName: "path"))
    public var passphraseFile: String?

    public init() {}

    public func validate() throws {
        let given = [pkcs8Password != nil, passphraseEnv != nil, passphraseFile != nil].filter { $0 }.count
        if given > 1 {
            throw ValidationError("give at most one of --pkcs8-password, --passphrase-env and --passphrase-file")
        }
        if pkcs8Password != nil { SecretFlagWarning.warn("--pkcs8-password", prefer: "--passphrase-env or --passphrase-file") }
    }

    /// The chosen source; without a flag, a prompt on the terminal (which fails cleanly without one).
    public var source: PassphraseSource {
        if let pkcs8Password { return .value(Passphrase(pkcs8Password)) }
        if let passphraseEnv { return .environment(passphraseEnv) }
        if let passphraseFile { return .file(passphraseFile) }
        return .prompt
    }
}
