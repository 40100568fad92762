public import FoundationEssentials
import RoleKitIdentity
import RoleKitSigning
public import RoleKitTransport
import RoleKitSupport

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
    public init?(transport: HTTPTransport, environment: AWSEnvironment = .process, clock: any WallClock = SystemWallClock()) throws(CredentialsError) {
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
        self.refresher = RefreshingCredentialProvider(clock: clock) {
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

    /// New credentials now, past the cache (see ``CredentialProvider/refreshedCredentials()``).
    public func refreshedCredentials() async throws -> Credentials {
        try await refresher.refresh()
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
