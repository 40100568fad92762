import FoundationEssentials
import RoleKitServices

/// Certificate revocation lists: import, get, update, delete, enable, disable, list.
extension ControlPlaneEmulator {
    static let crlRoutes: [ControlPlaneRoute] = [
        ControlPlaneRoute(.importCrl) { emulator, call throws(EmulatorError) in try emulator.importCrl(call) },
        ControlPlaneRoute(.getCrl) { emulator, call throws(EmulatorError) in try emulator.getCrl(call) },
        ControlPlaneRoute(.updateCrl) { emulator, call throws(EmulatorError) in try emulator.updateCrl(call) },
        ControlPlaneRoute(.deleteCrl) { emulator, call throws(EmulatorError) in try emulator.deleteCrl(call) },
        ControlPlaneRoute(.enableCrl) { emulator, call throws(EmulatorError) in try emulator.setCrl(call, enabled: true) },
        ControlPlaneRoute(.disableCrl) { emulator, call throws(EmulatorError) in try emulator.setCrl(call, enabled: false) },
        ControlPlaneRoute(.listCrls) { emulator, call throws(EmulatorError) in try emulator.listCrls(call) },
    ]

    func importCrl(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let input = try Self.decode(RolesAnywhere.ImportCrlRequest.self, call.body)
        try Self.validate(input)
        guard try store.get(.trustAnchor, arn: input.trustAnchorArn) != nil else {
            throw EmulatorError.notFound("Trust anchor \(input.trustAnchorArn) not found")
        }
        try Self.checkCRL(input.crlData)
        let id = Self.newId()
        let arn = arn(.crl, id)
        if let tags = input.tags { try store.addTags(tags.map { ($0.key, $0.value) }, to: arn) }
        let stamp = timestamp()
        let detail = RolesAnywhere.CrlDetail(createdAt: stamp, crlArn: arn, crlData: input.crlData, crlId: id, enabled: input.enabled ?? false, name: input.name, trustAnchorArn: input.trustAnchorArn, updatedAt: stamp)
        try save(.crl, id: id, arn: arn, lookup: input.trustAnchorArn, detail)
        return Self.encode(RolesAnywhere.CrlDetailResponse(crl: detail))
    }

    func getCrl(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let (detail, _) = try load(RolesAnywhere.CrlDetail.self, .crl, id: try call.id("crlId"))
        return Self.encode(RolesAnywhere.CrlDetailResponse(crl: detail))
    }

    func updateCrl(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        var input = try Self.decode(RolesAnywhere.UpdateCrlRequest.self, call.body)
        input.crlId = try call.id("crlId")
        try Self.validate(input)
        var (detail, entry) = try load(RolesAnywhere.CrlDetail.self, .crl, id: input.crlId)
        if let name = input.name { detail.name = name }
        if let data = input.crlData {
            try Self.checkCRL(data)
            detail.crlData = data
        }
        detail.updatedAt = timestamp()
        try save(.crl, id: entry.id, arn: entry.arn, lookup: detail.trustAnchorArn, detail)
        return Self.encode(RolesAnywhere.CrlDetailResponse(crl: detail))
    }

    func deleteCrl(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let (detail, entry) = try load(RolesAnywhere.CrlDetail.self, .crl, id: try call.id("crlId"))
        try store.delete(.crl, id: entry.id)
        return Self.encode(RolesAnywhere.CrlDetailResponse(crl: detail))
    }

    /// `EnableCrl` and `DisableCrl`.
    func setCrl(_ call: ControlPlaneCall, enabled: Bool) throws(EmulatorError) -> [UInt8] {
        var (detail, entry) = try load(RolesAnywhere.CrlDetail.self, .crl, id: try call.id("crlId"))
        detail.enabled = enabled
        detail.updatedAt = timestamp()
        try save(.crl, id: entry.id, arn: entry.arn, lookup: detail.trustAnchorArn, detail)
        return Self.encode(RolesAnywhere.CrlDetailResponse(crl: detail))
    }

    func listCrls(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let page = try page(RolesAnywhere.CrlDetail.self, .crl, query: call.query)
        return Self.encode(RolesAnywhere.ListCrlsResponse(crls: page.items, nextToken: page.nextToken))
    }

    static func checkCRL(_ data: Data) throws(EmulatorError) {
        do {
            _ = try CertificateRevocationList(bytes: Array(data))
        } catch {
            throw EmulatorError.validation("crlData is not a DER or PEM X.509 CRL")
        }
    }
}
