public import FoundationEssentials
import RoleKitSupport

/// Everything RoleKit reads from the process around it: environment variables and the home
/// directory, and what the AWS tools derive from them (region, profile name, the shared file
/// paths, configured endpoints).
///
/// Inject one into providers, the default chain and sessions instead of letting each read the
/// process: tests pass a dictionary, a server passes what its clients configured.
///
/// ```swift
/// let environment: AWSEnvironment = ["AWS_PROFILE": "dev", "HOME": "/home/me"]
/// environment.profileName      // ("dev", "AWS_PROFILE")
/// environment.configFilePath   // "/home/me/.aws/config"
/// ```
public struct AWSEnvironment: Sendable {
    /// Looks a variable up; `nil` when it is not set.
    public let variables: @Sendable (String) -> String?

    /// The environment given by `variables`.
    public init(variables: @escaping @Sendable (String) -> String?) {
        self.variables = variables
    }

    /// A fixed set of variables (nothing of the process is read).
    public init(_ values: [String: String]) {
        self.variables = { values[$0] }
    }

    /// The environment of this process.
    public static var process: AWSEnvironment { AWSEnvironment(variables: SystemEnvironment.value) }

    /// The value of `name`, empty or not.
    public subscript(_ name: String) -> String? { variables(name) }

    /// The value of `name`, empty or not: `environment("AWS_PROFILE")`.
    public func callAsFunction(_ name: String) -> String? { variables(name) }

    /// The value of `name` when it is set and not empty.
    public func nonEmpty(_ name: String) -> String? {
        guard let value = variables(name), !value.isEmpty else { return nil }
        return value
    }

    /// The first of `names` set to a non-empty value, with that value.
    public func first(of names: [String]) -> (name: String, value: String)? {
        for name in names { if let value = nonEmpty(name) { return (name, value) } }
        return nil
    }

    /// `AWS_REGION`, else `AWS_DEFAULT_REGION` (as botocore and the AWS CLI), with the variable.
    public var regionSetting: (name: String, value: String)? { first(of: ["AWS_REGION", "AWS_DEFAULT_REGION"]) }

    /// The region the environment configures, if any.
    public var region: String? { regionSetting?.value }

    /// botocore's profile from the environment: `AWS_DEFAULT_PROFILE` before `AWS_PROFILE`; an
    /// empty value counts (as a missing name), as botocore has it.
    public var profileName: (name: String, variable: String)? {
        for variable in ["AWS_DEFAULT_PROFILE", "AWS_PROFILE"] {
            if let value = variables(variable) { return (value, variable) }
        }
        return nil
    }

    /// `HOME`, else the password database's home directory, else `/`.
    public var homeDirectory: String { SystemEnvironment.homeDirectory(variables) }

    /// `path` with a leading `~` or `~/` expanded to ``homeDirectory``.
    public func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return SystemEnvironment.expandingTilde(path, home: homeDirectory)
    }

    /// `AWS_CONFIG_FILE`, else `~/.aws/config`; `$VAR` and `~` expanded as botocore expands them.
    public var configFilePath: String { expandingPath(nonEmpty("AWS_CONFIG_FILE") ?? "~/.aws/config") }

    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`; `$VAR` and `~` expanded.
    public var credentialsFilePath: String { expandingPath(nonEmpty("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials") }

    /// A path setting as botocore reads it: `$NAME`/`${NAME}` from these variables
    /// (`os.path.expandvars`), then `~` (`os.path.expanduser`). Values inside config files are
    /// never expanded.
    public func expandingPath(_ path: String) -> String {
        expandingTilde(SystemEnvironment.expandingVariables(path, variables))
    }

    /// botocore's configured endpoint for a service (see ``ProcessEnvironment/configuredEndpoint(service:environment:)``).
    public func configuredEndpoint(service: String) throws(TransportError) -> URL? {
        try ProcessEnvironment.configuredEndpoint(service: service, environment: variables)
    }
}

extension AWSEnvironment: ExpressibleByDictionaryLiteral {
    /// `["AWS_PROFILE": "dev"]`: a fixed set of variables.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
}
