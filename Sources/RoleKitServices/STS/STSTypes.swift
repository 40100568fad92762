import FoundationEssentials

/// A session tag.
public struct STSTag: Sendable, Hashable, Codable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// A session policy: JSON text, or any `Encodable` document (encoded with sorted keys).
public enum SessionPolicy: Sendable, Hashable {
    case json(String)

    /// Encodes `document` as the policy JSON.
    public static func document(_ document: some Encodable) throws -> SessionPolicy {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return .json(String(decoding: try encoder.encode(document), as: UTF8.self))
    }

    public var text: String {
        switch self {
        case .json(let text): return text
        }
    }
}

/// `AssumeRole` parameters, every one of the API's.
public struct AssumeRoleInput: Sendable, Hashable {
    public var roleArn: String
    public var roleSessionName: String
    public var policyArns: [String]
    public var policy: SessionPolicy?
    public var durationSeconds: Int?
    public var tags: [STSTag]
    public var transitiveTagKeys: [String]
    public var externalId: String?
    public var serialNumber: String?
    public var tokenCode: String?
    public var sourceIdentity: String?
    /// Parameters added to the API after this library: sent as given (`Name` → value).
    public var additionalParameters: [String: String]

    public init(
        roleArn: String, roleSessionName: String, policyArns: [String] = [], policy: SessionPolicy? = nil, durationSeconds: Int? = nil,
        tags: [STSTag] = [], transitiveTagKeys: [String] = [], externalId: String? = nil, serialNumber: String? = nil, tokenCode: String? = nil,
        sourceIdentity: String? = nil, additionalParameters: [String: String] = [:]
    ) {
        self.roleArn = roleArn
        self.roleSessionName = roleSessionName
        self.policyArns = policyArns
        self.policy = policy
        self.durationSeconds = durationSeconds
        self.tags = tags
        self.transitiveTagKeys = transitiveTagKeys
        self.externalId = externalId
        self.serialNumber = serialNumber
        self.tokenCode = tokenCode
        self.sourceIdentity = sourceIdentity
        self.additionalParameters = additionalParameters
    }

    /// The query parameters, in the order the API documents them.
    var parameters: [(String, String)] {
        var parameters: [(String, String)] = [("RoleArn", roleArn), ("RoleSessionName", roleSessionName)]
        for (index, arn) in policyArns.enumerated() { parameters.append(("PolicyArns.member.\(index + 1).arn", arn)) }
        if let policy { parameters.append(("Policy", policy.text)) }
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        for (index, tag) in tags.enumerated() {
            parameters.append(("Tags.member.\(index + 1).Key", tag.key))
            parameters.append(("Tags.member.\(index + 1).Value", tag.value))
        }
        for (index, key) in transitiveTagKeys.enumerated() { parameters.append(("TransitiveTagKeys.member.\(index + 1)", key)) }
        if let externalId { parameters.append(("ExternalId", externalId)) }
        if let serialNumber { parameters.append(("SerialNumber", serialNumber)) }
        if let tokenCode { parameters.append(("TokenCode", tokenCode)) }
        if let sourceIdentity { parameters.append(("SourceIdentity", sourceIdentity)) }
        for (name, value) in additionalParameters.sorted(by: { $0.key < $1.key }) { parameters.append((name, value)) }
        return parameters
    }
}

/// STS credentials as returned by `AssumeRole`, `GetSessionToken` and web identity.
public struct STSCredentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String
    public var expiration: Date
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String, expiration: Date) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }
    public var description: String { "STSCredentials(accessKeyId: \(accessKeyId), expiration: \(expiration))" }
}

/// The assumed role session.
public struct AssumedRoleUser: Sendable, Hashable {
    public var assumedRoleId: String
    public var arn: String
    public init(assumedRoleId: String, arn: String) {
        self.assumedRoleId = assumedRoleId
        self.arn = arn
    }
}

/// The result of `AssumeRole` or `AssumeRoleWithWebIdentity`.
public struct AssumeRoleOutput: Sendable, Hashable {
    public var credentials: STSCredentials
    public var assumedRoleUser: AssumedRoleUser?
    public var packedPolicySize: Int?
    public var sourceIdentity: String?
    /// Web identity only.
    public var subjectFromWebIdentityToken: String?
    public var provider: String?
    public var audience: String?
    public var requestId: String?
}

/// `GetSessionToken` parameters.
public struct GetSessionTokenInput: Sendable, Hashable {
    public var durationSeconds: Int?
    public var serialNumber: String?
    public var tokenCode: String?
    public init(durationSeconds: Int? = nil, serialNumber: String? = nil, tokenCode: String? = nil) {
        self.durationSeconds = durationSeconds
        self.serialNumber = serialNumber
        self.tokenCode = tokenCode
    }
}

/// `AssumeRoleWithWebIdentity` parameters (the call is not signed).
public struct AssumeRoleWithWebIdentityInput: Sendable, Hashable, CustomStringConvertible {
    public var roleArn: String
    public var roleSessionName: String
    public var webIdentityToken: String
    public var providerId: String?
    public var policyArns: [String]
    public var policy: SessionPolicy?
    public var durationSeconds: Int?

    public init(roleArn: String, roleSessionName: String, webIdentityToken: String, providerId: String? = nil, policyArns: [String] = [], policy: SessionPolicy? = nil, durationSeconds: Int? = nil) {
        self.roleArn = roleArn
        self.roleSessionName = roleSessionName
        self.webIdentityToken = webIdentityToken
        self.providerId = providerId
        self.policyArns = policyArns
        self.policy = policy
        self.durationSeconds = durationSeconds
    }

    public var description: String { "AssumeRoleWithWebIdentityInput(roleArn: \(roleArn), roleSessionName: \(roleSessionName), webIdentityToken: <redacted>)" }

    var parameters: [(String, String)] {
        var parameters: [(String, String)] = [("RoleArn", roleArn), ("RoleSessionName", roleSessionName), ("WebIdentityToken", webIdentityToken)]
        if let providerId { parameters.append(("ProviderId", providerId)) }
        for (index, arn) in policyArns.enumerated() { parameters.append(("PolicyArns.member.\(index + 1).arn", arn)) }
        if let policy { parameters.append(("Policy", policy.text)) }
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        return parameters
    }
}

/// The result of `GetCallerIdentity`.
public struct CallerIdentity: Sendable, Hashable, Codable {
    public var account: String
    public var arn: String
    public var userId: String
    public init(account: String, arn: String, userId: String) {
        self.account = account
        self.arn = arn
        self.userId = userId
    }
}
