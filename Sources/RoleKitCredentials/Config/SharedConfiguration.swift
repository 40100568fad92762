public import FoundationEssentials
import RoleKitIdentity
public import RoleKitTransport

/// `~/.aws/config` and `~/.aws/credentials` merged as botocore merges them: config sections
/// `[default]` and `[profile NAME]`, credentials sections `[NAME]`, credentials-file values
/// overriding config values of the same profile.
public struct SharedConfiguration: Sendable {
    /// One profile's settings, with where its static keys came from.
    public struct Profile: Sendable, Hashable {
        public var name: String
        public var values: [String: INIFile.Value]
        /// Settings from the credentials file only.
        public var credentialsFileValues: [String: INIFile.Value]
        /// Settings from the config file only.
        public var configFileValues: [String: INIFile.Value]

        public subscript(_ key: String) -> String? { values[key]?.text }
    }

    public var configPath: String
    public var credentialsPath: String
    public var profiles: [String: Profile]
    /// The config file's `[sso-session NAME]` sections, by name.
    public var ssoSessions: [String: [String: INIFile.Value]] = [:]

    /// Paths from `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` or the defaults, `~` expanded.
    public static func load(
        configPath: String? = nil,
        credentialsPath: String? = nil,
        environment: AWSEnvironment = .process
    ) throws(CredentialsError) -> SharedConfiguration {
        let config = configPath.map(environment.expandingPath) ?? environment.configFilePath
        let credentials = credentialsPath.map(environment.expandingPath) ?? environment.credentialsFilePath
        var profiles: [String: Profile] = [:]
        var ssoSessions: [String: [String: INIFile.Value]] = [:]
        if let text = try read(config) {
            for (name, values) in try INIFile.parse(text, path: config).sections {
                if let session = ssoSessionName(configSection: name) {
                    ssoSessions[session, default: [:]].merge(values) { $1 }
                    continue
                }
                guard let profile = profileName(configSection: name) else { continue }
                profiles[profile, default: Profile(name: profile, values: [:], credentialsFileValues: [:], configFileValues: [:])].configFileValues.merge(values) { $1 }
                profiles[profile]!.values.merge(values) { $1 }
            }
        }
        if let text = try read(credentials) {
            for (name, values) in try INIFile.parse(text, path: credentials).sections {
                profiles[name, default: Profile(name: name, values: [:], credentialsFileValues: [:], configFileValues: [:])].credentialsFileValues.merge(values) { $1 }
                profiles[name]!.values.merge(values) { $1 }
            }
        }
        return SharedConfiguration(configPath: config, credentialsPath: credentials, profiles: profiles, ssoSessions: ssoSessions)
    }

    /// `sso-session NAME` (split like a shell word list, as botocore does) → `NAME`.
    static func ssoSessionName(configSection section: String) -> String? {
        guard section.hasPrefix("sso-session") else { return nil }
        guard let parts = ShellWords.split(section), parts.count == 2, parts[0] == "sso-session" else { return nil }
        return parts[1]
    }

    /// `default` → `default`; `profile NAME` (shell-quoted, as botocore splits it) → `NAME`;
    /// anything else (`sso-session`, `services`, `profilex`) is not a profile.
    static func profileName(configSection section: String) -> String? {
        if section == "default" { return "default" }
        guard section.hasPrefix("profile") else { return nil }
        guard let parts = ShellWords.split(section), parts.count == 2, parts[0] == "profile" else { return nil }
        return parts[1]
    }

    /// The largest config or credentials file read.
    public static let maximumFileSize = 16 * 1024 * 1024

    private static func read(_ path: String) throws(CredentialsError) -> String? {
        do throws(SafeFile.Problem) {
            return String(decoding: try SafeFile.read(path, rules: .init(maximumSize: maximumFileSize)), as: UTF8.self)
        } catch {
            // botocore reads only regular files (os.path.isfile): a folder is no config at all.
            if error == .notFound || error == .isDirectory || error == .notRegularFile { return nil }
            throw CredentialsError(.io, "\(path) \(SafeFile.describe(error))")
        }
    }
}
