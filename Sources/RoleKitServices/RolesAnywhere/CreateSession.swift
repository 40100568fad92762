import FoundationEssentials
import RoleKitSigning

/// The input of IAM Roles Anywhere `CreateSession`.
public struct CreateSessionInput: Sendable, Hashable {
    public var profileArn: String
    public var roleArn: String
    public var trustAnchorArn: String
    /// 900–43200 seconds; the service default is 3600.
    public var durationSeconds: Int?
    /// Needs `acceptRoleSessionName` on the profile.
    public var roleSessionName: String?
    /// Properties of the calling machine, recorded on its subject (required by profiles with
    /// `requireInstanceProperties`).
    public var instanceProperties: [String: String]?

    public init(profileArn: String, roleArn: String, trustAnchorArn: String, durationSeconds: Int? = 3600, roleSessionName: String? = nil, instanceProperties: [String: String]? = nil) {
        self.profileArn = profileArn
        self.roleArn = roleArn
        self.trustAnchorArn = trustAnchorArn
        self.durationSeconds = durationSeconds
        self.roleSessionName = roleSessionName
        self.instanceProperties = instanceProperties
    }

    /// Allowed session durations.
    public static let durationRange = 900...43_200

    /// Checks the ARNs and duration before anything is sent, and returns the signing region:
    /// `region` when given, else the trust anchor's. The profile must be in the same region.
    public func validate(region: String?) throws(RolesAnywhereError) -> String {
        let trustAnchor: ARN
        let profile: ARN
        do {
            trustAnchor = try ARN(parsing: trustAnchorArn)
            try trustAnchor.requireRolesAnywhere("trust-anchor", parameter: "trustAnchorArn")
            profile = try ARN(parsing: profileArn)
            try profile.requireRolesAnywhere("profile", parameter: "profileArn")
            let role = try ARN(parsing: roleArn)
            try role.requireIAMRole(parameter: "roleArn")
        } catch {
            throw RolesAnywhereError(.invalidInput, error.description, parameter: error.parameter)
        }
        // Regions are names before anything compares, prints or signs with them.
        for (candidate, origin) in [(trustAnchor.region, "the trust anchor ARN"), (profile.region, "the profile ARN"), (region, "the region")] {
            if let candidate, !RegionName.isValid(candidate) {
                throw RolesAnywhereError(.invalidInput, RegionName.problem(candidate, origin: origin), parameter: origin == "the region" ? "region" : nil)
            }
        }
        guard trustAnchor.region == profile.region else {
            throw RolesAnywhereError(.invalidInput, "the trust anchor (\(trustAnchor.region)) and the profile (\(profile.region)) are in different regions; both must be in the region you call")
        }
        if let durationSeconds, !Self.durationRange.contains(durationSeconds) {
            throw RolesAnywhereError(.invalidInput, "the session duration \(durationSeconds) s is outside 900–43200 s (15 minutes to 12 hours)")
        }
        if let name = roleSessionName, !RoleSessionName.isValid(name) {
            throw RolesAnywhereError(.invalidInput, "the role session name \"\(name)\" must be 2–64 characters of letters, digits and + = , . @ _ -")
        }
        let signingRegion = region ?? trustAnchor.region
        if signingRegion != trustAnchor.region {
            throw RolesAnywhereError(.invalidInput, "the region \(signingRegion) differs from the trust anchor's region \(trustAnchor.region)", parameter: "region")
        }
        return signingRegion
    }

    /// The JSON body (all parameters in the body, as the AWS Python libraries send them).
    func jsonBody() -> [UInt8] {
        struct Body: Encodable {
            var durationSeconds: Int?
            var instanceProperties: [String: String]?
            var profileArn: String
            var roleArn: String
            var roleSessionName: String?
            var trustAnchorArn: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = Body(durationSeconds: durationSeconds, instanceProperties: instanceProperties, profileArn: profileArn, roleArn: roleArn, roleSessionName: roleSessionName, trustAnchorArn: trustAnchorArn)
        return Array((try? encoder.encode(body)) ?? Data())
    }
}

/// The role session name rule of STS and Roles Anywhere: `[\w+=,.@-]{2,64}`.
public enum RoleSessionName {
    public static func isValid(_ name: String) -> Bool {
        (2...64).contains(name.count) && name.unicodeScalars.allSatisfy { scalar in
            (scalar.value < 128 && (CharacterSetASCII.isAlphanumeric(scalar) || "_+=,.@-".unicodeScalars.contains(scalar)))
        }
    }
}

enum CharacterSetASCII {
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}

/// The output of `CreateSession`, as the service returns it.
public struct CreateSessionOutput: Sendable, Hashable, Codable {
    public struct AssumedRoleUser: Sendable, Hashable, Codable {
        public var arn: String?
        public var assumedRoleId: String?

        public init(arn: String? = nil, assumedRoleId: String? = nil) {
            self.arn = arn
            self.assumedRoleId = assumedRoleId
        }
    }

    /// The credential fields. `description` hides the secret and token.
    public struct SessionCredentials: Sendable, Hashable, Codable, CustomStringConvertible, CustomReflectable {
        public var accessKeyId: String
        public var secretAccessKey: String
        public var sessionToken: String
        /// ISO-8601, as the service wrote it.
        public var expiration: String

        public init(accessKeyId: String, secretAccessKey: String, sessionToken: String, expiration: String) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
            self.expiration = expiration
        }

        public var description: String { "SessionCredentials(accessKeyId: \(accessKeyId), expiration: \(expiration))" }
        public var customMirror: Mirror {
            Mirror(self, children: ["accessKeyId": accessKeyId, "secretAccessKey": "<redacted>", "sessionToken": "<redacted>", "expiration": expiration], displayStyle: .struct)
        }
    }

    public struct CredentialSet: Sendable, Hashable, Codable {
        public var assumedRoleUser: AssumedRoleUser?
        public var credentials: SessionCredentials?
        public var packedPolicySize: Int?
        public var roleArn: String?
        public var sourceIdentity: String?

        public init(assumedRoleUser: AssumedRoleUser? = nil, credentials: SessionCredentials? = nil, packedPolicySize: Int? = nil, roleArn: String? = nil, sourceIdentity: String? = nil) {
            self.assumedRoleUser = assumedRoleUser
            self.credentials = credentials
            self.packedPolicySize = packedPolicySize
            self.roleArn = roleArn
            self.sourceIdentity = sourceIdentity
        }
    }

    public var credentialSet: [CredentialSet]
    public var subjectArn: String?

    public init(credentialSet: [CredentialSet], subjectArn: String? = nil) {
        self.credentialSet = credentialSet
        self.subjectArn = subjectArn
    }
}
