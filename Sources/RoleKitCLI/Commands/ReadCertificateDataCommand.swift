import ArgumentParser
import RoleKitArgumentParser
import FoundationEssentials
import RoleKitIdentity
import RoleKitSigning
import SwiftASN1
import X509
import RoleKitSupport

/// `rolekit read-certificate-data`: the certificate facts `aws_signing_helper` prints.
struct ReadCertificateDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read-certificate-data",
        abstract: "Print a certificate's key type, DER (base64), decimal serial and supported algorithms as JSON."
    )

    @Option(help: ArgumentHelp("Certificate: PEM, DER, PKCS#12, or a pkcs11: URI.", valueName: "path|uri"))
    var certificate: String

    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup(title: "PKCS#11") var pkcs11: PKCS11Options

    func run() throws {
        let leaf =
            certificate.hasPrefix("pkcs11:")
            ? try PKCS11Token.certificate(try PKCS11URI(parsing: certificate), options: pkcs11.options).certificate
            : try SigningIdentity.loadCertificates(path: certificate, passphrase: passphrase.source)[0]
        var serializer = DER.Serializer()
        try serializer.serialize(leaf)
        let keyType = SigningIdentity.keyType(of: leaf)
        let prefix = keyType == "RSA" ? "RSA" : "EC"
        let output = JSONValue.object([
            "keyType": .string(keyType),
            "certificateData": .string(Data(serializer.serializedBytes).base64EncodedString()),
            "serialNumber": .string(leaf.serialNumber.decimalString),
            "supportedAlgorithms": .array(["SHA256", "SHA384", "SHA512"].map { .string(prefix + $0) }),
        ])
        print(JSONWriter.compact.render(output))
    }
}
