public import FoundationEssentials
public import RoleKitSigning
public import RoleKitTransport

/// The parts of an IAM account password policy that shape a password.
public struct PasswordPolicy: Sendable, Hashable {
    public var minimumPasswordLength: Int
    public var requireSymbols: Bool
    public var requireNumbers: Bool
    public var requireUppercaseCharacters: Bool
    public var requireLowercaseCharacters: Bool

    public init(minimumPasswordLength: Int = 8, requireSymbols: Bool = false, requireNumbers: Bool = false, requireUppercaseCharacters: Bool = false, requireLowercaseCharacters: Bool = false) {
        self.minimumPasswordLength = minimumPasswordLength
        self.requireSymbols = requireSymbols
        self.requireNumbers = requireNumbers
        self.requireUppercaseCharacters = requireUppercaseCharacters
        self.requireLowercaseCharacters = requireLowercaseCharacters
    }

    /// IAM's symbol set: `! @ # $ % ^ & * ( ) _ + - = [ ] { } | '`.
    public static let symbols = Array("!@#$%^&*()_+-=[]{}|'")
    public static let lowercase = Array("abcdefghijklmnopqrstuvwxyz")
    public static let uppercase = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    public static let numbers = Array("0123456789")

    /// Whether `password` satisfies the policy.
    public func isSatisfied(by password: String) -> Bool {
        password.count >= minimumPasswordLength
            && (!requireSymbols || password.contains(where: Self.symbols.contains))
            && (!requireNumbers || password.contains(where: Self.numbers.contains))
            && (!requireUppercaseCharacters || password.contains(where: Self.uppercase.contains))
            && (!requireLowercaseCharacters || password.contains(where: Self.lowercase.contains))
    }
}

/// Generates passwords that satisfy a ``PasswordPolicy`` (awsauthhelper's generator): a length
/// from the minimum up to ⌈1.3 × minimum⌉, at least one character of each required class, the
/// rest from the required classes (letters and digits when none is required), shuffled; all
/// randomness from the system's cryptographically secure generator.
public enum PasswordGenerator {
    public static func generate(for policy: PasswordPolicy) throws(PasswordPolicyError) -> String {
        var generator = SystemRandomNumberGenerator()
        return try generate(for: policy, using: &generator)
    }

    public static func generate(for policy: PasswordPolicy, using generator: inout some RandomNumberGenerator) throws(PasswordPolicyError) -> String {
        guard (1...128).contains(policy.minimumPasswordLength) else {
            throw PasswordPolicyError("the minimum password length must be 1–128 (IAM allows 6–128), not \(policy.minimumPasswordLength)")
        }
        var classes: [[Character]] = []
        if policy.requireLowercaseCharacters { classes.append(PasswordPolicy.lowercase) }
        if policy.requireUppercaseCharacters { classes.append(PasswordPolicy.uppercase) }
        if policy.requireNumbers { classes.append(PasswordPolicy.numbers) }
        if policy.requireSymbols { classes.append(PasswordPolicy.symbols) }
        let pool = classes.isEmpty ? PasswordPolicy.lowercase + PasswordPolicy.uppercase + PasswordPolicy.numbers : classes.flatMap { $0 }
        let minimum = max(policy.minimumPasswordLength, classes.count)
        let maximum = max(minimum, Int((Double(policy.minimumPasswordLength) * 1.3).rounded(.up)))
        let length = Int.random(in: minimum...maximum, using: &generator)
        var characters = classes.map { $0.randomElement(using: &generator)! }
        while characters.count < length { characters.append(pool.randomElement(using: &generator)!) }
        characters.shuffle(using: &generator)
        return String(characters)
    }
}

public struct PasswordPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

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
