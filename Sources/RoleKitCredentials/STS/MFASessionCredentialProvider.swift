public import FoundationEssentials
public import RoleKitServices
public import RoleKitTransport
import RoleKitSupport

/// Session credentials from `GetSessionToken` with an MFA code, made from long-term keys and
/// shared: one code serves every role assumed from them until the session expires, as
/// aws-vault does, instead of one prompt per role and per refresh.
///
/// The session is kept in the role cache (``AssumeRoleCache``, by default the AWS CLI's
/// `~/.aws/cli/cache`: 0600 files written atomically under a lock) under a key made from the
/// device serial and the access key id, so other processes (the next `aws` command running
/// `credential_process`, another `rolekit`) reuse it without asking.
public final class MFASessionCredentialProvider: CredentialProvider {
    public let parent: any CredentialProvider
    public let serialNumber: String
    /// Seconds the session lasts (900–129600; default 1 hour, as aws-vault).
    public let durationSeconds: Int
    private let refresher: RefreshingCredentialProvider

    public init(
        parent: any CredentialProvider, serialNumber: String, durationSeconds: Int = 3600, code: MFACodeSource, context: String, region: String?, endpoint: URL?,
        transport: HTTPTransport, cache: (any AssumeRoleCache)?, clock: any WallClock = SystemWallClock()
    ) {
        self.parent = parent
        self.serialNumber = serialNumber
        self.durationSeconds = durationSeconds
        let minimumRemaining: TimeInterval = 15 * 60
        self.refresher = RefreshingCredentialProvider(clock: clock) {
            let keys = try await parent.credentials()
            let key = Self.cacheKey(serialNumber: serialNumber, accessKeyId: keys.accessKeyId, durationSeconds: durationSeconds)
            if let cache, let entry = cache.entry(forKey: key), let expiration = entry.credentials.expiration,
                expiration.timeIntervalSince(clock.now()) > minimumRemaining, (try? entry.credentials.validate(source: "the MFA session cache")) != nil
            {
                return entry.credentials
            }
            let tokenCode = try await code.code(serial: serialNumber, context: context)
            try RoleKitServices.MFA.validate(serialNumber: serialNumber, tokenCode: tokenCode)
            let client = STSClient(transport: transport, region: region ?? AssumeRoleCredentialProvider.fallbackRegion, endpoint: endpoint)
            let output = try await client.getSessionToken(.init(durationSeconds: durationSeconds, serialNumber: serialNumber, tokenCode: tokenCode), credentials: keys.signingCredentials)
            let credentials = try Credentials(output)
            if let cache { try? cache.store(CachedRoleCredentials(credentials: credentials), forKey: key) }
            return credentials
        }
    }

    /// `rolekit-mfa-session-` and the SHA-1 hex of the device, key id and duration.
    static func cacheKey(serialNumber: String, accessKeyId: String, durationSeconds: Int) -> String {
        "rolekit-mfa-session-" + AssumeRoleCacheKey.hash(.object(["SerialNumber": .string(serialNumber), "AccessKeyId": .string(accessKeyId), "DurationSeconds": .int(durationSeconds)]))
    }

    public func credentials() async throws -> Credentials {
        try await refresher.credentials()
    }

    public func refreshedCredentials() async throws -> Credentials {
        try await refresher.refresh()
    }
}
