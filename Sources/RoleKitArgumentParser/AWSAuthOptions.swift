public import ArgumentParser
import FoundationEssentials
public import RoleKitCredentials
public import RoleKitTransport
import RoleKitIdentity
import RoleKitServices

/// awsauthhelper's `AWSArgumentParser` as an ArgumentParser group: embed it in any command with
/// `@OptionGroup var auth: AWSAuthOptions`. Each option falls back to its environment variable.
public struct AWSAuthOptions: ParsableArguments, Sendable {
    /// The kinds of credentials a tool may insist on.
    public enum AuthType: String, ExpressibleByArgument, CaseIterable, Sendable {
        case keys, keys_with_session, profile, profile_role, config, credentials
    }

    @Option(name: .customLong("aws-access-key-id"), help: ArgumentHelp("Access key id (AWS_ACCESS_KEY_ID).", valueName: "id"))
    public var accessKeyId: String?
    @Option(name: .customLong("aws-secret-access-key"), help: ArgumentHelp("Secret access key (AWS_SECRET_ACCESS_KEY).", valueName: "key"))
    public var secretAccessKey: String?
    @Option(name: .customLong("aws-session-token"), help: ArgumentHelp("Session token (AWS_SESSION_TOKEN).", valueName: "token"))
    public var sessionToken: String?
    @Option(help: ArgumentHelp("Profile of the shared config files (AWS_PROFILE).", valueName: "name"))
    public var profile: String?
    @Option(help: ArgumentHelp("Region (AWS_REGION, AWS_DEFAULT_REGION).", valueName: "region"))
    public var region: String?
    @Option(help: ArgumentHelp("Role ARN to assume with the base credentials.", valueName: "arn"))
    public var role: String?
    @Option(name: .customLong("role-session-name"), help: ArgumentHelp("Session name for --role.", valueName: "name"))
    public var roleSessionName: String?
    @Option(name: .customLong("config-path"), help: ArgumentHelp("Config file (AWS_CONFIG_FILE).", valueName: "path"))
    public var configPath: String?
    @Option(name: .customLong("credentials-path"), help: ArgumentHelp("Credentials file (AWS_SHARED_CREDENTIALS_FILE).", valueName: "path"))
    public var credentialsPath: String?
    @Option(name: .customLong("mfa-serial"), help: ArgumentHelp("MFA device ARN or serial.", valueName: "arn"))
    public var mfaSerial: String?
    @Option(name: .customLong("mfa-token"), help: ArgumentHelp("MFA code.", valueName: "code"))
    public var mfaToken: String?
    @Option(name: .customLong("mfa-session-life"), help: ArgumentHelp("MFA session length in seconds.", valueName: "seconds"))
    public var mfaSessionLife: Int?
    @Option(name: .customLong("mfa-process"), help: ArgumentHelp("Command printing the MFA code when one is needed (as a profile's mfa_process; default: the profile's, else ykman for mfa_ykman_account, else the terminal).", valueName: "command"))
    public var mfaProcess: String?
    @Flag(name: .customLong("auth-debug"), help: "Print which source gave the credentials (never the secrets).")
    public var authDebug = false
    @Option(name: .customLong("auth-type"), help: ArgumentHelp("Insist on one kind of credentials: \(AuthType.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "type"))
    public var authType: AuthType?

    public init() {}

    /// The settings, each from its flag or else its environment variable.
    public func settings(environment: AWSEnvironment = .process) -> CredentialSession.Settings {
        let explicitKeys = accessKeyId != nil
        return CredentialSession.Settings(
            accessKeyId: accessKeyId,
            secretAccessKey: secretAccessKey ?? (explicitKeys ? environment.nonEmpty("AWS_SECRET_ACCESS_KEY") : nil),
            sessionToken: sessionToken ?? (explicitKeys ? environment.nonEmpty("AWS_SESSION_TOKEN") : nil),
            profile: profile,
            region: region ?? environment.region,
            roleArn: role, roleSessionName: roleSessionName,
            configPath: configPath, credentialsPath: credentialsPath,
            mfaSerial: mfaSerial, mfaToken: mfaToken, mfaSessionLife: mfaSessionLife
        ).withMFACode(MFACodeSource(process: mfaProcess, prompt: Self.terminalPrompt))
    }

    /// Asks for an MFA code on the controlling terminal (echo off); without one, an error that
    /// says how else to give it.
    public static let terminalPrompt: @Sendable (String) async throws -> String = { serial in
        do {
            let code = try TerminalPrompt.readSecret(prompt: "MFA code for \(serial): ")
            return String(decoding: code.bytes, as: UTF8.self)
        } catch {
            throw STSError(.mfaCodeRequired, "an MFA code for \(serial) is needed and there is no terminal to ask on: set mfa_process in the profile or pass --mfa-process or --mfa-token")
        }
    }

    public func validate() throws {
        if secretAccessKey != nil { SecretFlagWarning.warn("--aws-secret-access-key", prefer: "AWS_SECRET_ACCESS_KEY or a profile") }
        if sessionToken != nil { SecretFlagWarning.warn("--aws-session-token", prefer: "AWS_SESSION_TOKEN or a profile") }
        if let mfaToken, mfaToken.count != 6 || !mfaToken.allSatisfy(\.isNumber) {
            throw ValidationError("--mfa-token must be the 6 digits your device shows")
        }
        if mfaToken != nil && mfaSerial == nil { throw ValidationError("--mfa-token needs --mfa-serial") }
        if accessKeyId != nil && profile != nil { throw ValidationError("give --aws-access-key-id or --profile, not both") }
        guard let authType else { return }
        let environment = AWSEnvironment.process
        let environmentKeys = environment("AWS_ACCESS_KEY_ID") != nil
        let hasKeys = (accessKeyId != nil || environmentKeys)
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw ValidationError("--auth-type \(authType.rawValue): \(message)") }
        }
        switch authType {
        case .keys:
            try require(hasKeys, "--aws-access-key-id and --aws-secret-access-key are missing")
            try require(profile == nil && role == nil, "--profile and --role are not allowed")
            try require(sessionToken == nil, "--aws-session-token is not allowed (use keys_with_session)")
        case .keys_with_session:
            try require(hasKeys, "--aws-access-key-id and --aws-secret-access-key are missing")
            try require(sessionToken != nil || environment("AWS_SESSION_TOKEN") != nil, "--aws-session-token is missing")
            try require(profile == nil, "--profile is not allowed")
        case .profile:
            try require(profile != nil, "--profile is missing")
            try require(accessKeyId == nil && role == nil, "--aws-access-key-id and --role are not allowed")
        case .profile_role:
            try require(profile != nil, "--profile is missing")
            try require(role != nil, "--role is missing")
            try require(accessKeyId == nil, "--aws-access-key-id is not allowed")
        case .config:
            try require(configPath != nil, "--config-path is missing")
            try require(accessKeyId == nil, "--aws-access-key-id is not allowed")
        case .credentials:
            try require(credentialsPath != nil, "--credentials-path is missing")
            try require(accessKeyId == nil, "--aws-access-key-id is not allowed")
        }
    }

    /// A session for these options; call ``RoleKitCredentials/CredentialSession/freeze()``.
    /// - Parameter stsEndpoint: Where the session's own STS calls (`--role`, MFA) go.
    public func session(transport: HTTPTransport, stsEndpoint: URL? = nil, environment: AWSEnvironment = .process) -> CredentialSession {
        var settings = settings(environment: environment)
        settings.stsEndpoint = stsEndpoint
        return CredentialSession(settings: settings, transport: transport, environment: environment)
    }
}
