public import ArgumentParser
public import RoleKitIdentity

/// Certificate, key and passphrase flags, spelled as `aws_signing_helper` spells them.
public struct IdentityOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("Certificate: PEM, DER, a PEM holding key and certificate, PKCS#12 (.p12/.pfx), or a pkcs11: URI.", valueName: "path|uri"))
    public var certificate: String

    @Option(name: .customLong("private-key"), help: ArgumentHelp("Private key: PKCS#1, PKCS#8 (plain or encrypted), SEC1, traditional encrypted PEM, DER, a pkcs11: URI, a TPM key (TSS2 PRIVATE KEY PEM) or a TPM handle:0x81….", valueName: "path|uri|handle"))
    public var privateKey: String?

    @Option(help: ArgumentHelp("PEM bundle of intermediate certificates (leaf excluded).", valueName: "path"))
    public var intermediates: String?

    @OptionGroup public var passphrase: PassphraseOptions

    @OptionGroup(title: "PKCS#11") public var pkcs11: PKCS11Options

    @OptionGroup(title: "TPM 2.0") public var tpm: TPMOptions

    public init() {}

    /// The certificate, chain and key these flags name.
    public func loadIdentity() throws -> SigningIdentity {
        try SigningIdentity.load(certificate: certificate, privateKey: privateKey, intermediates: intermediates, passphrase: passphrase.source, pkcs11: pkcs11.options, tpm: tpm.options)
    }
}
