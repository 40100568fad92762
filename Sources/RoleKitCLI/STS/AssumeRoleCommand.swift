import ArgumentParser
import RoleKitArgumentParser
import FoundationEssentials
import RoleKitCredentials
import RoleKitIdentity
import RoleKitServices
import RoleKitTransport
import RoleKitSupport

/// `rolekit assume-role`: AssumeRole with every parameter, through any number of roles.
struct AssumeRoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assume-role",
        abstract: "Assume an IAM role (optionally through a chain of roles) and print the credentials.",
        discussion: """
            Base credentials come from the auth options (--profile, --aws-access-key-id, …), else the
            default chain (environment, profile, container, instance metadata).
            --via-role-arn (repeatable) assumes those roles first, in order: a role chain; a --role
            from the auth options comes before them. --role-session-name names the session of
            --role-arn; the other links get generated names.
            With --cache the answer is kept in the AWS CLI's cache (~/.aws/cli/cache), shared with
            the AWS CLI and boto3.
              eval "$(rolekit assume-role --role-arn arn:aws:iam::123456789012:role/deploy --output env)"
            """
    )

    @Option(name: .customLong("role-arn"), help: ArgumentHelp("The role to assume.", valueName: "arn"))
    var roleArn: String

    @Option(name: .customLong("via-role-arn"), help: ArgumentHelp("A role to assume first (repeatable; in order).", valueName: "arn"))
    var viaRoleArns: [String] = []

    @Option(name: .customLong("policy-arn"), help: ArgumentHelp("Managed session policy (repeatable, up to 10).", valueName: "arn"))
    var policyArns: [String] = []

    @Option(help: ArgumentHelp("Inline session policy: JSON text, or @path to a file.", valueName: "json"))
    var policy: String?

    @Option(name: .customLong("duration-seconds"), help: ArgumentHelp("Session length, 900–43200 seconds.", valueName: "seconds"))
    var durationSeconds: Int?

    @Option(name: .customLong("tag"), help: ArgumentHelp("Session tag Key=Value (repeatable, up to 50).", valueName: "key=value"))
    var tags: [String] = []

    @Option(name: .customLong("transitive-tag-key"), help: ArgumentHelp("Tag key that passes on to chained roles (repeatable).", valueName: "key"))
    var transitiveTagKeys: [String] = []

    @Option(name: .customLong("external-id"), help: ArgumentHelp("External id the role's trust policy requires.", valueName: "id"))
    var externalId: String?

    @OptionGroup var mfaOptions: MFAOptions

    @Option(name: .customLong("source-identity"), help: ArgumentHelp("Source identity to set on the session.", valueName: "name"))
    var sourceIdentity: String?

    @Option(name: .customLong("parameter"), help: ArgumentHelp("Extra AssumeRole parameter Name=Value, sent as given (repeatable).", valueName: "name=value"))
    var parameters: [String] = []

    @Option(help: "Output: json (as aws sts assume-role), env (export lines) or process (credential_process JSON).")
    var output: CredentialsOutputFormat = .json

    @Flag(help: "Use and fill the AWS CLI's credential cache (~/.aws/cli/cache).")
    var cache = false

    @Option(name: .customLong("cache-dir"), help: ArgumentHelp("Cache directory instead of ~/.aws/cli/cache.", valueName: "path"))
    var cacheDirectory: String?

    @Flag(name: .customLong("no-validate"), help: "Send the parameters without checking them first.")
    var noValidate = false

    @OptionGroup(title: "Credentials") var auth: AWSAuthOptions
    @OptionGroup var connection: STSConnectionOptions

    func run() async throws {
        let text = try await StandardError.failingWithOneLine { try await assume() }
        print(text)
    }

    static func keyValue(_ text: String, flag: String) throws -> (String, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ValidationError("\(flag) takes KEY=VALUE, not \"\(text)\"")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    private func assume() async throws -> String {
        try await connection.withTransport { transport in
            var settings = auth.settings()
            settings.roleSessionName = nil
            settings.stsEndpoint = try connection.endpointURL()
            let session = CredentialSession(settings: settings, transport: transport)
            let text = try await assume(base: try await session.provider(), region: session.region, transport: transport)
            if auth.authDebug { StandardError.line("rolekit: base credentials from \(session.method ?? "?")") }
            return text
        }
    }

    private func assume(base: any CredentialProvider, region regionName: String, transport: HTTPTransport) async throws -> String {
        var policyText = policy
        if let value = policy, value.hasPrefix("@") {
            let bytes = try SecureFileReader.readFile(SecureFileReader.expandTilde(String(value.dropFirst())), what: "policy")
            policyText = String(decoding: bytes, as: UTF8.self)
        }
        let sessionTags = try tags.map { try Self.keyValue($0, flag: "--tag") }.map { STSTag(key: $0.0, value: $0.1) }
        let extra = Dictionary(try parameters.map { try Self.keyValue($0, flag: "--parameter") }, uniquingKeysWith: { $1 })
        let region = AssumeRoleCredentialProvider.RegionMode.explicit(regionName)
        let endpoint = try connection.endpointURL()
        let fileCache: (any AssumeRoleCache)? = cache ? JSONFileAssumeRoleCache(directory: cacheDirectory.map { SecureFileReader.expandTilde($0) } ?? JSONFileAssumeRoleCache.awsCLIDirectory) : nil

        let mfa = mfaOptions.assumeRoleMFA
        var provider = base
        for via in viaRoleArns {
            provider = try provider.assumingRole(.init(roleArn: via, region: region, endpoint: endpoint, validate: !noValidate), transport: transport, cache: fileCache)
        }
        let final = try provider.assumingRole(
            .init(
                roleArn: roleArn, roleSessionName: auth.roleSessionName, policyArns: policyArns, policy: policyText.map(SessionPolicy.json),
                durationSeconds: durationSeconds, tags: sessionTags, transitiveTagKeys: transitiveTagKeys, externalId: externalId,
                sourceIdentity: sourceIdentity, mfa: mfa, additionalParameters: extra, region: region, endpoint: endpoint, validate: !noValidate
            ),
            transport: transport,
            cache: fileCache
        )
        let credentials = try await final.credentials()
        let user = final.lastResponse?.assumedRoleUser ?? fileCache?.entry(forKey: final.cacheKey)?.assumedRoleUser
        return output.render(credentials, assumedRoleUser: user)
    }
}
