import ArgumentParser
import FoundationEssentials
import RoleKitSupport
import RoleKitServices
import RoleKitIdentity
import RoleKitSigning

/// `rolekit crls …`: import, get, list, update, delete, enable, disable certificate revocation
/// lists.
struct CrlsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crls",
        abstract: "Manage the certificate revocation lists of trust anchors.",
        subcommands: [Import.self, Get.self, List.self, Update.self, Delete.self, Enable.self, Disable.self]
    )

    static let columns = ["name", "crlId", "enabled", "createdAt", "updatedAt", "trustAnchorArn", "crlArn"]

    /// The CRL bytes are shown as their size in table and text output.
    static func rows(_ items: [JSONValue]) -> [JSONValue] {
        items.map { item in
            guard case .object(var members) = item, let index = members.firstIndex(where: { $0.name == "crlData" }) else { return item }
            if case .string(let data) = members[index].value {
                members[index] = .init("crlBytes", .int(Data(base64Encoded: data)?.count ?? 0))
            }
            return .object(members)
        }
    }

    static func one(_ response: some Encodable) -> RenderedValue {
        RenderedValue(response, rows: { rows($0["crl"].map { [$0] } ?? []) }, columns: columns)
    }

    static func read(_ path: String) throws -> Data {
        Data(try SecureFileReader.readFile(SecureFileReader.expandTilde(path), what: "CRL"))
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", abstract: "Import a CRL (PEM or DER) for a trust anchor.", aliases: ["create"])
        @Option(help: "Name of the CRL.") var name: String
        @Option(help: ArgumentHelp("CRL file, PEM or DER.", valueName: "path")) var crl: String
        @Option(name: .customLong("trust-anchor-arn"), help: ArgumentHelp("The trust anchor whose certificates it revokes.", valueName: "arn")) var trustAnchorArn: String
        @Flag(inversion: .prefixedNo, help: "Enforce it at once (default: disabled, as the API does).") var enabled = false
        @Option(name: .customLong("tag"), help: ArgumentHelp("Tag KEY=VALUE (repeatable).", valueName: "key=value")) var tags: [String] = []
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                CrlsCommand.one(try await client.importCrl(.init(crlData: try CrlsCommand.read(crl), enabled: enabled, name: name, tags: try ControlPlaneOptions.tags(tags), trustAnchorArn: trustAnchorArn)))
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a CRL.")
        @Option(help: ArgumentHelp("CRL id or ARN.", valueName: "id")) var id: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in CrlsCommand.one(try await client.getCrl(.init(crlId: ControlPlaneOptions.id(id)))) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List CRLs (every page, unless --max-items).")
        @Option(name: .customLong("max-items"), help: "Stop after this many.") var maxItems: Int?
        @Option(name: .customLong("page-size"), help: "Items per request (1–100).") var pageSize: Int?
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                let items = try await client.listCrlsItems(pageSize: pageSize).collect(limit: maxItems)
                return RenderedValue(RolesAnywhere.ListCrlsResponse(crls: items), rows: { CrlsCommand.rows($0["crls"]?.arrayValue ?? []) }, columns: CrlsCommand.columns)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Rename a CRL or replace its contents.")
        @Option(help: ArgumentHelp("CRL id or ARN.", valueName: "id")) var id: String
        @Option(help: "New name.") var name: String?
        @Option(help: ArgumentHelp("New CRL file, PEM or DER.", valueName: "path")) var crl: String?
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                guard name != nil || crl != nil else { throw ValidationError("give --name or --crl") }
                return CrlsCommand.one(try await client.updateCrl(.init(crlData: try crl.map(CrlsCommand.read), crlId: ControlPlaneOptions.id(id), name: name)))
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a CRL.")
        @Option(help: ArgumentHelp("CRL id or ARN.", valueName: "id")) var id: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in CrlsCommand.one(try await client.deleteCrl(.init(crlId: ControlPlaneOptions.id(id)))) }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enforce a CRL.")
        @Option(help: ArgumentHelp("CRL id or ARN.", valueName: "id")) var id: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in CrlsCommand.one(try await client.enableCrl(.init(crlId: ControlPlaneOptions.id(id)))) }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Stop enforcing a CRL.")
        @Option(help: ArgumentHelp("CRL id or ARN.", valueName: "id")) var id: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in CrlsCommand.one(try await client.disableCrl(.init(crlId: ControlPlaneOptions.id(id)))) }
        }
    }
}
