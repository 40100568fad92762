public import FoundationEssentials
public import RoleKitSigning
public import RoleKitTransport

/// IAM `GetAccountPasswordPolicy` (query protocol, global endpoint, signed for us-east-1).
public struct IAMClient: Sendable {
    public let transport: HTTPTransport
    public let endpoint: URL
    private let configurationProblem: STSError?

    public init(transport: HTTPTransport, endpoint: URL? = nil, environment: @Sendable (String) -> String? = ProcessEnvironment.value) {
        self.transport = transport
        do {
            if let endpoint {
                self.endpoint = endpoint
            } else {
                self.endpoint = try ProcessEnvironment.configuredEndpoint(service: "IAM", environment: environment) ?? EndpointURL.literal("https://iam.amazonaws.com")
            }
            self.configurationProblem = nil
        } catch {
            self.endpoint = EndpointURL.literal("https://iam.amazonaws.com")
            self.configurationProblem = STSError(.configuration, error.message)
        }
    }

    /// The account's policy, or `nil` when the account has none (`NoSuchEntity`).
    public func getAccountPasswordPolicy(credentials: SigningCredentials) async throws(STSError) -> PasswordPolicy? {
        if let configurationProblem { throw configurationProblem }
        guard endpoint.host() != nil else { throw STSError(.configuration, "the IAM endpoint \(EndpointURL.display(endpoint)) has no host") }
        let request = SigningRequest(
            method: "POST",
            url: endpoint,
            headers: [.init("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array("Action=GetAccountPasswordPolicy&Version=2010-05-08".utf8)
        )
        let response: HTTPResponse
        do {
            response = try await transport.send(request, to: endpoint, sign: { request, date in
                SigV4Signer(credentials: credentials, region: "us-east-1", service: "iam").sign(request, at: date)
            }, parseError: QueryXMLError.parse)
        } catch let error as TransportError {
            if error.serviceError?.code == "NoSuchEntity" { return nil }
            throw STSError.from(error)
        } catch {
            throw STSError(.configuration, "GetAccountPasswordPolicy failed")
        }
        guard let root = XMLNode.parse(response.body), let policy = root["GetAccountPasswordPolicyResult"]?["PasswordPolicy"] else {
            throw STSError(.malformedResponse, "GetAccountPasswordPolicy returned an unexpected answer")
        }
        func flag(_ name: String) -> Bool { policy.value(name) == "true" }
        return PasswordPolicy(
            minimumPasswordLength: policy.value("MinimumPasswordLength").flatMap { Int($0) } ?? 6,
            requireSymbols: flag("RequireSymbols"), requireNumbers: flag("RequireNumbers"),
            requireUppercaseCharacters: flag("RequireUppercaseCharacters"), requireLowercaseCharacters: flag("RequireLowercaseCharacters")
        )
    }
}
