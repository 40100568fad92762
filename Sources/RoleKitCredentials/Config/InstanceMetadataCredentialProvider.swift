public import FoundationEssentials
import RoleKitIdentity
import RoleKitSigning
public import RoleKitTransport
import RoleKitSupport

/// Credentials from the EC2 instance metadata service, IMDSv2 first (a session token from
/// `PUT /latest/api/token`), IMDSv1 when the token call is refused (403/404/405).
/// `AWS_EC2_METADATA_DISABLED=true` turns it off; `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves it.
/// As botocore, each call gets 1 s and one attempt unless `AWS_METADATA_SERVICE_TIMEOUT` /
/// `AWS_METADATA_SERVICE_NUM_ATTEMPTS` say otherwise, so machines outside EC2 are not kept waiting.
public final class InstanceMetadataCredentialProvider: CredentialProvider {
    public let endpoint: URL
    /// The time each call may take.
    public let timeout: Duration
    /// Attempts per call.
    public let attempts: Int
    /// A malformed `AWS_EC2_METADATA_*` / `AWS_METADATA_SERVICE_*` setting, reported by ``credentials()``.
    private let configurationError: CredentialsError?
    private let refresher: RefreshingCredentialProvider

    /// `nil` when disabled by `AWS_EC2_METADATA_DISABLED`.
    /// - Parameter timeout: Overrides `AWS_METADATA_SERVICE_TIMEOUT` (default 1 s).
    public init?(transport: HTTPTransport, timeout: Duration? = nil, environment: AWSEnvironment = .process, clock: any WallClock = SystemWallClock()) {
        if environment("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" { return nil }
        var problem: CredentialsError?
        var resolvedEndpoint = EndpointURL.literal("http://169.254.169.254")
        var resolvedTimeout = timeout ?? .seconds(1)
        var resolvedAttempts = 1
        do {
            if let configured = environment("AWS_EC2_METADATA_SERVICE_ENDPOINT"), !configured.isEmpty {
                do {
                    resolvedEndpoint = try EndpointURL.parse(configured, origin: "AWS_EC2_METADATA_SERVICE_ENDPOINT")
                } catch {
                    throw CredentialsError(.invalidConfiguration, error.message)
                }
            }
            if timeout == nil { resolvedTimeout = try Self.configuredTimeout(environment("AWS_METADATA_SERVICE_TIMEOUT")) }
            resolvedAttempts = try Self.configuredAttempts(environment("AWS_METADATA_SERVICE_NUM_ATTEMPTS"))
        } catch let error as CredentialsError {
            problem = error
        } catch {
            problem = CredentialsError(.invalidConfiguration, "the instance metadata settings are not valid")
        }
        let timeout = resolvedTimeout
        let endpoint = resolvedEndpoint
        let attempts = resolvedAttempts
        self.configurationError = problem
        self.endpoint = endpoint
        self.timeout = timeout
        self.attempts = attempts
        self.refresher = RefreshingCredentialProvider(clock: clock) {
            func call(_ method: String, _ path: String, _ headers: [SigningRequest.Header]) async throws -> HTTPResponse {
                var request = SigningRequest(method: method, url: endpoint, headers: headers)
                request.path = path
                do {
                    return try await transport.send(request, to: endpoint, timeout: timeout, maxAttempts: attempts, sign: { request, _ in request }, parseError: { _ in ServiceErrorInfo(code: nil, message: nil) })
                } catch let error as TransportError {
                    if let status = error.status, [403, 404, 405].contains(status), method == "PUT" { throw IMDSv1Fallback() }
                    throw CredentialsError(.retrievalFailed, "the instance metadata service at \(EndpointURL.display(endpoint)) failed: \(error.message)")
                }
            }
            var tokenHeader: [SigningRequest.Header] = []
            do {
                let token = try await call("PUT", "/latest/api/token", [.init("X-aws-ec2-metadata-token-ttl-seconds", "21600")])
                tokenHeader = [.init("X-aws-ec2-metadata-token", token.bodyText)]
            } catch is IMDSv1Fallback {
                tokenHeader = []
            }
            let roles = try await call("GET", "/latest/meta-data/iam/security-credentials/", tokenHeader).bodyText
            guard let role = roles.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
                throw CredentialsError(.retrievalFailed, "the instance has no IAM role (instance profile)")
            }
            let answer = try await call("GET", "/latest/meta-data/iam/security-credentials/" + URIEncoding.encode(role), tokenHeader)
            return try MetadataCredentials.parse(answer.body, source: "the instance metadata service")
        }
    }

    struct IMDSv1Fallback: Error {}

    /// `AWS_METADATA_SERVICE_NUM_ATTEMPTS`: 1–10 (1 when unset).
    static func configuredAttempts(_ text: String?) throws(CredentialsError) -> Int {
        guard let text, !text.isEmpty else { return 1 }
        guard let number = Int(text.strippingSpaces), (1...10).contains(number) else {
            throw CredentialsError(.invalidConfiguration, "AWS_METADATA_SERVICE_NUM_ATTEMPTS must be a whole number from 1 to 10")
        }
        return number
    }

    /// `AWS_METADATA_SERVICE_TIMEOUT`: seconds, more than 0 and at most 3600 (1 when unset).
    static func configuredTimeout(_ text: String?) throws(CredentialsError) -> Duration {
        guard let text, !text.isEmpty else { return .seconds(1) }
        guard let seconds = Double(text.strippingSpaces), seconds.isFinite, seconds >= 0.001, seconds <= 3600 else {
            throw CredentialsError(.invalidConfiguration, "AWS_METADATA_SERVICE_TIMEOUT must be a number of seconds from 0.001 to 3600")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// New credentials now, past the cache (see ``CredentialProvider/refreshedCredentials()``).
    public func refreshedCredentials() async throws -> Credentials {
        if let configurationError { throw configurationError }
        return try await refresher.refresh()
    }

    public func credentials() async throws -> Credentials {
        if let configurationError { throw configurationError }
        return try await refresher.credentials()
    }
}
