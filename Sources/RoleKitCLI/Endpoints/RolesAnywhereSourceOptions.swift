import ArgumentParser
import RoleKitArgumentParser
import FoundationEssentials
import Logging
import RoleKitCredentials
import RoleKitIdentity
import RoleKitTransport

/// The `aws_signing_helper` flags of `serve` and `update`, all optional: with `--certificate`
/// the credentials come from Roles Anywhere, otherwise from the other source the command takes
/// (a profile, keys, the default chain).
struct RolesAnywhereSourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Roles Anywhere: certificate (PEM, DER, combined PEM or PKCS#12).", valueName: "path"))
    var certificate: String?

    @Option(name: .customLong("private-key"), help: ArgumentHelp("Roles Anywhere: private key of the certificate (a file, a pkcs11: URI, a TSS2 PRIVATE KEY or a TPM handle:0x81…).", valueName: "path|uri|handle"))
    var privateKey: String?

    @Option(help: ArgumentHelp("Roles Anywhere: PEM bundle of intermediate certificates.", valueName: "path"))
    var intermediates: String?

    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup(title: "PKCS#11") var pkcs11: PKCS11Options
    @OptionGroup(title: "TPM 2.0") var tpm: TPMOptions

    @Option(name: .customLong("trust-anchor-arn"), help: ArgumentHelp("Roles Anywhere: trust anchor ARN.", valueName: "arn"))
    var trustAnchorArn: String?

    @Option(name: .customLong("profile-arn"), help: ArgumentHelp("Roles Anywhere: profile ARN.", valueName: "arn"))
    var profileArn: String?

    @Option(name: .customLong("role-arn"), help: ArgumentHelp("Roles Anywhere: role ARN.", valueName: "arn"))
    var roleArn: String?

    @Option(name: .customLong("session-duration"), help: ArgumentHelp("Roles Anywhere: session length in seconds (900–43200).", valueName: "seconds"))
    var sessionDuration: Int = 3600

    @Option(help: ArgumentHelp("Roles Anywhere endpoint.", valueName: "url"))
    var endpoint: String?

    @OptionGroup var transport: TransportOptions

    @Flag(help: "Log each step to standard error (secrets redacted).")
    var debug = false

    var isGiven: Bool { certificate != nil }

    func validate() throws {
        if certificate == nil {
            if trustAnchorArn != nil || profileArn != nil || roleArn != nil || privateKey != nil {
                throw ValidationError("the Roles Anywhere flags need --certificate")
            }
            return
        }
        guard trustAnchorArn != nil, profileArn != nil, roleArn != nil else {
            throw ValidationError("with --certificate, give --trust-anchor-arn, --profile-arn and --role-arn")
        }
        guard (900...43_200).contains(sessionDuration) else {
            throw ValidationError("--session-duration must be between 900 and 43200 seconds, not \(sessionDuration)")
        }
        if let endpoint { _ = try RolesAnywhereOptions.parseEndpoint(endpoint) }
    }

    /// Warnings (refresh failures) always; every step with `--debug`.
    var logger: Logger { StandardErrorLogger.make(debug: debug, quietLevel: .warning) }

    /// The Roles Anywhere provider these flags describe (checked before anything is sent).
    func provider(region: String?, roleSessionName: String?, transport: HTTPTransport) throws -> RolesAnywhereCredentialProvider {
        guard let certificate, let trustAnchorArn, let profileArn, let roleArn else {
            throw ValidationError("with --certificate, give --trust-anchor-arn, --profile-arn and --role-arn")
        }
        let provider = RolesAnywhereCredentialProvider(
            configuration: .init(
                region: region, certificate: certificate, privateKey: privateKey, intermediates: intermediates, durationSeconds: sessionDuration,
                profileArn: profileArn, roleArn: roleArn, trustAnchorArn: trustAnchorArn, roleSessionName: roleSessionName,
                endpoint: try endpoint.map(RolesAnywhereOptions.parseEndpoint)
            ),
            passphrase: passphrase.source,
            pkcs11: pkcs11.options,
            tpm: tpm.options,
            transport: transport,
            logger: logger
        )
        try provider.validate()
        return provider
    }
}
