import ArgumentParser
import FoundationEssentials
import RoleKitArgumentParser
import RoleKitCredentials
import RoleKitSupport
import RoleKitTransport

/// `rolekit configure-list`: which profile, credentials and region the auth options resolve to,
/// and where each came from, as `aws configure list` shows it. Secrets are masked.
struct ConfigureListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configure-list",
        abstract: "Show the profile, credentials (masked) and region in use and where each came from (like aws configure list).",
        discussion: """
            Resolving the credentials may run a credential_process or assume a role, as the AWS
            CLI does. Only the last four characters of the keys are shown.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup(title: "Credentials") var auth: AWSAuthOptions
    @OptionGroup var connection: STSConnectionOptions

    @Option(help: "Output: table (as aws configure list) or json.")
    var format: Format = .table

    /// One row: a setting, its (masked) value, the kind of source and where it is.
    struct Row {
        var name: String
        var value: String?
        var type: String?
        var location: String?
    }

    func run() async throws {
        let rows = try await StandardError.failingWithOneLine { try await collect() }
        switch format {
        case .table:
            func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
            func line(_ a: String, _ b: String, _ c: String, _ d: String) -> String { "\(pad(a, 10)) \(pad(b, 24)) \(pad(c, 16))    \(d)" }
            var lines = [line("Name", "Value", "Type", "Location"), line("----", "-----", "----", "--------")]
            for row in rows {
                lines.append(line(row.name, row.value ?? "<not set>", row.type ?? "None", row.location ?? "None"))
            }
            print(lines.joined(separator: "\n"))
        case .json:
            let members = rows.map { row in
                JSONValue.Member(row.name, .object(["Value": .string(row.value), "Type": .string(row.type), "Location": .string(row.location)]))
            }
            print(JSONWriter.pretty().render(.object(members)))
        }
    }

    private func collect() async throws -> [Row] {
        let environment = AWSEnvironment.process
        var rows: [Row] = []
        // Profile, as botocore picks it.
        let profileName: String?
        if let profile = auth.profile {
            rows.append(Row(name: "profile", value: profile, type: "manual", location: "--profile"))
            profileName = profile
        } else if let (name, variable) = environment.profileName, !name.isEmpty {
            rows.append(Row(name: "profile", value: name, type: "env", location: variable))
            profileName = name
        } else {
            rows.append(Row(name: "profile", value: nil, type: nil, location: nil))
            profileName = nil
        }
        // Credentials: resolved as every other command resolves them; the session's typed
        // source says where they came from.
        let (credentials, method, source) = try await auth.withSession(connection) { session, _ in
            (try await session.freeze(), session.method ?? "unknown", session.source)
        }
        let location = source.map { $0 == .explicitKeys ? "--aws-access-key-id" : $0.location } ?? nil
        func mask(_ secret: String) -> String { String(repeating: "*", count: 16) + secret.suffix(4) }
        rows.append(Row(name: "access_key", value: mask(credentials.accessKeyId), type: method, location: location))
        rows.append(Row(name: "secret_key", value: mask(credentials.secretAccessKey), type: method, location: location))
        // Region: flag, environment, then the profile.
        if let region = auth.region {
            rows.append(Row(name: "region", value: region, type: "manual", location: "--region"))
        } else if let (variable, value) = environment.regionSetting {
            rows.append(Row(name: "region", value: value, type: "env", location: variable))
        } else {
            let shared = try SharedConfiguration.load(configPath: auth.configPath, credentialsPath: auth.credentialsPath, environment: environment)
            if let profile = shared.profiles[profileName ?? "default"], let region = profile["region"], !region.isEmpty {
                let inConfig = profile.configFileValues["region"] != nil && profile.credentialsFileValues["region"] == nil
                rows.append(Row(name: "region", value: region, type: inConfig ? "config-file" : "credentials-file", location: inConfig ? shared.configPath : shared.credentialsPath))
            } else {
                rows.append(Row(name: "region", value: nil, type: nil, location: nil))
            }
        }
        return rows
    }
}
