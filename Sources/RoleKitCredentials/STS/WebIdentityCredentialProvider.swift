public import FoundationEssentials
public import RoleKitServices
import RoleKitIdentity
public import RoleKitTransport

/// Credentials from `AssumeRoleWithWebIdentity` with a token file (EKS, GitHub Actions, …),
/// refreshed before they expire. The token file is read again at each refresh, since its
/// issuer rotates it.
public final class WebIdentityCredentialProvider: RegionalCredentialProvider {
    public struct Configuration: Sendable, Hashable {
        public var roleArn: String
        public var tokenFile: String
        /// `nil` generates a valid name.
        public var roleSessionName: String?
        public var durationSeconds: Int?
        public var region: String?
        public var endpoint: URL?

        public init(roleArn: String, tokenFile: String, roleSessionName: String? = nil, durationSeconds: Int? = nil, region: String? = nil, endpoint: URL? = nil) {
            self.roleArn = roleArn
            self.tokenFile = tokenFile
            self.roleSessionName = roleSessionName
            self.durationSeconds = durationSeconds
            self.region = region
            self.endpoint = endpoint
        }

        /// `AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_SESSION_NAME` and the region
        /// variables, as botocore reads them; `nil` when the first two are not both set.
        public static func fromEnvironment(_ environment: AWSEnvironment = .process) -> Configuration? {
            guard let role = environment.nonEmpty("AWS_ROLE_ARN"), let file = environment.nonEmpty("AWS_WEB_IDENTITY_TOKEN_FILE") else { return nil }
            return Configuration(roleArn: role, tokenFile: file, roleSessionName: environment.nonEmpty("AWS_ROLE_SESSION_NAME"), region: environment.region)
        }
    }

    public let configuration: Configuration
    public let roleSessionName: String
    private let refresher: RefreshingCredentialProvider

    public init(configuration: Configuration, transport: HTTPTransport, clock: any WallClock = SystemWallClock(), refresh: RefreshingCredentialProvider.Configuration = .init()) throws(STSError) {
        self.configuration = configuration
        let sessionName = configuration.roleSessionName ?? RoleSessionName.generate(prefix: "rolekit-web", now: clock.now())
        self.roleSessionName = sessionName
        do {
            try ARN(parsing: configuration.roleArn).requireIAMRole(parameter: "AWS_ROLE_ARN")
        } catch {
            throw STSError(.invalidInput, error.description)
        }
        guard RoleSessionName.isValid(sessionName) else {
            throw STSError(.invalidInput, "the role session name \"\(sessionName)\" must be 2–64 characters of letters, digits and + = , . @ _ -")
        }
        let region = configuration.region ?? AssumeRoleCredentialProvider.fallbackRegion
        self.refresher = RefreshingCredentialProvider(clock: clock, configuration: refresh) {
            let bytes: [UInt8]
            do {
                bytes = try SecureFileReader.readFile(SecureFileReader.expandTilde(configuration.tokenFile), what: "web identity token")
            } catch {
                throw CredentialsError(.io, "cannot read the web identity token file: \(error)")
            }
            let token = String(String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace })
            guard !token.isEmpty else { throw CredentialsError(.io, "the web identity token file \(configuration.tokenFile) is empty") }
            let client = STSClient(transport: transport, region: region, endpoint: configuration.endpoint)
            let output = try await client.assumeRoleWithWebIdentity(.init(roleArn: configuration.roleArn, roleSessionName: sessionName, webIdentityToken: token, durationSeconds: configuration.durationSeconds))
            return try Credentials(output.credentials)
        }
    }

    public var region: String? { configuration.region }

    /// New credentials now, past the cache (see ``CredentialProvider/refreshedCredentials()``).
    public func refreshedCredentials() async throws -> Credentials {
        try await refresher.refresh()
    }

    public func credentials() async throws -> Credentials {
        try await refresher.credentials()
    }
}
