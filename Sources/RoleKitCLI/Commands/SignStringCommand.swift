import ArgumentParser
import RoleKitSupport
import RoleKitArgumentParser
import Crypto
import FoundationEssentials
import RoleKitIdentity
import RoleKitSigning

/// `rolekit sign-string`: signs `aws_signing_helper`'s fixed test payload, to check that a key
/// works (and that RoleKit and the helper agree).
struct SignStringCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign-string",
        abstract: "Sign aws_signing_helper's fixed test payload with the private key and print the signature."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, text, bin
    }

    @OptionGroup var identity: IdentityOptions

    @Option(help: "Output format: json (a JSON string), text (hex) or bin (raw bytes).")
    var format: Format = .json

    @Option(help: "Digest: SHA256, SHA384 or SHA512.")
    var digest: String = "SHA256"

    /// The fixed payload: the test text, the version digit `1`, then SHA-256 of `IAM RA` followed
    /// by the raw public key.
    static func payload(publicKey: [UInt8]) -> [UInt8] {
        Array("AWS Roles Anywhere Credential Helper Signing Test".utf8) + Array("1".utf8)
            + Array(SHA256.hash(data: Array("IAM RA".utf8) + publicKey))
    }

    func run() throws {
        guard let digest = X509SigningKey.Digest(rawValue: digest.uppercased()) else {
            throw ValidationError("--digest must be SHA256, SHA384 or SHA512")
        }
        let identity = try identity.loadIdentity()
        let signature = try identity.key.signature(for: Self.payload(publicKey: identity.key.rawPublicKeyBytes), digest: digest)
        switch format {
        case .json: print("\"\(signature.lowercaseHex)\"")
        case .text: print(signature.lowercaseHex)
        case .bin: StandardStreams.writeOutput(signature)
        }
    }
}
