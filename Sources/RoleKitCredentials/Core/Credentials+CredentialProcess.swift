import FoundationEssentials
import RoleKitSigning
import RoleKitSupport

extension Credentials {
    /// The `credential_process` output (Version 1), members in the order the AWS CLI documents.
    ///
    /// - Parameter expirationText: The expiration as the service wrote it; defaults to ISO-8601.
    public func credentialProcessJSON(expirationText: String? = nil) -> String {
        var members: [JSONValue.Member] = [.init("Version", .int(1)), .init("AccessKeyId", .string(accessKeyId)), .init("SecretAccessKey", .string(secretAccessKey))]
        if let sessionToken { members.append(.init("SessionToken", .string(sessionToken))) }
        if let text = expirationText ?? expiration.map(ISO8601Timestamp.format) { members.append(.init("Expiration", .string(text))) }
        return JSONWriter.compact.render(.object(members))
    }

    /// Reads `credential_process` output (Version 1).
    ///
    /// The values pass ``validate(source:now:)`` (not the expiration, which callers check
    /// against their clock).
    /// - Parameter source: Names the output in messages (the program that printed it).
    public init(credentialProcessJSON data: [UInt8], source: String = "the credential_process output") throws {
        guard data.count <= 1 << 20 else { throw CredentialsError(.malformed, "credential_process output is larger than 1 MiB") }
        struct Output: Decodable {
            var Version: Int
            var AccessKeyId: String
            var SecretAccessKey: String
            var SessionToken: String?
            var Expiration: String?
        }
        let output = try JSONDecoder().decode(Output.self, from: Data(data))
        guard output.Version == 1 else { throw CredentialsError(.malformed, "credential_process output has Version \(output.Version); only 1 is supported") }
        var expiration: Date?
        if let text = output.Expiration {
            guard let date = ISO8601Timestamp.parse(text) else { throw CredentialsError(.malformed, "credential_process output has an unreadable Expiration") }
            expiration = date
        }
        try self.init(validating: output.AccessKeyId, secretAccessKey: output.SecretAccessKey, sessionToken: output.SessionToken, expiration: expiration, source: source)
    }
}
