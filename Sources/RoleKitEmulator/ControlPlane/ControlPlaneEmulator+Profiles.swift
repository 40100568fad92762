import RoleKitServices

/// Profiles: create, get, update, delete, enable, disable, list, and their attribute mappings.
extension ControlPlaneEmulator {
    static let profileRoutes: [ControlPlaneRoute] = [
        ControlPlaneRoute(.createProfile) { emulator, call throws(EmulatorError) in try emulator.createProfile(call) },
        ControlPlaneRoute(.getProfile) { emulator, call throws(EmulatorError) in try emulator.getProfile(call) },
        ControlPlaneRoute(.updateProfile) { emulator, call throws(EmulatorError) in try emulator.updateProfile(call) },
        ControlPlaneRoute(.deleteProfile) { emulator, call throws(EmulatorError) in try emulator.deleteProfile(call) },
        ControlPlaneRoute(.enableProfile) { emulator, call throws(EmulatorError) in try emulator.setProfile(call, enabled: true) },
        ControlPlaneRoute(.disableProfile) { emulator, call throws(EmulatorError) in try emulator.setProfile(call, enabled: false) },
        ControlPlaneRoute(.listProfiles) { emulator, call throws(EmulatorError) in try emulator.listProfiles(call) },
        ControlPlaneRoute(.putAttributeMapping) { emulator, call throws(EmulatorError) in try emulator.putAttributeMapping(call) },
        ControlPlaneRoute(.deleteAttributeMapping) { emulator, call throws(EmulatorError) in try emulator.deleteAttributeMapping(call) },
    ]

    func createProfile(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let input = try Self.decode(RolesAnywhere.CreateProfileRequest.self, call.body)
        try Self.validate(input)
        let id = Self.newId()
        let arn = arn(.profile, id)
        if let tags = input.tags { try store.addTags(tags.map { ($0.key, $0.value) }, to: arn) }
        let stamp = timestamp()
        let detail = RolesAnywhere.ProfileDetail(
            acceptRoleSessionName: input.acceptRoleSessionName ?? false, attributeMappings: Self.defaultAttributeMappings, createdAt: stamp,
            createdBy: "arn:aws:iam::\(accountId):user/\(call.caller)", durationSeconds: input.durationSeconds ?? 3600, enabled: input.enabled ?? false,
            managedPolicyArns: input.managedPolicyArns ?? [], name: input.name, profileArn: arn, profileId: id,
            requireInstanceProperties: input.requireInstanceProperties ?? false, roleArns: input.roleArns, sessionPolicy: input.sessionPolicy, updatedAt: stamp
        )
        try save(.profile, id: id, arn: arn, detail)
        return Self.encode(RolesAnywhere.ProfileDetailResponse(profile: detail))
    }

    func getProfile(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let (detail, _) = try load(RolesAnywhere.ProfileDetail.self, .profile, id: try call.id("profileId"))
        return Self.encode(RolesAnywhere.ProfileDetailResponse(profile: detail))
    }

    func updateProfile(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        var input = try Self.decode(RolesAnywhere.UpdateProfileRequest.self, call.body)
        input.profileId = try call.id("profileId")
        try Self.validate(input)
        var (detail, entry) = try load(RolesAnywhere.ProfileDetail.self, .profile, id: input.profileId)
        if let value = input.name { detail.name = value }
        if let value = input.roleArns { detail.roleArns = value }
        if let value = input.durationSeconds { detail.durationSeconds = value }
        if let value = input.acceptRoleSessionName { detail.acceptRoleSessionName = value }
        if let value = input.managedPolicyArns { detail.managedPolicyArns = value }
        if let value = input.sessionPolicy { detail.sessionPolicy = value }
        detail.updatedAt = timestamp()
        try save(.profile, id: entry.id, arn: entry.arn, detail)
        return Self.encode(RolesAnywhere.ProfileDetailResponse(profile: detail))
    }

    func deleteProfile(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let (detail, entry) = try load(RolesAnywhere.ProfileDetail.self, .profile, id: try call.id("profileId"))
        try store.delete(.profile, id: entry.id)
        return Self.encode(RolesAnywhere.ProfileDetailResponse(profile: detail))
    }

    /// `EnableProfile` and `DisableProfile`.
    func setProfile(_ call: ControlPlaneCall, enabled: Bool) throws(EmulatorError) -> [UInt8] {
        var (detail, entry) = try load(RolesAnywhere.ProfileDetail.self, .profile, id: try call.id("profileId"))
        detail.enabled = enabled
        detail.updatedAt = timestamp()
        try save(.profile, id: entry.id, arn: entry.arn, detail)
        return Self.encode(RolesAnywhere.ProfileDetailResponse(profile: detail))
    }

    func listProfiles(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let page = try page(RolesAnywhere.ProfileDetail.self, .profile, query: call.query)
        return Self.encode(RolesAnywhere.ListProfilesResponse(nextToken: page.nextToken, profiles: page.items))
    }

    func putAttributeMapping(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        var input = try Self.decode(RolesAnywhere.PutAttributeMappingRequest.self, call.body)
        input.profileId = try call.id("profileId")
        try Self.validate(input)
        try Self.checkField(input.certificateField)
        var (detail, entry) = try load(RolesAnywhere.ProfileDetail.self, .profile, id: input.profileId)
        var mappings = (detail.attributeMappings ?? []).filter { $0.certificateField != input.certificateField }
        mappings.append(.init(certificateField: input.certificateField, mappingRules: input.mappingRules))
        detail.attributeMappings = mappings.sorted { ($0.certificateField?.rawValue ?? "") < ($1.certificateField?.rawValue ?? "") }
        detail.updatedAt = timestamp()
        try save(.profile, id: entry.id, arn: entry.arn, detail)
        return Self.encode(RolesAnywhere.PutAttributeMappingResponse(profile: detail))
    }

    func deleteAttributeMapping(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let profileId = try call.id("profileId")
        var field: RolesAnywhere.CertificateField?
        var specifiers: [String] = []
        for (name, value) in call.query {
            if name == "certificateField" { field = .init(rawValue: value) }
            if name == "specifiers" { specifiers.append(value) }
        }
        guard let field else { throw EmulatorError.validation("1 validation error detected: Value null at 'certificateField' failed to satisfy constraint: Member must not be null") }
        try Self.checkField(field)
        var (detail, entry) = try load(RolesAnywhere.ProfileDetail.self, .profile, id: profileId)
        var mappings = detail.attributeMappings ?? []
        guard let index = mappings.firstIndex(where: { $0.certificateField == field }) else {
            throw EmulatorError.notFound("No attribute mapping for \(field.rawValue) in profile \(profileId)")
        }
        if specifiers.isEmpty {
            mappings.remove(at: index)
        } else {
            mappings[index].mappingRules = (mappings[index].mappingRules ?? []).filter { !specifiers.contains($0.specifier) }
        }
        detail.attributeMappings = mappings
        detail.updatedAt = timestamp()
        try save(.profile, id: entry.id, arn: entry.arn, detail)
        return Self.encode(RolesAnywhere.DeleteAttributeMappingResponse(profile: detail))
    }

    // MARK: - Rules

    static let defaultAttributeMappings: [RolesAnywhere.AttributeMapping] = [
        .init(certificateField: .x509Issuer, mappingRules: ["C", "CN", "O", "OU", "ST", "L"].map { .init(specifier: $0) }),
        .init(certificateField: .x509SAN, mappingRules: ["DNS", "URI", "Name"].map { .init(specifier: $0) }),
        .init(certificateField: .x509Subject, mappingRules: ["C", "CN", "O", "OU", "ST", "L"].map { .init(specifier: $0) }),
    ]

    static func checkField(_ field: RolesAnywhere.CertificateField) throws(EmulatorError) {
        guard RolesAnywhere.CertificateField.knownValues.contains(field) else {
            throw EmulatorError.validation("certificateField must be one of x509Subject, x509Issuer, x509SAN")
        }
    }
}
