import Crypto
public import FoundationEssentials
import RoleKitSigning
import RoleKitSupport
public import RoleKitTransport

/// `~/.aws/sso/cache`, read and written as botocore and the AWS CLI v2 do: one file per
/// sso-session (or, for a legacy profile, per start URL) named by the SHA-1 of that name,
/// holding `startUrl`, `region`, `accessToken`, `expiresAt`, `clientId`, `clientSecret`,
/// `registrationExpiresAt` and `refreshToken`.
///
/// Files are read without following symbolic links, owned by this user, 0600 and at most
/// 64 KiB (anything else is refused as absent); written atomically, 0600, under a lock.
public struct SSOTokenCache: Sendable {
    public let directory: String

    /// `~/.aws/sso/cache`.
    public static func defaultDirectory(environment: AWSEnvironment = .process) -> String {
        environment.expandingTilde("~/.aws/sso/cache")
    }

    public init(directory: String = SSOTokenCache.defaultDirectory()) {
        self.directory = directory
    }

    /// The file name's key: the sso-session name, or a legacy profile's start URL as configured.
    public static func fileName(sessionName: String?, startUrl: String) -> String {
        Hex.encode(Insecure.SHA1.hash(data: Array((sessionName ?? startUrl).utf8))) + ".json"
    }

    /// The cache file of a session (or legacy start URL).
    public func path(sessionName: String?, startUrl: String) -> String {
        directory + "/" + Self.fileName(sessionName: sessionName, startUrl: startUrl)
    }

    /// The cached token, `nil` when there is none.
    /// - Throws: ``CredentialsError`` `.ssoTokenNotFound` for a file without `accessToken` and
    ///   `expiresAt` (botocore: "Token for … is invalid", `SSOTokenLoadError` as for a missing one).
    public func token(sessionName: String?, startUrl: String) throws(CredentialsError) -> SSOToken? {
        guard let data = AtomicFile.readPrivate(path(sessionName: sessionName, startUrl: startUrl), maximumSize: 64 * 1024) else { return nil }
        return try Self.decode(data, name: sessionName ?? startUrl)
    }

    /// Stores `token` for the session (or legacy start URL).
    public func store(_ token: SSOToken, sessionName: String?, startUrl: String) throws(CredentialsError) {
        try AtomicFile.ensureDirectory(directory)
        try AtomicFile.withLock(path(sessionName: sessionName, startUrl: startUrl) + ".lock") { () throws(CredentialsError) in
            try AtomicFile.write(Array(Self.encode(token).utf8), to: path(sessionName: sessionName, startUrl: startUrl))
        }
    }

    /// Removes the session's token file (logout).
    public func remove(sessionName: String?, startUrl: String) {
        _ = try? FileManager.default.removeItem(atPath: path(sessionName: sessionName, startUrl: startUrl))
    }

    /// Every cached token (registration files, without `accessToken`, are skipped), with its path.
    public func allTokens() -> [(path: String, token: SSOToken)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted().prefix(10_000)
        return names.compactMap { name in
            let path = directory + "/" + name
            guard let data = AtomicFile.readPrivate(path, maximumSize: 64 * 1024), let token = try? Self.decode(data, name: name) else { return nil }
            return (path, token)
        }
    }

    /// Deletes one file of this directory (logout).
    public func removeFile(_ path: String) {
        guard path.hasPrefix(directory + "/") else { return }
        _ = try? FileManager.default.removeItem(atPath: path)
    }

    /// The largest token value accepted (access and refresh tokens are about 1 KiB).
    static let maximumTokenLength = 16 * 1024

    static func decode(_ data: [UInt8], name: String) throws(CredentialsError) -> SSOToken {
        let invalid = CredentialsError(.ssoTokenNotFound, "the IAM Identity Center token cached for \(SafeText.excerpt(name, limit: 120)) is invalid; sign in again")
        guard let object = try? JSONDecoder().decode(JSONValue.self, from: Data(data)) else { throw invalid }
        func text(_ key: String) -> String? {
            guard case .string(let value)? = object[key], value.utf8.count <= maximumTokenLength, !value.unicodeScalars.contains(where: SafeText.isUnsafe) else { return nil }
            return value
        }
        guard let accessToken = text("accessToken"), !accessToken.isEmpty, let expiresText = text("expiresAt"), let expiresAt = ISO8601Timestamp.parse(expiresText) else { throw invalid }
        return SSOToken(
            accessToken: accessToken, expiresAt: expiresAt, startUrl: text("startUrl"), region: text("region"), refreshToken: text("refreshToken"),
            clientId: text("clientId"), clientSecret: text("clientSecret"), registrationExpiresAt: text("registrationExpiresAt").flatMap(ISO8601Timestamp.parse)
        )
    }

    /// botocore's layout: the members it writes, times as `%Y-%m-%dT%H:%M:%SZ`.
    static func encode(_ token: SSOToken) -> String {
        var members: [JSONValue.Member] = []
        if let startUrl = token.startUrl { members.append(.init("startUrl", .string(startUrl))) }
        if let region = token.region { members.append(.init("region", .string(region))) }
        members.append(.init("accessToken", .string(token.accessToken)))
        members.append(.init("expiresAt", .string(ISO8601Timestamp.format(token.expiresAt))))
        if let clientId = token.clientId { members.append(.init("clientId", .string(clientId))) }
        if let clientSecret = token.clientSecret { members.append(.init("clientSecret", .string(clientSecret))) }
        if let registration = token.registrationExpiresAt { members.append(.init("registrationExpiresAt", .string(ISO8601Timestamp.format(registration)))) }
        if let refreshToken = token.refreshToken { members.append(.init("refreshToken", .string(refreshToken))) }
        return JSONWriter(itemSeparator: ", ", memberSeparator: ": ", asciiOnly: true).render(.object(members))
    }
}
