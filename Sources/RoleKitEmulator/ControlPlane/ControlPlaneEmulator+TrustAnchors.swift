import FoundationEssentials
import RoleKitServices
import SwiftASN1
import X509

/// Trust anchors: create, get, update, delete, enable, disable, list, and their notification
/// settings.
extension ControlPlaneEmulator {
    static let trustAnchorRoutes: [ControlPlaneRoute] = [
        ControlPlaneRoute(.createTrustAnchor) { emulator, call throws(EmulatorError) in try emulator.createTrustAnchor(call) },
        ControlPlaneRoute(.getTrustAnchor) { emulator, call throws(EmulatorError) in try emulator.getTrustAnchor(call) },
        ControlPlaneRoute(.updateTrustAnchor) { emulator, call throws(EmulatorError) in try emulator.updateTrustAnchor(call) },
        ControlPlaneRoute(.deleteTrustAnchor) { emulator, call throws(EmulatorError) in try emulator.deleteTrustAnchor(call) },
        ControlPlaneRoute(.enableTrustAnchor) { emulator, call throws(EmulatorError) in try emulator.setTrustAnchor(call, enabled: true) },
        ControlPlaneRoute(.disableTrustAnchor) { emulator, call throws(EmulatorError) in try emulator.setTrustAnchor(call, enabled: false) },
        ControlPlaneRoute(.listTrustAnchors) { emulator, call throws(EmulatorError) in try emulator.listTrustAnchors(call) },
        ControlPlaneRoute(.putNotificationSettings) { emulator, call throws(EmulatorError) in try emulator.putNotificationSettings(call) },
        ControlPlaneRoute(.resetNotificationSettings) { emulator, call throws(EmulatorError) in try emulator.resetNotificationSettings(call) },
    ]

    func createTrustAnchor(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let input = try Self.decode(RolesAnywhere.CreateTrustAnchorRequest.self, call.body)
        try Self.validate(input)
        try Self.checkSource(input.source)
        let id = Self.newId()
        let arn = arn(.trustAnchor, id)
        if let tags = input.tags { try store.addTags(tags.map { ($0.key, $0.value) }, to: arn) }
        let stamp = timestamp()
        let detail = RolesAnywhere.TrustAnchorDetail(
            createdAt: stamp, enabled: input.enabled ?? false, name: input.name,
            notificationSettings: Self.notificationSettings(applying: input.notificationSettings ?? [], to: Self.defaultNotificationSettings, by: call.caller),
            source: input.source, trustAnchorArn: arn, trustAnchorId: id, updatedAt: stamp
        )
        do {
            try save(.trustAnchor, id: id, arn: arn, detail)
        } catch {
            try? store.removeTags(input.tags?.map(\.key) ?? [], from: arn)
            throw error
        }
        return Self.encode(RolesAnywhere.TrustAnchorDetailResponse(trustAnchor: detail))
    }

    func getTrustAnchor(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let (detail, _) = try load(RolesAnywhere.TrustAnchorDetail.self, .trustAnchor, id: try call.id("trustAnchorId"))
        return Self.encode(RolesAnywhere.TrustAnchorDetailResponse(trustAnchor: detail))
    }

    func updateTrustAnchor(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        var input = try Self.decode(RolesAnywhere.UpdateTrustAnchorRequest.self, call.body)
        input.trustAnchorId = try call.id("trustAnchorId")
        try Self.validate(input)
        var (detail, entry) = try load(RolesAnywhere.TrustAnchorDetail.self, .trustAnchor, id: input.trustAnchorId)
        if let name = input.name { detail.name = name }
        if let source = input.source {
            try Self.checkSource(source)
            detail.source = source
        }
        detail.updatedAt = timestamp()
        try save(.trustAnchor, id: entry.id, arn: entry.arn, detail)
        return Self.encode(RolesAnywhere.TrustAnchorDetailResponse(trustAnchor: detail))
    }

    func deleteTrustAnchor(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let (detail, entry) = try load(RolesAnywhere.TrustAnchorDetail.self, .trustAnchor, id: try call.id("trustAnchorId"))
        try store.delete(.trustAnchor, id: entry.id)
        return Self.encode(RolesAnywhere.TrustAnchorDetailResponse(trustAnchor: detail))
    }

    /// `EnableTrustAnchor` and `DisableTrustAnchor`.
    func setTrustAnchor(_ call: ControlPlaneCall, enabled: Bool) throws(EmulatorError) -> [UInt8] {
        var (detail, entry) = try load(RolesAnywhere.TrustAnchorDetail.self, .trustAnchor, id: try call.id("trustAnchorId"))
        detail.enabled = enabled
        detail.updatedAt = timestamp()
        try save(.trustAnchor, id: entry.id, arn: entry.arn, detail)
        return Self.encode(RolesAnywhere.TrustAnchorDetailResponse(trustAnchor: detail))
    }

    func listTrustAnchors(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let page = try page(RolesAnywhere.TrustAnchorDetail.self, .trustAnchor, query: call.query)
        return Self.encode(RolesAnywhere.ListTrustAnchorsResponse(nextToken: page.nextToken, trustAnchors: page.items))
    }

    func putNotificationSettings(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let input = try Self.decode(RolesAnywhere.PutNotificationSettingsRequest.self, call.body)
        try Self.validate(input)
        var (detail, entry) = try load(RolesAnywhere.TrustAnchorDetail.self, .trustAnchor, id: input.trustAnchorId)
        detail.notificationSettings = Self.notificationSettings(applying: input.notificationSettings, to: detail.notificationSettings ?? Self.defaultNotificationSettings, by: call.caller)
        detail.updatedAt = timestamp()
        try save(.trustAnchor, id: entry.id, arn: entry.arn, detail)
        return Self.encode(RolesAnywhere.PutNotificationSettingsResponse(trustAnchor: detail))
    }

    func resetNotificationSettings(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let input = try Self.decode(RolesAnywhere.ResetNotificationSettingsRequest.self, call.body)
        try Self.validate(input)
        var (detail, entry) = try load(RolesAnywhere.TrustAnchorDetail.self, .trustAnchor, id: input.trustAnchorId)
        var settings = detail.notificationSettings ?? Self.defaultNotificationSettings
        for key in input.notificationSettingKeys {
            guard let index = settings.firstIndex(where: { $0.event == key.event && ($0.channel ?? "ALL") == (key.channel ?? "ALL") }),
                let original = Self.defaultNotificationSettings.first(where: { $0.event == key.event })
            else { throw EmulatorError.validation("No notification setting for \(key.event.rawValue)") }
            settings[index] = original
        }
        detail.notificationSettings = settings
        detail.updatedAt = timestamp()
        try save(.trustAnchor, id: entry.id, arn: entry.arn, detail)
        return Self.encode(RolesAnywhere.ResetNotificationSettingsResponse(trustAnchor: detail))
    }

    // MARK: - Rules

    static let defaultNotificationSettings: [RolesAnywhere.NotificationSettingDetail] = [
        .init(channel: .all, configuredBy: "rolesanywhere.amazonaws.com", enabled: true, event: .caCertificateExpiry, threshold: 45),
        .init(channel: .all, configuredBy: "rolesanywhere.amazonaws.com", enabled: true, event: .endEntityCertificateExpiry, threshold: 45),
    ]

    static func notificationSettings(applying changes: [RolesAnywhere.NotificationSetting], to current: [RolesAnywhere.NotificationSettingDetail], by caller: String) -> [RolesAnywhere.NotificationSettingDetail] {
        var settings = current
        for change in changes {
            let detail = RolesAnywhere.NotificationSettingDetail(channel: change.channel ?? .all, configuredBy: caller, enabled: change.enabled, event: change.event, threshold: change.threshold ?? 45)
            if let index = settings.firstIndex(where: { $0.event == change.event }) {
                settings[index] = detail
            } else {
                settings.append(detail)
            }
        }
        return settings
    }

    /// A certificate bundle of CA certificates, or an ACM PCA ARN.
    static func checkSource(_ source: RolesAnywhere.Source) throws(EmulatorError) {
        switch (source.sourceType, source.sourceData) {
        case (.certificateBundle?, .x509CertificateData(let pem)?), (.selfSignedRepository?, .x509CertificateData(let pem)?):
            guard let certificates = try? PEMDocument.parseMultiple(pemString: pem).filter({ $0.discriminator == "CERTIFICATE" }).map({ try Certificate(derEncoded: $0.derBytes) }),
                !certificates.isEmpty
            else { throw EmulatorError.validation("sourceData.x509CertificateData must hold PEM certificates") }
            for certificate in certificates {
                guard let constraints = try? certificate.extensions.basicConstraints, case .isCertificateAuthority = constraints else {
                    throw EmulatorError.validation("The certificate in sourceData.x509CertificateData is not a CA certificate (basicConstraints CA:TRUE)")
                }
            }
        case (.awsAcmPca?, .acmPcaArn(let arn)?):
            guard (try? ARN(parsing: arn))?.service == "acm-pca" else { throw EmulatorError.validation("sourceData.acmPcaArn is not an ACM PCA ARN") }
        case (nil, _), (_, nil):
            throw EmulatorError.validation("source needs sourceType and sourceData")
        default:
            throw EmulatorError.validation("sourceData does not match sourceType \(source.sourceType?.rawValue ?? "")")
        }
    }
}
