public import ArgumentParser
public import RoleKitIdentity

/// The PKCS#11 flags of `aws_signing_helper` (`--pkcs11-lib`, `--reuse-pin`) and the PIN's
/// sources, for a `--certificate` or `--private-key` given as a `pkcs11:` URI.
public struct PKCS11Options: ParsableArguments, Sendable {
    @Option(name: .customLong("pkcs11-lib"), help: ArgumentHelp("PKCS#11 module for pkcs11: URIs (default: the URI's module-path, else p11-kit-proxy.so).", valueName: "path"))
    public var library: String?

    @Flag(name: .customLong("reuse-pin"), help: "Use the token's user PIN for keys that ask for it at every signature (CKA_ALWAYS_AUTHENTICATE).")
    public var reusePIN = false

    @Option(name: .customLong("pin-env"), help: ArgumentHelp("Read the token's user PIN from this environment variable (else the URI's pin-value, --pin-file, or a prompt).", valueName: "name"))
    public var pinEnv: String?

    @Option(name: .customLong("pin-file"), help: ArgumentHelp("Read the token's user PIN from the first line of this file.", valueName: "path"))
    public var pinFile: String?

    public init() {}

    public func validate() throws {
        if pinEnv != nil && pinFile != nil { throw ValidationError("give --pin-env or --pin-file, not both") }
    }

    /// The module and PIN sources these flags name (a terminal prompt when none is given).
    public var options: PKCS11Token.Options {
        let pin: PassphraseSource = pinEnv.map(PassphraseSource.environment) ?? pinFile.map(PassphraseSource.file) ?? .prompt
        return PKCS11Token.Options(modulePath: library, pin: pin, reusePIN: reusePIN)
    }
}
