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

    private var flags: SecretSourceFlags {
        SecretSourceFlags(value: ("--pkcs8-password", pkcs8Password), environment: ("--passphrase-env", passphraseEnv), file: ("--passphrase-file", passphraseFile))
    }

    public func validate() throws { try flags.validate() }

    /// The chosen source; without a flag, a prompt on the terminal (which fails cleanly without one).
    public var source: PassphraseSource { flags.source(else: .prompt) }
}
