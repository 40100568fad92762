public import FoundationEssentials
public import RoleKitTransport
import RoleKitSigning

/// Fixed credentials (long-term keys, or a session you already hold).
public struct StaticCredentialProvider: RegionalCredentialProvider {
    public let fixed: Credentials
    public let region: String?

    public init(_ credentials: Credentials, region: String? = nil) {
        self.fixed = credentials
        self.region = region
    }

    public func credentials() async throws -> Credentials {
        try fixed.validate(source: "the fixed credentials", now: Date())
        return fixed
    }
}
