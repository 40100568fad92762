public import FoundationEssentials
public import RoleKitTransport
import RoleKitSigning

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` (or `AWS_SECURITY_TOKEN`)
/// and `AWS_CREDENTIAL_EXPIRATION`, read at each call as botocore does; region from
/// `AWS_REGION`/`AWS_DEFAULT_REGION`.
public struct EnvironmentCredentialProvider: RegionalCredentialProvider {
    private let environment: AWSEnvironment

    public init(environment: AWSEnvironment = .process) {
        self.environment = environment
    }

    public var region: String? { environment.region }

    /// Whether the variables are set at all.
    public var isConfigured: Bool { environment("AWS_ACCESS_KEY_ID")?.isEmpty == false }

    public func credentials() async throws -> Credentials {
        guard let id = environment("AWS_ACCESS_KEY_ID"), !id.isEmpty else {
            throw CredentialsError(.notFound, "AWS_ACCESS_KEY_ID is not set")
        }
        guard let secret = environment("AWS_SECRET_ACCESS_KEY"), !secret.isEmpty else {
            throw CredentialsError(.notFound, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        }
        let token = [environment("AWS_SESSION_TOKEN"), environment("AWS_SECURITY_TOKEN")].compactMap { $0 }.first { !$0.isEmpty }
        var expiration: Date?
        if let text = environment("AWS_CREDENTIAL_EXPIRATION"), !text.isEmpty {
            guard let date = ISO8601Timestamp.parse(text) else {
                throw CredentialsError(.malformed, "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time")
            }
            expiration = date
        }
        return try Credentials(validating: id, secretAccessKey: secret, sessionToken: token, expiration: expiration, source: "the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables", now: Date())
    }
}
