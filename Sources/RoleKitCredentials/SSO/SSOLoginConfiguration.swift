import RoleKitSupport
import RoleKitTransport

/// Where `rolekit sso login` signs in: a start URL, `sso_region` and the registration scopes,
/// read from an `[sso-session NAME]` section (given by name or by a profile's `sso_session`)
/// or from a legacy profile's `sso_start_url` and `sso_region`.
public struct SSOLoginConfiguration: Sendable, Hashable {
    /// The profile the login was asked for, if any (named in messages).
    public var profile: String?
    /// `nil` for a legacy profile (device code only, token file named by the start URL).
    public var sessionName: String?
    public var startUrl: String
    public var region: String
    /// `sso_registration_scopes`, comma-separated in the file; `nil` when not set.
    public var scopes: [String]?

    public init(profile: String? = nil, sessionName: String?, startUrl: String, region: String, scopes: [String]? = nil) {
        self.profile = profile
        self.sessionName = sessionName
        self.startUrl = startUrl
        self.region = region
        self.scopes = scopes
    }

    /// The login settings of `profile`, as `aws sso login --profile` reads them.
    /// - Throws: ``CredentialsError`` `.invalidConfiguration` with the AWS CLI's message for
    ///   missing values or a missing sso-session section.
    public static func resolve(profile: SharedConfiguration.Profile, in configuration: SharedConfiguration) throws(CredentialsError) -> SSOLoginConfiguration {
        if let session = profile["sso_session"] {
            var login = try resolve(session: session, in: configuration)
            login.profile = profile.name
            return login
        }
        let missing = ["sso_start_url", "sso_region"].filter { profile[$0]?.isEmpty ?? true }
        guard missing.isEmpty, let startUrl = profile["sso_start_url"], let region = profile["sso_region"] else {
            throw CredentialsError(
                .invalidConfiguration,
                "Missing the following required SSO configuration values: \(missing.joined(separator: ", ")). Profile \(SafeText.excerpt(profile.name, limit: 64)) needs sso_session (with an [sso-session] section) or sso_start_url and sso_region"
            )
        }
        return SSOLoginConfiguration(profile: profile.name, sessionName: nil, startUrl: startUrl, region: region, scopes: nil)
    }

    /// The login settings of `[sso-session NAME]`.
    public static func resolve(session: String, in configuration: SharedConfiguration) throws(CredentialsError) -> SSOLoginConfiguration {
        guard let section = configuration.ssoSessions[session] else {
            throw CredentialsError(.invalidConfiguration, "The specified sso-session does not exist: \"\(SafeText.excerpt(session, limit: 64))\"")
        }
        let missing = ["sso_start_url", "sso_region"].filter { section[$0]?.text?.isEmpty ?? true }
        guard missing.isEmpty, let startUrl = section["sso_start_url"]?.text, let region = section["sso_region"]?.text else {
            throw CredentialsError(.invalidConfiguration, "Missing the following required SSO configuration values: \(missing.joined(separator: ", ")) (in [sso-session \(SafeText.excerpt(session, limit: 64))])")
        }
        let scopes = section["sso_registration_scopes"]?.text.map { text in text.split(separator: ",").map { $0.strippingSpaces }.filter { !$0.isEmpty } }
        return SSOLoginConfiguration(sessionName: session, startUrl: startUrl, region: region, scopes: scopes)
    }
}
