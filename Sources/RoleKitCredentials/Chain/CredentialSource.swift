public import FoundationEssentials

/// Where a set of credentials came from: a case per source of botocore's chain (and the keys a
/// caller gives), each with the file, profile, variable or endpoint it was read from.
///
/// ``method`` is botocore's name for the source (what `aws configure list` shows as the type
/// and `rolekit whoami` as `CredentialSource`); ``location`` is where it is.
public enum CredentialSource: Sendable, Hashable, CustomStringConvertible {
    /// Keys the caller passed in (`--aws-access-key-id`).
    case explicitKeys
    /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`).
    case environmentVariables
    /// `AssumeRoleWithWebIdentity` with a token file named by the environment
    /// (`AWS_WEB_IDENTITY_TOKEN_FILE`) or by a profile (`web_identity_token_file`).
    case webIdentity(tokenFile: String, profile: ProfileLocation?)
    /// `role_arn` with `source_profile` or `credential_source`.
    case assumeRole(ProfileLocation)
    /// IAM Identity Center role credentials (`sso_account_id` / `sso_role_name`).
    case sso(ProfileLocation)
    /// Static keys of the credentials file.
    case sharedCredentialsFile(ProfileLocation)
    /// Static keys of the config file.
    case configFile(ProfileLocation)
    /// A profile's `credential_process`.
    case credentialProcess(ProfileLocation)
    /// The container endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI`).
    case container(endpoint: URL)
    /// The instance metadata service (IMDSv2).
    case instanceMetadata(endpoint: URL)

    /// A profile and the file that holds its setting.
    public struct ProfileLocation: Sendable, Hashable {
        public var profile: String
        public var file: String
        public init(profile: String, file: String) {
            self.profile = profile
            self.file = file
        }
    }

    /// botocore's method name: `explicit-keys`, `env`, `assume-role-with-web-identity`,
    /// `assume-role`, `sso`, `shared-credentials-file`, `config-file`, `custom-process`,
    /// `container-role`, `iam-role`.
    public var method: String {
        switch self {
        case .explicitKeys: "explicit-keys"
        case .environmentVariables: "env"
        case .webIdentity: "assume-role-with-web-identity"
        case .assumeRole: "assume-role"
        case .sso: "sso"
        case .sharedCredentialsFile: "shared-credentials-file"
        case .configFile: "config-file"
        case .credentialProcess: "custom-process"
        case .container: "container-role"
        case .instanceMetadata: "iam-role"
        }
    }

    /// Where the source is, as `aws configure list` shows it: a file, a variable, an endpoint;
    /// `nil` for keys the caller gave (the caller knows where they came from).
    public var location: String? {
        switch self {
        case .explicitKeys: nil
        case .environmentVariables: "AWS_ACCESS_KEY_ID"
        case .webIdentity(_, let profile?): profile.file
        case .webIdentity: "AWS_WEB_IDENTITY_TOKEN_FILE"
        case .assumeRole(let where_), .sso(let where_), .sharedCredentialsFile(let where_), .configFile(let where_), .credentialProcess(let where_): where_.file
        case .container(let endpoint), .instanceMetadata(let endpoint): endpoint.absoluteString
        }
    }

    /// The profile the source belongs to, if it is a profile's.
    public var profile: String? {
        switch self {
        case .webIdentity(_, let profile): profile?.profile
        case .assumeRole(let where_), .sso(let where_), .sharedCredentialsFile(let where_), .configFile(let where_), .credentialProcess(let where_): where_.profile
        default: nil
        }
    }

    public var description: String { location.map { "\(method) (\($0))" } ?? method }
}
