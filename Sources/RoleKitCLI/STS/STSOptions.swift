import ArgumentParser
import RoleKitSigning
import RoleKitArgumentParser
import FoundationEssentials
import RoleKitCredentials
import RoleKitIdentity
import RoleKitServices
import RoleKitTransport
import RoleKitSupport

/// Endpoint and transport flags shared by the commands that call AWS (the region comes from
/// the auth options).
struct STSConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Endpoint for this command's calls (default: AWS_ENDPOINT_URL_STS (or _IAM), AWS_ENDPOINT_URL, else the regional endpoint).", valueName: "url"))
    var endpoint: String?

    @OptionGroup var transport: TransportOptions

    func endpointURL() throws -> URL? {
        guard let endpoint else { return nil }
        return try RolesAnywhereOptions.parseEndpoint(endpoint)
    }

    /// Runs `body` with a transport and always shuts it down.
    func withTransport<T>(_ body: (HTTPTransport) async throws -> T) async throws -> T {
        try await transport.withTransport(body)
    }
}

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


/// POSIX shell single quoting.
enum ShellQuote {
    static func quote(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || "+/=_.,:@-".contains($0) }), text.unicodeScalars.allSatisfy({ $0.value < 128 }) {
            return text
        }
        return "'" + text.replacing("'", with: "'\\''") + "'"
    }
}

extension AWSAuthOptions {
    /// Runs `body` with the session these options describe, on `connection`'s transport;
    /// `--auth-debug` reports the source (never the secrets) on stderr.
    func withSession<T>(_ connection: STSConnectionOptions, _ body: (CredentialSession, HTTPTransport) async throws -> T) async throws -> T {
        try await connection.withTransport { transport in
            let session = self.session(transport: transport, stsEndpoint: try connection.endpointURL())
            let result = try await body(session, transport)
            if authDebug { StandardError.line("rolekit: credentials from \(session.method ?? "?")") }
            return result
        }
    }
}

/// Reads an MFA code from the terminal.
enum MFAPrompt {
    static func ask(serial: String) throws -> String {
        let passphrase = try TerminalPrompt.readSecret(prompt: "MFA code for \(serial): ")
        return String(decoding: passphrase.bytes, as: UTF8.self).filter { !$0.isWhitespace }
    }
}
