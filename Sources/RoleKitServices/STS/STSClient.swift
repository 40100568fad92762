public import FoundationEssentials
public import RoleKitSigning
public import RoleKitTransport

/// AWS STS over the query protocol: `AssumeRole`, `GetSessionToken`,
/// `AssumeRoleWithWebIdentity` and `GetCallerIdentity`.
///
/// Requests are form-encoded `POST`s signed with SigV4 (web identity is unsigned); responses are
/// XML, read with a real parser; errors become ``STSError``. Retries, timeouts and clock skew are
/// the transport's.
public struct STSClient: Sendable {
    public static let apiVersion = "2011-06-15"

    public let transport: HTTPTransport
    public let region: String
    public let endpoint: URL
    /// A malformed region or `AWS_ENDPOINT_URL*` value, reported by every call.
    let configurationProblem: STSError?

    /// - Parameters:
    ///   - region: The signing region and, without an override, the endpoint's.
    ///   - endpoint: An explicit endpoint; else `AWS_ENDPOINT_URL_STS`, then `AWS_ENDPOINT_URL`
    ///     (unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), then `https://sts.REGION.amazonaws.com`.
    public init(transport: HTTPTransport, region: String, endpoint: URL? = nil, environment: @Sendable (String) -> String? = ProcessEnvironment.value) {
        self.transport = transport
        self.region = region
        do {
            self.endpoint = try Self.resolveEndpoint(region: region, explicit: endpoint, environment: environment)
            self.configurationProblem = nil
        } catch {
            self.endpoint = EndpointURL.literal("https://sts.amazonaws.com")
            self.configurationProblem = error
        }
    }

    /// The endpoint botocore would use for `region`.
    public static func resolveEndpoint(region: String, explicit: URL?, environment: (String) -> String?) throws(STSError) -> URL {
        guard RegionName.isValid(region) else { throw STSError(.configuration, RegionName.problem(region, origin: "the STS client's region")) }
        if let explicit { return explicit }
        if let configured = try configuredEndpoint(environment: environment) { return configured }
        if region == "aws-global" { return EndpointURL.literal("https://sts.amazonaws.com") }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        guard let url = URL(string: "https://sts.\(region.lowercased()).\(suffix)") else {
            throw STSError(.configuration, RegionName.problem(region, origin: "the STS client's region"))
        }
        return url
    }

    /// `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL` (see ``ProcessEnvironment/configuredEndpoint(service:environment:)``).
    public static func configuredEndpoint(environment: (String) -> String?) throws(STSError) -> URL? {
        do {
            return try ProcessEnvironment.configuredEndpoint(service: "STS", environment: environment)
        } catch {
            throw STSError(.configuration, error.message)
        }
    }

    public func assumeRole(_ input: AssumeRoleInput, credentials: SigningCredentials) async throws(STSError) -> AssumeRoleOutput {
        let root = try await call("AssumeRole", input.parameters, credentials: credentials)
        return try Self.assumeRoleOutput(root, result: "AssumeRoleResult")
    }

    public func assumeRoleWithWebIdentity(_ input: AssumeRoleWithWebIdentityInput) async throws(STSError) -> AssumeRoleOutput {
        let root = try await call("AssumeRoleWithWebIdentity", input.parameters, credentials: nil)
        return try Self.assumeRoleOutput(root, result: "AssumeRoleWithWebIdentityResult")
    }

    public func getSessionToken(_ input: GetSessionTokenInput, credentials: SigningCredentials) async throws(STSError) -> STSCredentials {
        var parameters: [(String, String)] = []
        if let duration = input.durationSeconds { parameters.append(("DurationSeconds", String(duration))) }
        if let serial = input.serialNumber { parameters.append(("SerialNumber", serial)) }
        if let code = input.tokenCode { parameters.append(("TokenCode", code)) }
        let root = try await call("GetSessionToken", parameters, credentials: credentials)
        guard let node = root["GetSessionTokenResult"]?["Credentials"] else {
            throw STSError(.malformedResponse, "GetSessionToken returned no Credentials element")
        }
        return try Self.credentials(node, operation: "GetSessionToken")
    }

    /// `GetFederationToken` for a federated user `name` (2–32 characters of `\w+=,.@-`), with
    /// an inline session `policy` (without one the session can do nothing).
    public func getFederationToken(name: String, policy: String?, durationSeconds: Int?, credentials: SigningCredentials) async throws(STSError) -> STSCredentials {
        guard (2...32).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_+=,.@-".contains($0)) }) else {
            throw STSError(.invalidInput, "a federated user name is 2–32 letters, digits or _+=,.@-", parameter: "Name")
        }
        if let durationSeconds, !(900...129_600).contains(durationSeconds) {
            throw STSError(.invalidInput, "GetFederationToken sessions last 900–129600 seconds", parameter: "DurationSeconds")
        }
        var parameters: [(String, String)] = [("Name", name)]
        if let policy { parameters.append(("Policy", policy)) }
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        let root = try await call("GetFederationToken", parameters, credentials: credentials)
        guard let node = root["GetFederationTokenResult"]?["Credentials"] else {
            throw STSError(.malformedResponse, "GetFederationToken returned no Credentials element")
        }
        return try Self.credentials(node, operation: "GetFederationToken")
    }

    public func getCallerIdentity(credentials: SigningCredentials) async throws(STSError) -> CallerIdentity {
        let root = try await call("GetCallerIdentity", [], credentials: credentials)
        guard let result = root["GetCallerIdentityResult"], let account = result.value("Account"), let arn = result.value("Arn"), let userId = result.value("UserId") else {
            throw STSError(.malformedResponse, "GetCallerIdentity returned an incomplete answer")
        }
        return CallerIdentity(account: account, arn: arn, userId: userId)
    }

    /// The form-encoded body of an action (exposed for tests and debugging).
    public static func formBody(action: String, _ parameters: [(String, String)]) -> String {
        ([("Action", action), ("Version", apiVersion)] + parameters)
            .map { "\(URIEncoding.encode($0.0))=\(URIEncoding.encode($0.1))" }
            .joined(separator: "&")
    }

    private func call(_ action: String, _ parameters: [(String, String)], credentials: SigningCredentials?) async throws(STSError) -> XMLNode {
        if let configurationProblem { throw configurationProblem }
        guard let host = endpoint.host() else { throw STSError(.configuration, "the STS endpoint \(EndpointURL.display(endpoint)) has no host") }
        var path = endpoint.path(percentEncoded: true)
        if path.isEmpty { path = "/" }
        let request = SigningRequest(
            method: "POST",
            path: path,
            headers: [
                .init("Host", endpoint.port.map { "\(host):\($0)" } ?? host),
                .init("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ],
            body: Array(Self.formBody(action: action, parameters).utf8)
        )
        let region = self.region
        let response: HTTPResponse
        do {
            response = try await transport.send(
                request,
                to: endpoint,
                sign: { request, date in
                    guard let credentials else { return request }
                    return SigV4Signer(credentials: credentials, region: region, service: "sts").sign(request, at: date)
                },
                parseError: QueryXMLError.parse
            )
        } catch let error as TransportError {
            throw STSError.from(error)
        } catch {
            throw STSError(.configuration, "\(error)")
        }
        guard let root = XMLNode.parse(response.body), root.name == "\(action)Response" else {
            throw STSError(.malformedResponse, "\(action) returned HTTP \(response.status) with a body that is not the expected XML")
        }
        return root
    }

    static func credentials(_ node: XMLNode, operation: String) throws(STSError) -> STSCredentials {
        guard let id = node.value("AccessKeyId"), let secret = node.value("SecretAccessKey"), let token = node.value("SessionToken"),
            let expirationText = node.value("Expiration")
        else {
            throw STSError(.malformedResponse, "\(operation) returned incomplete credentials")
        }
        guard let expiration = ISO8601Timestamp.parse(expirationText) else {
            throw STSError(.malformedResponse, "\(operation) returned an unreadable expiration")
        }
        return STSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }

    static func assumeRoleOutput(_ root: XMLNode, result name: String) throws(STSError) -> AssumeRoleOutput {
        let operation = String(name.dropLast("Result".count))
        guard let result = root[name], let credentialsNode = result["Credentials"] else {
            throw STSError(.malformedResponse, "\(operation) returned no Credentials element")
        }
        let credentials = try credentials(credentialsNode, operation: operation)
        var user: AssumedRoleUser?
        if let node = result["AssumedRoleUser"], let id = node.value("AssumedRoleId"), let arn = node.value("Arn") {
            user = AssumedRoleUser(assumedRoleId: id, arn: arn)
        }
        return AssumeRoleOutput(
            credentials: credentials,
            assumedRoleUser: user,
            packedPolicySize: result.value("PackedPolicySize").flatMap { Int($0) },
            sourceIdentity: result.value("SourceIdentity"),
            subjectFromWebIdentityToken: result.value("SubjectFromWebIdentityToken"),
            provider: result.value("Provider"),
            audience: result.value("Audience"),
            requestId: root["ResponseMetadata"]?.value("RequestId")
        )
    }
}
