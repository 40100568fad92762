import ArgumentParser
import RoleKitArgumentParser
import FoundationEssentials
import RoleKitCredentials
import RoleKitTransport
import RoleKitSigning
import RoleKitSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Frozen credentials as the environment variables SDKs read.
enum CredentialEnvironment {
    static let names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"]

    static func variables(_ credentials: Credentials, region: String) -> [(String, String)] {
        var variables = [("AWS_ACCESS_KEY_ID", credentials.accessKeyId), ("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey)]
        if let token = credentials.sessionToken { variables.append(("AWS_SESSION_TOKEN", token)) }
        variables.append(("AWS_REGION", region))
        variables.append(("AWS_DEFAULT_REGION", region))
        if let expiration = credentials.expiration { variables.append(("AWS_CREDENTIAL_EXPIRATION", ISO8601Timestamp.format(expiration))) }
        return variables
    }

    static func freeze(_ auth: AWSAuthOptions) async throws -> (Credentials, String, String?) {
        let transport = try HTTPTransport()
        do {
            let session = auth.session(transport: transport)
            let credentials = try await session.freeze()
            try? await transport.shutdown()
            if auth.authDebug { StandardError.line("rolekit: credentials from \(session.method ?? "?") (\(credentials.accessKeyId))") }
            return (credentials, session.region, session.method)
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }
}
