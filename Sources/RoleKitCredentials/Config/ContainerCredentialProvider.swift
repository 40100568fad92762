public import FoundationEssentials
import RoleKitIdentity
import RoleKitSigning
public import RoleKitTransport

/// Credentials from a container credentials endpoint (ECS task roles, EKS Pod Identity, local
/// tools): `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on `169.254.170.2`) or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` (HTTPS, or HTTP only to loopback and the ECS/EKS
/// addresses), with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read at each refresh) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
public final class ContainerCredentialProvider: CredentialProvider {
    public let url: URL
    private let refresher: RefreshingCredentialProvider

    /// `nil` when the environment configures no container endpoint.
    /// - Throws: ``CredentialsError`` `.invalidConfiguration` for a full URI that is not allowed.
    public init?(transport: HTTPTransport, environment: AWSEnvironment = .process) throws(CredentialsError) {
        let url: URL
        if let relative = environment("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), !relative.isEmpty {
            guard let built = URL(string: "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative)) else {
                throw CredentialsError(.invalidConfiguration, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a URI path")
            }
            url = built
        } else if let full = environment("AWS_CONTAINER_CREDENTIALS_FULL_URI"), !full.isEmpty {
            guard let parsed = URL(string: full), let host = parsed.host(), let scheme = parsed.scheme?.lowercased() else {
                throw CredentialsError(.invalidConfiguration, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL")
            }
            guard scheme == "https" || (scheme == "http" && Self.isAllowedHTTPHost(host)) else {
                throw CredentialsError(.invalidConfiguration, "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, or http to a loopback address or 169.254.170.2/169.254.170.23/fd00:ec2::23, not \(host)")
            }
            url = parsed
        } else {
            return nil
        }
        self.url = url
        self.refresher = RefreshingCredentialProvider {
            var headers: [SigningRequest.Header] = [.init("Accept", "application/json")]
            if let file = environment("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"), !file.isEmpty {
                let token: String
                do {
                    token = String(decoding: try SecureFileReader.readFile(file, what: "container authorization token"), as: UTF8.self)
                } catch {
                    throw CredentialsError(.retrievalFailed, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: \(error)")
                }
                headers.append(.init("Authorization", String(token.filter { $0 != "\n" && $0 != "\r" })))
            } else if let token = environment("AWS_CONTAINER_AUTHORIZATION_TOKEN"), !token.isEmpty {
                guard !token.contains("\n"), !token.contains("\r") else {
                    throw CredentialsError(.invalidConfiguration, "AWS_CONTAINER_AUTHORIZATION_TOKEN contains a line break")
                }
                headers.append(.init("Authorization", token))
            }
            let request = SigningRequest(method: "GET", url: url, headers: headers)
            let response: HTTPResponse
            do {
                response = try await transport.send(request, to: url, sign: { request, _ in request }, parseError: { _ in ServiceErrorInfo(code: nil, message: nil) })
            } catch let error as TransportError {
                throw CredentialsError(.retrievalFailed, "the container credentials endpoint \(EndpointURL.display(url)) failed: \(error.message)")
            }
            return try MetadataCredentials.parse(response.body, source: "the container credentials endpoint")
        }
    }

    static func isAllowedHTTPHost(_ host: String) -> Bool {
        let lower = host.lowercased().filter { $0 != "[" && $0 != "]" }
        if lower == "localhost" || lower == "::1" || lower == "169.254.170.2" || lower == "169.254.170.23" || lower == "fd00:ec2::23" { return true }
        let parts = lower.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    public func credentials() async throws -> Credentials {
        try await refresher.credentials()
    }
}

/// The JSON answer of the container and instance-metadata endpoints.
enum MetadataCredentials {
    static func parse(_ body: [UInt8], source: String) throws(CredentialsError) -> Credentials {
        struct Answer: Decodable {
            var Code: String?
            var AccessKeyId: String
            var SecretAccessKey: String
            var Token: String?
            var Expiration: String?
        }
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: Data(body))
        } catch {
            throw CredentialsError(.retrievalFailed, "\(source) answered something that is not credentials JSON")
        }
        if let code = answer.Code, code != "Success" {
            throw CredentialsError(.retrievalFailed, "\(source) answered Code \(SafeText.excerpt(code, limit: 64))")
        }
        var expiration: Date?
        if let text = answer.Expiration {
            guard let date = ISO8601Timestamp.parse(text) else { throw CredentialsError(.retrievalFailed, "\(source) answered an unreadable Expiration") }
            expiration = date
        }
        return try Credentials(validating: answer.AccessKeyId, secretAccessKey: answer.SecretAccessKey, sessionToken: answer.Token, expiration: expiration, source: source)
    }
}

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
    public init?(transport: HTTPTransport, timeout: Duration? = nil, environment: AWSEnvironment = .process) {
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
        self.refresher = RefreshingCredentialProvider {
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

    public func credentials() async throws -> Credentials {
        if let configurationError { throw configurationError }
        return try await refresher.credentials()
    }
}
