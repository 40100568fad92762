import RoleKitSupport

/// An IAM Identity Center profile's settings after botocore's merge and checks: the role to
/// get, and where to sign in. The session form (`sso_session` naming a `[sso-session NAME]`
/// section whose keys join the profile's) and the legacy form (`sso_start_url` and
/// `sso_region` in the profile) both come out here.
public struct SSOProfileConfiguration: Sendable, Hashable {
    public var profile: String
    /// `nil` for a legacy profile.
    public var sessionName: String?
    public var startUrl: String
    /// The region of the portal and OIDC endpoints (never the profile's `region`).
    public var region: String
    public var accountId: String
    public var roleName: String

    public init(profile: String, sessionName: String?, startUrl: String, region: String, accountId: String, roleName: String) {
        self.profile = profile
        self.sessionName = sessionName
        self.startUrl = startUrl
        self.region = region
        self.accountId = accountId
        self.roleName = roleName
    }

    /// The settings of `profile`, or `nil` when it is no SSO profile (neither `sso_account_id`
    /// nor `sso_role_name`, as botocore decides).
    /// - Throws: ``CredentialsError`` `.invalidConfiguration` with botocore's message for a
    ///   missing sso-session section, a value the profile and its session disagree on, or
    ///   missing settings (all listed).
    public static func resolve(_ profile: SharedConfiguration.Profile, in configuration: SharedConfiguration) throws(CredentialsError) -> SSOProfileConfiguration? {
        guard profile["sso_account_id"] != nil || profile["sso_role_name"] != nil else { return nil }
        var values: [String: String] = [:]
        for key in ["sso_session", "sso_start_url", "sso_region", "sso_account_id", "sso_role_name"] {
            if let value = profile[key] { values[key] = value }
        }
        if let session = values["sso_session"] {
            guard let section = configuration.ssoSessions[session] else {
                throw CredentialsError(.invalidConfiguration, "The specified sso-session does not exist: \"\(SafeText.excerpt(session, limit: 64))\"")
            }
            for (key, value) in section.sorted(by: { $0.key < $1.key }) {
                guard let text = value.text else { continue }
                if let own = values[key], own != text {
                    throw CredentialsError(.invalidConfiguration, "The value for \(SafeText.excerpt(key, limit: 64)) is inconsistent between profile (\(SafeText.excerpt(own, limit: 200))) and sso-session (\(SafeText.excerpt(text, limit: 200))).")
                }
                values[key] = text
            }
        }
        let required = ["sso_role_name", "sso_account_id", "sso_start_url", "sso_region"]
        let missing = required.filter { values[$0] == nil }
        guard missing.isEmpty, let roleName = values["sso_role_name"], let accountId = values["sso_account_id"],
            let startUrl = values["sso_start_url"], let region = values["sso_region"]
        else {
            throw CredentialsError(.invalidConfiguration, "The profile \"\(SafeText.excerpt(profile.name, limit: 64))\" is configured to use SSO but is missing required configuration: \(missing.joined(separator: ", "))")
        }
        return SSOProfileConfiguration(profile: profile.name, sessionName: values["sso_session"], startUrl: startUrl, region: region, accountId: accountId, roleName: roleName)
    }
}
