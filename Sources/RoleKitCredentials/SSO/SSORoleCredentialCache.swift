import Crypto
public import FoundationEssentials
import RoleKitSigning
import RoleKitSupport
public import RoleKitTransport

/// The AWS CLI v2's cache of IAM Identity Center role credentials: `~/.aws/cli/cache/<key>.json`
/// (shared with its assume-role entries), where the key is the SHA-1 of the compact, sorted
/// JSON of `{accountId, roleName, sessionName}` (legacy profiles: `startUrl` for
/// `sessionName`) and the value `{"ProviderType": "sso", "Credentials": {…, "AccountId"}}`.
///
/// Entries are read without following links, 0600 and owned by this user, and validated; one
/// with under 15 minutes left is a miss (the CLI's rule). Writes are atomic and 0600.
public struct SSORoleCredentialCache: Sendable {
    public let directory: String

    /// `~/.aws/cli/cache`.
    public static func defaultDirectory(environment: AWSEnvironment = .process) -> String {
        environment.expandingTilde("~/.aws/cli/cache")
    }

    public init(directory: String) {
        self.directory = directory
    }

    /// An entry with less left than this is not used.
    public static let minimumRemaining: TimeInterval = 15 * 60

    /// The CLI's key for a profile's role.
    public static func key(for configuration: SSOProfileConfiguration) -> String {
        var members: [JSONValue.Member] = [.init("accountId", .string(configuration.accountId)), .init("roleName", .string(configuration.roleName))]
        if let session = configuration.sessionName {
            members.append(.init("sessionName", .string(session)))
        } else {
            members.append(.init("startUrl", .string(configuration.startUrl)))
        }
        let text = JSONWriter.compact.render(JSONValue.object(members).sortingKeys)
        return Hex.encode(Insecure.SHA1.hash(data: Array(text.utf8)))
    }

    public func path(forKey key: String) -> String { directory + "/" + key + ".json" }

    /// The cached credentials for `key` with at least ``minimumRemaining`` left at `now`.
    public func credentials(forKey key: String, now: Date) -> Credentials? {
        guard let bytes = AtomicFile.readPrivate(path(forKey: key), maximumSize: 64 * 1024),
            let object = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)), case .string("sso")? = object["ProviderType"],
            let values = object["Credentials"]
        else { return nil }
        func text(_ name: String) -> String? {
            if case .string(let value)? = values[name] { return value }
            return nil
        }
        guard let id = text("AccessKeyId"), let secret = text("SecretAccessKey"), let expirationText = text("Expiration"), let expiration = ISO8601Timestamp.parse(expirationText),
            expiration.timeIntervalSince(now) > Self.minimumRemaining,
            let credentials = try? Credentials(validating: id, secretAccessKey: secret, sessionToken: text("SessionToken"), expiration: expiration, source: "the IAM Identity Center role cache", now: now)
        else { return nil }
        return credentials
    }

    /// Stores `credentials` (validated first) for `key`.
    public func store(_ credentials: Credentials, accountId: String, forKey key: String) throws(CredentialsError) {
        try credentials.validate(source: "the IAM Identity Center role credentials to cache")
        var members: [JSONValue.Member] = [
            .init("AccessKeyId", .string(credentials.accessKeyId)), .init("SecretAccessKey", .string(credentials.secretAccessKey)),
        ]
        if let token = credentials.sessionToken { members.append(.init("SessionToken", .string(token))) }
        if let expiration = credentials.expiration { members.append(.init("Expiration", .string(ISO8601Timestamp.format(expiration)))) }
        members.append(.init("AccountId", .string(accountId)))
        let value = JSONValue.object([.init("ProviderType", .string("sso")), .init("Credentials", .object(members))])
        try AtomicFile.ensureDirectory(directory)
        try AtomicFile.write(Array(JSONWriter.spaced.render(value).utf8), to: path(forKey: key))
    }

    /// Deletes every entry whose `ProviderType` is `sso` (logout); returns how many.
    @discardableResult
    public func removeAll() -> Int {
        var removed = 0
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter({ $0.hasSuffix(".json") }).prefix(10_000) {
            let path = directory + "/" + name
            guard let bytes = AtomicFile.readPrivate(path, maximumSize: 64 * 1024), let object = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)),
                case .string("sso")? = object["ProviderType"]
            else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
        }
        return removed
    }
}
