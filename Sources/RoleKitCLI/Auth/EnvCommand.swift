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
        discussion: """
            eval "$(rolekit env --profile deploy)"
            Formats: sh (export lines), fish, powershell, cmd (set "NAME=value" lines for cmd.exe), \
            dotenv (NAME=value lines for python-dotenv, systemd EnvironmentFile and, as long as \
            no value needs quotes, docker --env-file) and json. Every format includes \
            AWS_CREDENTIAL_EXPIRATION when the credentials expire. cmd and dotenv cannot carry \
            every character: a value they cannot carry exactly is refused (use json).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case sh, fish, powershell, cmd, dotenv, json
    }

    /// A value a format cannot carry exactly; the message names the variable, never the value.
    struct UnrepresentableValue: Error, CustomStringConvertible {
        var name: String
        var format: Format
        var description: String {
            "the value of \(name) has characters \(format.rawValue) cannot carry exactly (quotes, %, !, backslashes or control characters); use --format json"
        }
    }

    @OptionGroup var auth: AWSAuthOptions

    @Option(help: "Output format: sh, fish, powershell, cmd, dotenv or json.")
    var format: Format = .sh

    func run() async throws {
        let (credentials, region, _) = try await StandardError.failingWithOneLine { try await CredentialEnvironment.freeze(auth) }
        let variables = CredentialEnvironment.variables(credentials, region: region)
        if let text = try await StandardError.failingWithOneLine({ try Self.render(variables, as: format) }) {
            print(text)
        } else {
            printShell(variables)
        }
    }

    /// The assignments in `format`; `nil` for the formats printed directly below.
    static func render(_ variables: [(String, String)], as format: Format) throws -> String? {
        switch format {
        case .cmd:
            // `set "NAME=value"`: inside the quotes &, |, <, > and ^ are literal; % (and ! with
            // delayed expansion) would still expand, and a quote would end the value.
            return try variables.map { name, value in
                guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F && !"\"%!".unicodeScalars.contains($0) }) else {
                    throw UnrepresentableValue(name: name, format: format)
                }
                return "set \"\(name)=\(value)\""
            }.joined(separator: "\n")
        case .dotenv:
            // Bare when every character means itself to every dotenv reader (base64 keys and
            // tokens, regions, timestamps); single-quoted when only spaces or shell characters
            // need it; refused when readers disagree (quotes, backslashes, control characters).
            return try variables.map { name, value in
                if !value.isEmpty, value.utf8.allSatisfy(Self.isBareDotenvByte) { return "\(name)=\(value)" }
                guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F && $0 != "'" && $0 != "\\" }) else {
                    throw UnrepresentableValue(name: name, format: format)
                }
                return "\(name)='\(value)'"
            }.joined(separator: "\n")
        case .sh, .fish, .powershell, .json:
            return nil
        }
    }

    static func isBareDotenvByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"): true
        default: false
        }
    }

    func printShell(_ variables: [(String, String)]) {
        switch format {
        case .sh:
            print(variables.map { "export \($0.0)=\(ShellQuote.quote($0.1))" }.joined(separator: "\n"))
        case .fish:
            print(variables.map { "set -gx \($0.0) '\($0.1.replacing("\\", with: "\\\\").replacing("'", with: "\\'"))';" }.joined(separator: "\n"))
        case .powershell:
            print(variables.map { "$Env:\($0.0) = '\($0.1.replacing("'", with: "''"))'" }.joined(separator: "\n"))
        case .json:
            print(JSONWriter.spaced.render(.object(variables.map { JSONValue.Member($0.0, .string($0.1)) })))
        case .cmd, .dotenv:
            break
        }
    }
}
