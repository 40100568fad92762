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
    /// When set (1–43200), every Roles Anywhere session expires this many seconds after it is
    /// issued, whatever `durationSeconds` asked: a way to watch a client refresh within seconds.
    /// The real service never does this; the answer still says the requested duration was granted.
    public var sessionLifetimeSeconds: Int?

    public init(
        accountId: String = "123456789012", region: String = "us-east-1", trustAnchors: [TrustAnchor] = [], profiles: [Profile] = [], crls: [CRL] = [],
        adminKeys: [AdminKey] = [], clockToleranceSeconds: Int = 300, sso: SSOEmulatorConfiguration = .init(), sessionLifetimeSeconds: Int? = nil
    ) {
        self.sso = sso
        self.sessionLifetimeSeconds = sessionLifetimeSeconds
        self.accountId = accountId
        self.region = region
        self.trustAnchors = trustAnchors
        self.profiles = profiles
        self.crls = crls
        self.adminKeys = adminKeys
        self.clockToleranceSeconds = clockToleranceSeconds
    }

    enum CodingKeys: String, CodingKey {
        case accountId, region, trustAnchors, profiles, crls, adminKeys, clockToleranceSeconds, sso, sessionLifetimeSeconds
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
            sso: try container.decodeIfPresent(SSOEmulatorConfiguration.self, forKey: .sso) ?? .init(),
            sessionLifetimeSeconds: try container.decodeIfPresent(Int.self, forKey: .sessionLifetimeSeconds)
        )
        if let lifetime = sessionLifetimeSeconds, !(1...43_200).contains(lifetime) {
            throw DecodingError.dataCorruptedError(forKey: .sessionLifetimeSeconds, in: container, debugDescription: "sessionLifetimeSeconds must be 1–43200")
        }
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

// Configuration files may leave out every member that has a default (`id`, `enabled`,
// `durationSeconds`, `acceptRoleSessionName`), as the documented examples do.
extension EmulatorConfiguration.TrustAnchor {
    enum CodingKeys: String, CodingKey { case id, name, certificateBundle, enabled }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decodeIfPresent(String.self, forKey: .id) ?? UUID().uuidString.lowercased(),
            name: try container.decode(String.self, forKey: .name),
            certificateBundle: try container.decode(String.self, forKey: .certificateBundle),
            enabled: try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        )
    }
}

extension EmulatorConfiguration.Profile {
    enum CodingKeys: String, CodingKey { case id, name, roleArns, enabled, durationSeconds, acceptRoleSessionName }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decodeIfPresent(String.self, forKey: .id) ?? UUID().uuidString.lowercased(),
            name: try container.decode(String.self, forKey: .name),
            roleArns: try container.decode([String].self, forKey: .roleArns),
            enabled: try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true,
            durationSeconds: try container.decodeIfPresent(Int.self, forKey: .durationSeconds) ?? 3600,
            acceptRoleSessionName: try container.decodeIfPresent(Bool.self, forKey: .acceptRoleSessionName) ?? false
        )
    }
}

extension EmulatorConfiguration.CRL {
    enum CodingKeys: String, CodingKey { case id, name, trustAnchorId, crl, enabled }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decodeIfPresent(String.self, forKey: .id) ?? UUID().uuidString.lowercased(),
            name: try container.decode(String.self, forKey: .name),
            trustAnchorId: try container.decode(String.self, forKey: .trustAnchorId),
            crl: try container.decode(String.self, forKey: .crl),
            enabled: try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        )
    }
}

