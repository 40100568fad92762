import RoleKitCredentials
import RoleKitIdentity
import RoleKitServices

/// The one place library error codes meet this command line's flags: the library says what
/// is wrong in its own terms (`roleArn`, "give its passphrase"), and this adds which flag fixes it.
enum CLIErrorAdvice {
    /// The flag for each input parameter the library names.
    static let flags: [String: String] = [
        "trustAnchorArn": "--trust-anchor-arn", "profileArn": "--profile-arn", "roleArn": "--role-arn",
        "region": "--region", "serialNumber": "--serial-number", "tokenCode": "--mfa-token",
    ]

    /// `error`'s message with the flags that fix it.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if let parameter = parameter(of: error), let flag = flags[parameter] {
            return text.replacing(parameter, with: flag, maxReplacements: 1) + (text.contains(parameter) ? "" : " (\(flag))")
        }
        guard let advice = advice(for: error) else { return text }
        return "\(text) (\(advice))"
    }

    private static func parameter(of error: any Error) -> String? {
        switch error {
        case let error as RolesAnywhereError: error.parameter
        case let error as STSError: error.parameter
        case let error as ARNError: error.parameter
        default: nil
        }
    }

    private static func advice(for error: any Error) -> String? {
        switch error {
        case let error as IdentityError:
            switch error.code {
            case .passphraseRequired: "pass --pkcs8-password, --passphrase-env NAME or --passphrase-file PATH"
            case .noPrivateKey, .pkcs12WithoutKey: "give the key with --private-key"
            case .noCertificate: "give the certificate with --certificate and the key with --private-key"
            default: nil
            }
        case let error as RolesAnywhereError:
            switch error.code {
            case .untrustedCertificate: "--intermediates"
            case .sessionNameNotAllowed: "--role-session-name"
            case .throttled: "use credential-process --cache, serve or update"
            default: nil
            }
        case let error as CredentialsError:
            error.code == .notFound ? "--aws-access-key-id/--aws-secret-access-key or --profile" : nil
        default:
            nil
        }
    }
}
