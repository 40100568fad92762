import ArgumentParser
import FoundationEssentials
import RoleKitServices
import RoleKitSupport

/// `rolekit profiles …`: create, get, list, update, delete, enable, disable, and attribute
/// mappings of profiles.
struct ProfilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles",
        abstract: "Manage IAM Roles Anywhere profiles.",
        subcommands: [Create.self, Get.self, List.self, Update.self, Delete.self, Enable.self, Disable.self, PutAttributeMapping.self, DeleteAttributeMapping.self]
    )

    static let columns = ["name", "profileId", "enabled", "durationSeconds", "acceptRoleSessionName", "createdAt", "updatedAt", "profileArn"]

    static func one(_ response: some Encodable) -> RenderedValue {
        RenderedValue(response, rows: { $0["profile"].map { [$0] } ?? [] }, columns: columns)
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a profile: the roles a certificate may assume, and how.")
        @Option(help: "Name of the profile.") var name: String
        @Option(name: .customLong("role-arn"), help: ArgumentHelp("Role the profile may assume (repeatable).", valueName: "arn")) var roleArns: [String] = []
        @Option(name: .customLong("duration-seconds"), help: "Longest session (900–43200, default 3600).") var durationSeconds: Int?
        @Flag(inversion: .prefixedNo, help: "Enable it at once (default: disabled, as the API does).") var enabled = false
        @Flag(name: .customLong("accept-role-session-name"), help: "Let callers set roleSessionName.") var acceptRoleSessionName = false
        @Flag(name: .customLong("require-instance-properties"), help: "Require instance properties in CreateSession.") var requireInstanceProperties = false
        @Option(name: .customLong("managed-policy-arn"), help: ArgumentHelp("Managed session policy (repeatable).", valueName: "arn")) var managedPolicyArns: [String] = []
        @Option(name: .customLong("session-policy"), help: ArgumentHelp("Inline session policy JSON, or @file.", valueName: "json")) var sessionPolicy: String?
        @Option(name: .customLong("tag"), help: ArgumentHelp("Tag KEY=VALUE (repeatable).", valueName: "key=value")) var tags: [String] = []
        @OptionGroup var options: ControlPlaneOptions

        func run() async throws {
            try await options.run { client in
                let policy = try sessionPolicy.map { $0.hasPrefix("@") ? try ControlPlaneOptions.fileText($0, what: "session policy") : $0 }
                return ProfilesCommand.one(try await client.createProfile(.init(
                    acceptRoleSessionName: acceptRoleSessionName, durationSeconds: durationSeconds, enabled: enabled,
                    managedPolicyArns: managedPolicyArns.isEmpty ? nil : managedPolicyArns, name: name, requireInstanceProperties: requireInstanceProperties,
                    roleArns: roleArns, sessionPolicy: policy, tags: try ControlPlaneOptions.tags(tags)
                )))
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a profile.")
        @Option(help: ArgumentHelp("Profile id or ARN.", valueName: "id")) var id: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in ProfilesCommand.one(try await client.getProfile(.init(profileId: ControlPlaneOptions.id(id)))) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List profiles (every page, unless --max-items).")
        @Option(name: .customLong("max-items"), help: "Stop after this many.") var maxItems: Int?
        @Option(name: .customLong("page-size"), help: "Items per request (1–100).") var pageSize: Int?
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                let items = try await client.listProfilesItems(pageSize: pageSize).collect(limit: maxItems)
                return RenderedValue(RolesAnywhere.ListProfilesResponse(profiles: items), rows: { $0["profiles"]?.arrayValue ?? [] }, columns: ProfilesCommand.columns)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Change a profile's name, roles, duration or session settings.")
        @Option(help: ArgumentHelp("Profile id or ARN.", valueName: "id")) var id: String
        @Option(help: "New name.") var name: String?
        @Option(name: .customLong("role-arn"), help: ArgumentHelp("Roles (repeatable; replaces the list).", valueName: "arn")) var roleArns: [String] = []
        @Option(name: .customLong("duration-seconds"), help: "Longest session (900–43200).") var durationSeconds: Int?
        @Option(name: .customLong("accept-role-session-name"), help: "true or false.") var acceptRoleSessionName: Bool?
        @Option(name: .customLong("managed-policy-arn"), help: ArgumentHelp("Managed session policies (repeatable; replaces the list).", valueName: "arn")) var managedPolicyArns: [String] = []
        @Option(name: .customLong("session-policy"), help: ArgumentHelp("Inline session policy JSON, or @file.", valueName: "json")) var sessionPolicy: String?
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                let policy = try sessionPolicy.map { $0.hasPrefix("@") ? try ControlPlaneOptions.fileText($0, what: "session policy") : $0 }
                return ProfilesCommand.one(try await client.updateProfile(.init(
                    acceptRoleSessionName: acceptRoleSessionName, durationSeconds: durationSeconds, managedPolicyArns: managedPolicyArns.isEmpty ? nil : managedPolicyArns,
                    name: name, profileId: ControlPlaneOptions.id(id), roleArns: roleArns.isEmpty ? nil : roleArns, sessionPolicy: policy
                )))
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a profile.")
        @Option(help: ArgumentHelp("Profile id or ARN.", valueName: "id")) var id: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in ProfilesCommand.one(try await client.deleteProfile(.init(profileId: ControlPlaneOptions.id(id)))) }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a profile.")
        @Option(help: ArgumentHelp("Profile id or ARN.", valueName: "id")) var id: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in ProfilesCommand.one(try await client.enableProfile(.init(profileId: ControlPlaneOptions.id(id)))) }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a profile (CreateSession with it is refused).")
        @Option(help: ArgumentHelp("Profile id or ARN.", valueName: "id")) var id: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in ProfilesCommand.one(try await client.disableProfile(.init(profileId: ControlPlaneOptions.id(id)))) }
        }
    }

    struct PutAttributeMapping: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "put-attribute-mapping", abstract: "Map certificate fields to session tags.")
        @Option(help: ArgumentHelp("Profile id or ARN.", valueName: "id")) var id: String
        @Option(name: .customLong("certificate-field"), help: "x509Subject, x509Issuer or x509SAN.") var field: String
        @Option(name: .customLong("specifier"), help: ArgumentHelp("Field part to map, e.g. CN (repeatable).", valueName: "name")) var specifiers: [String] = []
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                let response = try await client.putAttributeMapping(.init(certificateField: .init(rawValue: field), mappingRules: specifiers.map { .init(specifier: $0) }, profileId: ControlPlaneOptions.id(id)))
                return ProfilesCommand.one(response)
            }
        }
    }

    struct DeleteAttributeMapping: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete-attribute-mapping", abstract: "Remove an attribute mapping (or some of its specifiers).")
        @Option(help: ArgumentHelp("Profile id or ARN.", valueName: "id")) var id: String
        @Option(name: .customLong("certificate-field"), help: "x509Subject, x509Issuer or x509SAN.") var field: String
        @Option(name: .customLong("specifier"), help: ArgumentHelp("Only these specifiers (repeatable).", valueName: "name")) var specifiers: [String] = []
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                let response = try await client.deleteAttributeMapping(.init(certificateField: .init(rawValue: field), profileId: ControlPlaneOptions.id(id), specifiers: specifiers.isEmpty ? nil : specifiers))
                return ProfilesCommand.one(response)
            }
        }
    }
}
