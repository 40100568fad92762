import ArgumentParser
import RoleKitSigning
import RoleKitArgumentParser
import FoundationEssentials
import RoleKitCredentials
import RoleKitIdentity
import RoleKitServices
import RoleKitTransport
import RoleKitSupport

/// How credentials are printed.
enum CredentialsOutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// `{"Credentials": {...}, "AssumedRoleUser": {...}}`, as `aws sts assume-role` prints.
    case json
    /// `export AWS_ACCESS_KEY_ID=...` lines for `eval`.
    case env
    /// credential_process Version 1 JSON.
    case process

    func render(_ credentials: Credentials, assumedRoleUser: AssumedRoleUser? = nil) -> String {
        let expiration = credentials.expiration.map(ISO8601Timestamp.format)
        switch self {
        case .process:
            return credentials.credentialProcessJSON()
        case .env:
            var lines = [
                "export AWS_ACCESS_KEY_ID=\(ShellQuote.quote(credentials.accessKeyId))",
                "export AWS_SECRET_ACCESS_KEY=\(ShellQuote.quote(credentials.secretAccessKey))",
            ]
            if let token = credentials.sessionToken { lines.append("export AWS_SESSION_TOKEN=\(ShellQuote.quote(token))") }
            if let expiration { lines.append("export AWS_CREDENTIAL_EXPIRATION=\(ShellQuote.quote(expiration))") }
            return lines.joined(separator: "\n")
        case .json:
            var members: [JSONValue.Member] = [.init("AccessKeyId", .string(credentials.accessKeyId)), .init("SecretAccessKey", .string(credentials.secretAccessKey))]
            if let token = credentials.sessionToken { members.append(.init("SessionToken", .string(token))) }
            if let expiration { members.append(.init("Expiration", .string(expiration))) }
            var output: [JSONValue.Member] = [.init("Credentials", .object(members))]
            if let user = assumedRoleUser {
                output.append(.init("AssumedRoleUser", .object(["AssumedRoleId": .string(user.assumedRoleId), "Arn": .string(user.arn)])))
            }
            return JSONWriter.pretty().render(.object(output))
        }
    }
}
