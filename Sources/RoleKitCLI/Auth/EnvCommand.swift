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

/// `rolekit env`: credentials as shell (or JSON) assignments.
struct EnvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Print AWS credentials as environment assignments for sh, fish or PowerShell, or as JSON.",
        discussion: "eval \"$(rolekit env --profile deploy)\""
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case sh, fish, powershell, json
    }

    @OptionGroup var auth: AWSAuthOptions

    @Option(help: "Output format: sh, fish, powershell or json.")
    var format: Format = .sh

    func run() async throws {
        let (credentials, region, _) = try await StandardError.failingWithOneLine { try await CredentialEnvironment.freeze(auth) }
        let variables = CredentialEnvironment.variables(credentials, region: region)
        switch format {
        case .sh:
            print(variables.map { "export \($0.0)=\(ShellQuote.quote($0.1))" }.joined(separator: "\n"))
        case .fish:
            print(variables.map { "set -gx \($0.0) '\($0.1.replacing("\\", with: "\\\\").replacing("'", with: "\\'"))';" }.joined(separator: "\n"))
        case .powershell:
            print(variables.map { "$Env:\($0.0) = '\($0.1.replacing("'", with: "''"))'" }.joined(separator: "\n"))
        case .json:
            print(JSONWriter.spaced.render(.object(variables.map { JSONValue.Member($0.0, .string($0.1)) })))
        }
    }
}
