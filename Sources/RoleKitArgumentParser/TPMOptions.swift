public import ArgumentParser
public import RoleKitIdentity

/// The TPM flags of `aws_signing_helper` (`--tpm-key-password`, `--no-tpm-key-password`) and
/// RoleKit's safer password sources and TCTI choice, for a `--private-key` given as a
/// `TSS2 PRIVATE KEY` file or `handle:0x81…`.
public struct TPMOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("tpm-key-password"), help: ArgumentHelp("The TPM key's password (visible to other users in the process list: prefer --tpm-key-password-env or --tpm-key-password-file).", valueName: "password"))
    public var password: String?

    @Option(name: .customLong("tpm-key-password-env"), help: ArgumentHelp("Read the TPM key's password from this environment variable.", valueName: "name"))
    public var passwordEnv: String?

    @Option(name: .customLong("tpm-key-password-file"), help: ArgumentHelp("Read the TPM key's password from the first line of this file.", valueName: "path"))
    public var passwordFile: String?

    @Flag(name: .customLong("no-tpm-key-password"), help: "The TPM key (a handle: key) has no password: do not ask for one.")
    public var noPassword = false

    @Option(name: .customLong("tpm-tcti"), help: ArgumentHelp("The TPM's TCTI, e.g. device:/dev/tpmrm0 or swtpm:host=127.0.0.1,port=2321 (default: TPM2TOOLS_TCTI, else TPM_DEVICE, else /dev/tpmrm0, then /dev/tpm0).", valueName: "tcti"))
    public var tcti: String?

    public init() {}

    private var flags: SecretSourceFlags {
        SecretSourceFlags(value: ("--tpm-key-password", password), environment: ("--tpm-key-password-env", passwordEnv), file: ("--tpm-key-password-file", passwordFile))
    }

    public func validate() throws {
        try flags.validate()
        if flags.isGiven && noPassword { throw ValidationError("--no-tpm-key-password cannot be combined with a TPM key password") }
    }

    /// The TPM and password sources these flags name (a terminal prompt when the key needs a
    /// password and none is given).
    public var options: TPMKey.Options {
        TPMKey.Options(tcti: tcti, password: noPassword ? nil : flags.source(else: .prompt), noPassword: noPassword)
    }
}
