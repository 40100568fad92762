import ArgumentParser
import RoleKitArgumentParser
import FoundationEssentials
import RoleKitCredentials
import RoleKitServices

/// `rolekit password`: a password that satisfies an IAM password policy.
struct PasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password",
        abstract: "Generate a password that satisfies an IAM password policy (the account's, or given by flags).",
        discussion: "Length: from the minimum up to 1.3 times it. Symbols are IAM's: ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '"
    )

    @Flag(name: .customLong("from-account"), help: "Use the account's policy (IAM GetAccountPasswordPolicy) with the environment's credentials.")
    var fromAccount = false

    @Option(name: .customLong("minimum-length"), help: ArgumentHelp("Minimum length (6–128).", valueName: "n"))
    var minimumLength: Int?

    @Flag(name: .customLong("require-symbols")) var requireSymbols = false
    @Flag(name: .customLong("require-numbers")) var requireNumbers = false
    @Flag(name: .customLong("require-uppercase")) var requireUppercase = false
    @Flag(name: .customLong("require-lowercase")) var requireLowercase = false

    @OptionGroup(title: "Credentials (with --from-account)") var auth: AWSAuthOptions
    @OptionGroup var connection: STSConnectionOptions

    func run() async throws {
        let password = try await StandardError.failingWithOneLine { () async throws -> String in
            var policy = PasswordPolicy(
                minimumPasswordLength: minimumLength ?? 16, requireSymbols: requireSymbols, requireNumbers: requireNumbers,
                requireUppercaseCharacters: requireUppercase, requireLowercaseCharacters: requireLowercase
            )
            if fromAccount {
                let fetched = try await auth.withSession(connection) { session, transport in
                    let base = try await session.freeze()
                    return try await IAMClient(transport: transport, endpoint: try connection.endpointURL()).getAccountPasswordPolicy(credentials: base.signingCredentials)
                }
                // No account policy: IAM's default (8 characters) made stricter, all classes.
                policy = fetched ?? PasswordPolicy(minimumPasswordLength: 16, requireSymbols: true, requireNumbers: true, requireUppercaseCharacters: true, requireLowercaseCharacters: true)
                if let minimumLength { policy.minimumPasswordLength = max(policy.minimumPasswordLength, minimumLength) }
            }
            guard (6...128).contains(policy.minimumPasswordLength) else {
                throw PasswordPolicyError("--minimum-length must be 6–128, as IAM allows")
            }
            return try PasswordGenerator.generate(for: policy)
        }
        print(password)
    }
}
