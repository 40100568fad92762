import Crypto
public import FoundationEssentials
public import RoleKitServices
import RoleKitSigning
import RoleKitTransport
import Synchronization
import RoleKitSupport

/// A cached `AssumeRole` (or web identity) answer.
public struct CachedRoleCredentials: Sendable, Hashable {
    public var credentials: Credentials
    public var assumedRoleUser: AssumedRoleUser?

    public init(credentials: Credentials, assumedRoleUser: AssumedRoleUser? = nil) {
        self.credentials = credentials
        self.assumedRoleUser = assumedRoleUser
    }
}

/// Where assume-role answers are kept between calls (and, for the file cache, between processes).
public protocol AssumeRoleCache: Sendable {
    func entry(forKey key: String) -> CachedRoleCredentials?
    func store(_ entry: CachedRoleCredentials, forKey key: String) throws
}

/// An in-memory cache.
public final class MemoryAssumeRoleCache: AssumeRoleCache {
    private let entries = Mutex<[String: CachedRoleCredentials]>([:])
    public init() {}
    public func entry(forKey key: String) -> CachedRoleCredentials? { entries.withLock { $0[key] } }
    public func store(_ entry: CachedRoleCredentials, forKey key: String) { entries.withLock { $0[key] = entry } }
}

/// The AWS CLI's JSON file cache (`~/.aws/cli/cache`): one `<key>.json` per set of AssumeRole
/// arguments holding the whole response, written atomically (0600 in a 0700 folder). The AWS CLI
/// and boto3 (with the CLI's cache) read RoleKit's entries and RoleKit reads theirs. A corrupt or
/// unreadable entry is a miss, replaced by the next store.
public struct JSONFileAssumeRoleCache: AssumeRoleCache {
    public let directory: String

    /// `~/.aws/cli/cache`.
    public static var awsCLIDirectory: String {
        AWSEnvironment.process.expandingTilde("~/.aws/cli/cache")
    }

    public init(directory: String = JSONFileAssumeRoleCache.awsCLIDirectory) {
        self.directory = directory
    }

    public func path(forKey key: String) -> String { directory + "/" + key + ".json" }

    public func entry(forKey key: String) -> CachedRoleCredentials? {
        guard let data = AtomicFile.readPrivate(path(forKey: key), maximumSize: 64 * 1024).map({ Data($0) }) else { return nil }
        struct File: Decodable {
            struct Creds: Decodable {
                var AccessKeyId: String
                var SecretAccessKey: String
                var SessionToken: String?
                var Expiration: String
            }
            struct User: Decodable {
                var AssumedRoleId: String
                var Arn: String
            }
            var Credentials: Creds
            var AssumedRoleUser: User?
        }
        guard let file = try? JSONDecoder().decode(File.self, from: data), let expiration = ISO8601Timestamp.parse(file.Credentials.Expiration),
            let credentials = try? Credentials(validating: file.Credentials.AccessKeyId, secretAccessKey: file.Credentials.SecretAccessKey, sessionToken: file.Credentials.SessionToken, expiration: expiration, source: "the role cache")
        else { return nil }
        return CachedRoleCredentials(
            credentials: credentials,
            assumedRoleUser: file.AssumedRoleUser.map { AssumedRoleUser(assumedRoleId: $0.AssumedRoleId, arn: $0.Arn) }
        )
    }

    public func store(_ entry: CachedRoleCredentials, forKey key: String) throws {
        try entry.credentials.validate(source: "the role credentials to cache", now: Date())
        var credentials: [JSONValue.Member] = [
            .init("AccessKeyId", .string(entry.credentials.accessKeyId)), .init("SecretAccessKey", .string(entry.credentials.secretAccessKey)),
        ]
        if let token = entry.credentials.sessionToken { credentials.append(.init("SessionToken", .string(token))) }
        if let expiration = entry.credentials.expiration { credentials.append(.init("Expiration", .string(ISO8601Timestamp.format(expiration)))) }
        // botocore stores the account of the assumed role next to the keys.
        if let account = entry.assumedRoleUser.flatMap({ try? ARN(parsing: $0.arn) })?.accountId, !account.isEmpty {
            credentials.append(.init("AccountId", .string(account)))
        }
        var members: [JSONValue.Member] = [.init("Credentials", .object(credentials))]
        if let user = entry.assumedRoleUser {
            members.append(.init("AssumedRoleUser", .object(["AssumedRoleId": .string(user.assumedRoleId), "Arn": .string(user.arn)])))
        }
        try AtomicFile.write(Array(JSONWriter.spaced.render(.object(members)).utf8), to: path(forKey: key))
    }
}

/// Cache keys as botocore computes them (`_create_cache_key`).
public enum AssumeRoleCacheKey {
    /// The SHA-1 hex of `json.dumps(arguments, sort_keys=True)` over the AssumeRole arguments:
    /// the session name only when it was configured (not generated), the policy parsed so its
    /// keys sort, `TokenCode` never.
    public static func botocore(_ input: AssumeRoleInput, sessionNameWasGenerated: Bool) -> String {
        hash(arguments(input, sessionNameWasGenerated: sessionNameWasGenerated))
    }

    public static func arguments(_ input: AssumeRoleInput, sessionNameWasGenerated: Bool) -> PythonJSON {
        var args: [String: PythonJSON] = ["RoleArn": .string(input.roleArn)]
        if !sessionNameWasGenerated { args["RoleSessionName"] = .string(input.roleSessionName) }
        if let value = input.externalId { args["ExternalId"] = .string(value) }
        if let value = input.serialNumber { args["SerialNumber"] = .string(value) }
        if let value = input.durationSeconds { args["DurationSeconds"] = .int(value) }
        if let policy = input.policy { args["Policy"] = (try? PythonJSON.parse(policy.text)) ?? .string(policy.text) }
        if !input.policyArns.isEmpty { args["PolicyArns"] = .array(input.policyArns.map { .object(["arn": .string($0)]) }) }
        if !input.tags.isEmpty { args["Tags"] = .array(input.tags.map { .object(["Key": .string($0.key), "Value": .string($0.value)]) }) }
        if !input.transitiveTagKeys.isEmpty { args["TransitiveTagKeys"] = .array(input.transitiveTagKeys.map { .string($0) }) }
        if let value = input.sourceIdentity { args["SourceIdentity"] = .string(value) }
        for (name, value) in input.additionalParameters { args[name] = .string(value) }
        return .object(args)
    }

    public static func hash(_ arguments: PythonJSON) -> String {
        Hex.encode(Insecure.SHA1.hash(data: Array(arguments.dumps.utf8)))
    }
}
