import ArgumentParser
import FoundationEssentials
import RoleKitSupport
import RoleKitServices
import RoleKitIdentity
import RoleKitSigning

/// `rolekit tags list|add|remove`: tags of trust anchors, profiles and CRLs.
struct TagsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tags",
        abstract: "List, add and remove tags of Roles Anywhere resources.",
        subcommands: [List.self, Add.self, Remove.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List a resource's tags.")
        @Option(name: .customLong("resource-arn"), help: ArgumentHelp("Trust anchor, profile or CRL ARN.", valueName: "arn")) var resourceArn: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                RenderedValue(try await client.listTagsForResource(.init(resourceArn: resourceArn)), rows: { $0["tags"]?.arrayValue ?? [] }, columns: ["key", "value"])
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add or overwrite tags (at most 50 per resource).")
        @Option(name: .customLong("resource-arn"), help: ArgumentHelp("Trust anchor, profile or CRL ARN.", valueName: "arn")) var resourceArn: String
        @Option(name: .customLong("tag"), help: ArgumentHelp("Tag KEY=VALUE (repeatable).", valueName: "key=value")) var tags: [String] = []
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                guard let tags = try ControlPlaneOptions.tags(tags) else { throw ValidationError("give at least one --tag KEY=VALUE") }
                try await client.tagResource(.init(resourceArn: resourceArn, tags: tags))
                return .empty
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove tags by key.")
        @Option(name: .customLong("resource-arn"), help: ArgumentHelp("Trust anchor, profile or CRL ARN.", valueName: "arn")) var resourceArn: String
        @Option(name: .customLong("key"), help: ArgumentHelp("Tag key (repeatable).", valueName: "key")) var keys: [String] = []
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                guard !keys.isEmpty else { throw ValidationError("give at least one --key") }
                try await client.untagResource(.init(resourceArn: resourceArn, tagKeys: keys))
                return .empty
            }
        }
    }
}
