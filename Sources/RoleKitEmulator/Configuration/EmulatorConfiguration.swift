public import FoundationEssentials

/// What the emulator knows: account, region, trust anchors, profiles and CRLs.
///
/// Load it from a JSON file (``load(path:)``) or build it in code. Certificate bundles and CRLs
/// are given as file paths or inline PEM.
public struct EmulatorConfiguration: Sendable, Codable, Hashable {
    public struct TrustAnchor: Sendable, Codable, Hashable {
        public var id: String
        public var name: String
        /// PEM of one or more CA certificates, or a path to such a file.
        public var certificateBundle: String
        public var enabled: Bool

        public init(id: String = UUID().uuidString.lowercased(), name: String, certificateBundle: String, enabled: Bool = true) {
            self.id = id
            self.name = name
            self.certificateBundle = certificateBundle
            self.enabled = enabled
        }
    }

    public struct Profile: Sendable, Codable, Hashable {
        public var id: String
        public var name: String
        public var roleArns: [String]
        public var enabled: Bool
        /// The longest session the profile allows (900–43200, default 3600).
        public var durationSeconds: Int
        public var acceptRoleSessionName: Bool

        public init(id: String = UUID().uuidString.lowercased(), name: String, roleArns: [String], enabled: Bool = true, durationSeconds: Int = 3600, acceptRoleSessionName: Bool = false) {
            self.id = id
            self.name = name
            self.roleArns = roleArns
            self.enabled = enabled
            self.durationSeconds = durationSeconds
            self.acceptRoleSessionName = acceptRoleSessionName
        }
    }

    public struct CRL: Sendable, Codable, Hashable {
        public var id: String
        public var name: String
        /// The trust anchor whose certificates this CRL revokes.
        public var trustAnchorId: String
        /// PEM or a path to a PEM/DER CRL file.
        public var crl: String
        public var enabled: Bool

        public init(id: String = UUID().uuidString.lowercased(), name: String, trustAnchorId: String, crl: String, enabled: Bool = true) {
            self.id = id
            self.name = name
            self.trustAnchorId = trustAnchorId
            self.crl = crl
            self.enabled = enabled
        }
    }

    /// An access key allowed to call the control plane (and the emulator's STS).
    public struct AdminKey: Sendable, Codable, Hashable, CustomStringConvertible {
        public var accessKeyId: String
        public var secretAccessKey: String

        public init(accessKeyId: String, secretAccessKey: String) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
        }

        public var description: String { "AdminKey(\(accessKeyId), <redacted>)" }

        /// A fresh random key (`AKIA` + 16 characters, 40-character secret).
        public static func generate() -> AdminKey {
            AdminKey(
                accessKeyId: "AKIA" + RolesAnywhereEmulator.random(16, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
                secretAccessKey: RolesAnywhereEmulator.random(40, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
            )
        }
    }

    public var accountId: String
    public var region: String
    public var trustAnchors: [TrustAnchor]
    public var profiles: [Profile]
    public var crls: [CRL]
    /// Keys whose SigV4 signatures the control plane accepts.
    public var adminKeys: [AdminKey]
    /// Accepted difference between `X-Amz-Date` and the emulator's clock (default 300 s).
    public var clockToleranceSeconds: Int
    /// IAM Identity Center: accounts, permission sets, approval, seeded tokens.
    public var sso: SSOEmulatorConfiguration

    public init(
        accountId: String = "123456789012", region: String = "us-east-1", trustAnchors: [TrustAnchor] = [], profiles: [Profile] = [], crls: [CRL] = [],
        adminKeys: [AdminKey] = [], clockToleranceSeconds: Int = 300, sso: SSOEmulatorConfiguration = .init()
    ) {
        self.sso = sso
        self.accountId = accountId
        self.region = region
        self.trustAnchors = trustAnchors
        self.profiles = profiles
        self.crls = crls
        self.adminKeys = adminKeys
        self.clockToleranceSeconds = clockToleranceSeconds
    }

    enum CodingKeys: String, CodingKey {
        case accountId, region, trustAnchors, profiles, crls, adminKeys, clockToleranceSeconds, sso
    }

    /// Every member is optional in the JSON file; missing ones take their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            accountId: try container.decodeIfPresent(String.self, forKey: .accountId) ?? "123456789012",
            region: try container.decodeIfPresent(String.self, forKey: .region) ?? "us-east-1",
            trustAnchors: try container.decodeIfPresent([TrustAnchor].self, forKey: .trustAnchors) ?? [],
            profiles: try container.decodeIfPresent([Profile].self, forKey: .profiles) ?? [],
            crls: try container.decodeIfPresent([CRL].self, forKey: .crls) ?? [],
            adminKeys: try container.decodeIfPresent([AdminKey].self, forKey: .adminKeys) ?? [],
            clockToleranceSeconds: try container.decodeIfPresent(Int.self, forKey: .clockToleranceSeconds) ?? 300,
            sso: try container.decodeIfPresent(SSOEmulatorConfiguration.self, forKey: .sso) ?? .init()
        )
    }

    /// Reads a configuration from a JSON file.
    public static func load(path: String) throws(EmulatorError) -> EmulatorConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EmulatorError.configuration("cannot read the emulator configuration \(path)")
        }
        do {
            return try JSONDecoder().decode(EmulatorConfiguration.self, from: data)
        } catch {
            throw EmulatorError.configuration("\(path) is not a valid emulator configuration: \(error)")
        }
    }

    public func trustAnchorArn(_ anchor: TrustAnchor) -> String { EmulatorStore.Kind.trustAnchor.arn(region: region, accountId: accountId, id: anchor.id) }
    public func profileArn(_ profile: Profile) -> String { EmulatorStore.Kind.profile.arn(region: region, accountId: accountId, id: profile.id) }
}
