public import ArgumentParser
public import FoundationEssentials
public import Logging
public import RoleKitCredentials
import RoleKitIdentity
import RoleKitServices
public import RoleKitTransport

/// The `aws_signing_helper credential-process` flags: identity, ARNs, session and transport.
public struct RolesAnywhereOptions: ParsableArguments, Sendable {
    @OptionGroup public var identity: IdentityOptions

    @Option(name: .customLong("trust-anchor-arn"), help: ArgumentHelp("ARN of the trust anchor the certificate chains to.", valueName: "arn"))
    public var trustAnchorArn: String

    @Option(name: .customLong("profile-arn"), help: ArgumentHelp("ARN of the Roles Anywhere profile.", valueName: "arn"))
    public var profileArn: String

    @Option(name: .customLong("role-arn"), help: ArgumentHelp("ARN of the IAM role to assume.", valueName: "arn"))
    public var roleArn: String

    @Option(name: .customLong("session-duration"), help: ArgumentHelp("Session length in seconds (900–43200).", valueName: "seconds"))
    public var sessionDuration: Int = 3600

    @Option(help: ArgumentHelp("Signing region (default: the trust anchor's).", valueName: "region"))
    public var region: String?

    @Option(help: ArgumentHelp("Roles Anywhere endpoint, e.g. https://rolesanywhere.us-east-1.amazonaws.com.", valueName: "url"))
    public var endpoint: String?

    @Option(name: .customLong("role-session-name"), help: ArgumentHelp("Role session name (the profile must accept it).", valueName: "name"))
    public var roleSessionName: String?

    @OptionGroup public var transport: TransportOptions

    @Flag(help: "Log each step to standard error (secrets redacted).")
    public var debug = false

    public init() {}

    public func validate() throws {
        guard CreateSessionInput.durationRange.contains(sessionDuration) else {
            throw ValidationError("--session-duration must be between 900 and 43200 seconds, not \(sessionDuration)")
        }
        if let endpoint { _ = try Self.parseEndpoint(endpoint) }
    }

    /// Accepts `https://host[:port][/path]` or a bare host name (https implied).
    public static func parseEndpoint(_ text: String) throws -> URL {
        let full = text.contains("://") ? text : "https://" + text
        do {
            // One check for every endpoint: scheme, host, port 1-65535; never echoes userinfo.
            return try EndpointURL.parse(full, origin: "--endpoint")
        } catch {
            throw ValidationError("\(error.message) (like https://rolesanywhere.us-east-1.amazonaws.com)")
        }
    }

    public var providerConfiguration: RolesAnywhereCredentialProvider.Configuration {
        get throws {
            RolesAnywhereCredentialProvider.Configuration(
                region: region,
                certificate: identity.certificate,
                privateKey: identity.privateKey,
                intermediates: identity.intermediates,
                durationSeconds: sessionDuration,
                profileArn: profileArn,
                roleArn: roleArn,
                trustAnchorArn: trustAnchorArn,
                roleSessionName: roleSessionName,
                endpoint: try endpoint.map(Self.parseEndpoint)
            )
        }
    }

    /// A logger writing to standard error at debug level with `--debug`, silent otherwise.
    public var logger: Logger { StandardErrorLogger.make(debug: debug, quietLevel: .critical) }

    public func makeTransport(logger: Logger) throws -> HTTPTransport {
        try transport.makeTransport(logger: logger)
    }
}
