import ArgumentParser
import FoundationEssentials
import RoleKitServices
import RoleKitSupport

/// `rolekit trust-anchors …`: create, get, list, update, delete, enable, disable, and the
/// notification settings of trust anchors.
struct TrustAnchorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust-anchors",
        abstract: "Manage IAM Roles Anywhere trust anchors.",
        subcommands: [Create.self, Get.self, List.self, Update.self, Delete.self, Enable.self, Disable.self, PutNotificationSettings.self, ResetNotificationSettings.self]
    )

    static let columns = ["name", "trustAnchorId", "enabled", "createdAt", "updatedAt", "trustAnchorArn"]

    static func one(_ response: some Encodable) -> RenderedValue {
        RenderedValue(response, rows: { $0["trustAnchor"].map { [$0] } ?? [] }, columns: columns)
    }

    static func source(bundle: String?, acmPcaArn: String?) throws -> RolesAnywhere.Source? {
        switch (bundle, acmPcaArn) {
        case (let path?, nil):
            return .init(sourceData: .x509CertificateData(try ControlPlaneOptions.fileText(path, what: "certificate bundle")), sourceType: .certificateBundle)
        case (nil, let arn?):
            return .init(sourceData: .acmPcaArn(arn), sourceType: .awsAcmPca)
        case (nil, nil):
            return nil
        default:
            throw ValidationError("give --certificate-bundle or --acm-pca-arn, not both")
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a trust anchor from a PEM CA bundle or an ACM Private CA.")
        @Option(help: "Name of the trust anchor.") var name: String
        @Option(name: .customLong("certificate-bundle"), help: ArgumentHelp("PEM file of the CA certificate(s).", valueName: "path")) var bundle: String?
        @Option(name: .customLong("acm-pca-arn"), help: ArgumentHelp("ACM Private CA instead of a bundle.", valueName: "arn")) var acmPcaArn: String?
        @Flag(inversion: .prefixedNo, help: "Enable it at once (default: disabled, as the API does).") var enabled = false
        @Option(name: .customLong("tag"), help: ArgumentHelp("Tag KEY=VALUE (repeatable).", valueName: "key=value")) var tags: [String] = []
        @OptionGroup var options: ControlPlaneOptions

        func run() async throws {
            try await options.run { client in
                guard let source = try TrustAnchorsCommand.source(bundle: bundle, acmPcaArn: acmPcaArn) else {
                    throw ValidationError("give --certificate-bundle PEM or --acm-pca-arn ARN")
                }
                return TrustAnchorsCommand.one(try await client.createTrustAnchor(.init(enabled: enabled, name: name, source: source, tags: try ControlPlaneOptions.tags(tags))))
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a trust anchor.")
        @Option(help: ArgumentHelp("Trust anchor id or ARN.", valueName: "id")) var id: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in TrustAnchorsCommand.one(try await client.getTrustAnchor(.init(trustAnchorId: ControlPlaneOptions.id(id)))) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List trust anchors (every page, unless --max-items).")
        @Option(name: .customLong("max-items"), help: "Stop after this many.") var maxItems: Int?
        @Option(name: .customLong("page-size"), help: "Items per request (1–100).") var pageSize: Int?
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                let items = try await client.listTrustAnchorsItems(pageSize: pageSize).collect(limit: maxItems)
                return RenderedValue(RolesAnywhere.ListTrustAnchorsResponse(trustAnchors: items), rows: { $0["trustAnchors"]?.arrayValue ?? [] }, columns: TrustAnchorsCommand.columns)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Rename a trust anchor or replace its source.")
        @Option(help: ArgumentHelp("Trust anchor id or ARN.", valueName: "id")) var id: String
        @Option(help: "New name.") var name: String?
        @Option(name: .customLong("certificate-bundle"), help: ArgumentHelp("New PEM CA bundle.", valueName: "path")) var bundle: String?
        @Option(name: .customLong("acm-pca-arn"), help: ArgumentHelp("New ACM Private CA.", valueName: "arn")) var acmPcaArn: String?
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                let source = try TrustAnchorsCommand.source(bundle: bundle, acmPcaArn: acmPcaArn)
                guard name != nil || source != nil else { throw ValidationError("give --name, --certificate-bundle or --acm-pca-arn") }
                return TrustAnchorsCommand.one(try await client.updateTrustAnchor(.init(name: name, source: source, trustAnchorId: ControlPlaneOptions.id(id))))
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a trust anchor.")
        @Option(help: ArgumentHelp("Trust anchor id or ARN.", valueName: "id")) var id: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in TrustAnchorsCommand.one(try await client.deleteTrustAnchor(.init(trustAnchorId: ControlPlaneOptions.id(id)))) }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a trust anchor.")
        @Option(help: ArgumentHelp("Trust anchor id or ARN.", valueName: "id")) var id: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in TrustAnchorsCommand.one(try await client.enableTrustAnchor(.init(trustAnchorId: ControlPlaneOptions.id(id)))) }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a trust anchor (CreateSession through it is refused).")
        @Option(help: ArgumentHelp("Trust anchor id or ARN.", valueName: "id")) var id: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in TrustAnchorsCommand.one(try await client.disableTrustAnchor(.init(trustAnchorId: ControlPlaneOptions.id(id)))) }
        }
    }

    struct PutNotificationSettings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "put-notification-settings", abstract: "Set a certificate-expiry notification.")
        @Option(help: ArgumentHelp("Trust anchor id or ARN.", valueName: "id")) var id: String
        @Option(help: "CA_CERTIFICATE_EXPIRY or END_ENTITY_CERTIFICATE_EXPIRY.") var event: String
        @Option(help: "Days before expiry (1–360).") var threshold: Int?
        @Flag(inversion: .prefixedNo, help: "Notify (or not).") var enabled = true
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                let setting = RolesAnywhere.NotificationSetting(channel: .all, enabled: enabled, event: .init(rawValue: event), threshold: threshold)
                return TrustAnchorsCommand.one(try await client.putNotificationSettings(.init(notificationSettings: [setting], trustAnchorId: ControlPlaneOptions.id(id))))
            }
        }
    }

    struct ResetNotificationSettings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-notification-settings", abstract: "Reset a notification to the service's default.")
        @Option(help: ArgumentHelp("Trust anchor id or ARN.", valueName: "id")) var id: String
        @Option(help: "CA_CERTIFICATE_EXPIRY or END_ENTITY_CERTIFICATE_EXPIRY.") var event: String
        @OptionGroup var options: ControlPlaneOptions
        func run() async throws {
            try await options.run { client in
                TrustAnchorsCommand.one(try await client.resetNotificationSettings(.init(notificationSettingKeys: [.init(channel: .all, event: .init(rawValue: event))], trustAnchorId: ControlPlaneOptions.id(id))))
            }
        }
    }
}
