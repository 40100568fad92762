import ArgumentParser
import FoundationEssentials
import RoleKitSupport
import RoleKitServices
import RoleKitIdentity
import RoleKitSigning

/// `rolekit subjects get|list`: who has called CreateSession, with which certificates.
struct SubjectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subjects",
        abstract: "Show the subjects (certificate identities) that called CreateSession.",
        subcommands: [Get.self, List.self]
    )

    static let columns = ["x509Subject", "subjectId", "enabled", "lastSeenAt", "createdAt", "subjectArn"]

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a subject with its certificates and instance properties.")
        @Option(help: ArgumentHelp("Subject id or ARN.", valueName: "id")) var id: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                let response = try await client.getSubject(.init(subjectId: ControlPlaneOptions.id(id)))
                // Table and text show the subject's certificates, one per row.
                return RenderedValue(response, rows: { $0["subject"]?["credentials"]?.arrayValue ?? [] }, columns: ["serialNumber", "issuer", "enabled", "failed", "seenAt"])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List subjects (every page, unless --max-items).")
        @Option(name: .customLong("max-items"), help: "Stop after this many.") var maxItems: Int?
        @Option(name: .customLong("page-size"), help: "Items per request (1–100).") var pageSize: Int?
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                let items = try await client.listSubjectsItems(pageSize: pageSize).collect(limit: maxItems)
                return RenderedValue(RolesAnywhere.ListSubjectsResponse(subjects: items), rows: { $0["subjects"]?.arrayValue ?? [] }, columns: SubjectsCommand.columns)
            }
        }
    }
}
