public import FoundationEssentials
public import RoleKitServices
public import RoleKitSigning
import SwiftASN1
import X509

/// The emulated Roles Anywhere control plane: every operation of the service model, on the
/// ``EmulatorStore``, SigV4-verified against the configured admin keys, with the model's
/// constraints and the service's limits (50 tags, page sizes).
public final class ControlPlaneEmulator: Sendable {
    public let store: EmulatorStore
    public let accountId: String
    public let region: String
    let verifier: SigV4Verifier
    let now: @Sendable () -> Date

    public init(store: EmulatorStore, accountId: String, region: String, adminKeys: [String: String], toleranceSeconds: Int = 300, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.accountId = accountId
        self.region = region
        self.now = now
        self.verifier = SigV4Verifier(region: region, service: "rolesanywhere", toleranceSeconds: toleranceSeconds) { adminKeys[$0] }
    }

    /// The operation and URI parameters `request` addresses, or `nil` when none does.
    static func route(_ request: SigningRequest) -> (RolesAnywhere.Operation, [String: String])? {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        for operation in RolesAnywhere.Operation.all where operation.method == request.method {
            let template = operation.requestURI.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
            guard template.count == segments.count else { continue }
            var parameters: [String: String] = [:]
            var matches = true
            for (pattern, segment) in zip(template, segments) {
                if pattern.hasPrefix("{"), pattern.hasSuffix("}") {
                    parameters[String(pattern.dropFirst().dropLast())] = String(decoding: URIEncoding.decode(Substring(segment)), as: UTF8.self)
                } else if pattern != segment {
                    matches = false
                    break
                }
            }
            if matches { return (operation, parameters) }
        }
        return nil
    }

    /// Answers a control-plane request, or `nil` when the path is not a control-plane operation.
    public func handle(_ request: SigningRequest) -> RolesAnywhereEmulator.Response? {
        guard let (operation, parameters) = Self.route(request) else { return nil }
        do {
            let caller = try verifier.verify(request, now: now())
            let body = try dispatch(operation, parameters: parameters, query: QueryString.items(request.query), body: request.body, caller: caller)
            return RolesAnywhereEmulator.Response(status: operation.name.hasPrefix("Create") ? 201 : 200, headers: [("Content-Type", "application/json"), ("x-amzn-RequestId", UUID().uuidString.lowercased())], body: body)
        } catch {
            return RolesAnywhereEmulator.errorResponse(error)
        }
    }


    // MARK: - Coding

    static func decode<T: RolesAnywhereShape>(_ type: T.Type, _ body: [UInt8]) throws(EmulatorError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.isEmpty ? Array("{}".utf8) : body))
        } catch DecodingError.keyNotFound(let key, _) {
            throw EmulatorError.validation("1 validation error detected: Value null at '\(key.stringValue)' failed to satisfy constraint: Member must not be null")
        } catch {
            throw EmulatorError(status: 400, code: "SerializationException", message: "The request body does not match the model: \(error)")
        }
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    static func validate(_ value: some RolesAnywhereShape) throws(EmulatorError) {
        do {
            try value.validate("")
        } catch {
            throw EmulatorError.validation(error.message.hasPrefix(".") ? String(error.message.dropFirst()) : error.message)
        }
    }

    func load<T: Decodable>(_ type: T.Type, _ kind: EmulatorStore.Kind, id: String) throws(EmulatorError) -> (T, EmulatorStore.Entry) {
        guard let entry = try store.get(kind, id: id) else {
            throw EmulatorError.notFound("\(Self.noun(kind)) \(id) not found")
        }
        do {
            return (try JSONDecoder().decode(T.self, from: entry.document), entry)
        } catch {
            throw EmulatorError(status: 500, code: "InternalServerException", message: "stored \(Self.noun(kind)) \(id) is unreadable")
        }
    }

    func save(_ kind: EmulatorStore.Kind, id: String, arn: String, lookup: String? = nil, _ value: some Encodable) throws(EmulatorError) {
        try store.put(kind, id: id, arn: arn, lookup: lookup, document: Data(Self.encode(value)))
    }

    static func noun(_ kind: EmulatorStore.Kind) -> String {
        switch kind {
        case .trustAnchor: "Trust anchor"
        case .profile: "Profile"
        case .crl: "CRL"
        case .subject: "Subject"
        }
    }

    func arn(_ kind: EmulatorStore.Kind, _ id: String) -> String { kind.arn(region: region, accountId: accountId, id: id) }

    static func newId() -> String { UUID().uuidString.lowercased() }

    /// Second precision, as the service reports.
    func timestamp() -> Date { Self.secondPrecision(now()) }

    static func secondPrecision(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)) }

    // MARK: - Pagination

    struct Page<Item> {
        var items: [Item]
        var nextToken: String?
    }

    func page<T: Decodable>(_ type: T.Type, _ kind: EmulatorStore.Kind, query: [(String, String)]) throws(EmulatorError) -> Page<T> {
        var after: Int64 = 0
        var size = 50
        for (name, value) in query {
            switch name {
            case "nextToken":
                guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8), text.hasPrefix("\(kind.rawValue):"),
                    let position = Int64(text.dropFirst(kind.rawValue.count + 1))
                else { throw EmulatorError.validation("Invalid nextToken") }
                after = position
            case "pageSize":
                guard let number = Int(value), (1...100).contains(number) else {
                    throw EmulatorError.validation("1 validation error detected: Value '\(value)' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 100")
                }
                size = number
            default: break
            }
        }
        let (entries, next) = try store.list(kind, after: after, limit: size)
        var items: [T] = []
        for entry in entries {
            do {
                items.append(try JSONDecoder().decode(T.self, from: entry.document))
            } catch {
                throw EmulatorError(status: 500, code: "InternalServerException", message: "stored \(Self.noun(kind)) \(entry.id) is unreadable")
            }
        }
        return Page(items: items, nextToken: next.map { Data("\(kind.rawValue):\($0)".utf8).base64EncodedString() })
    }

    // MARK: - Operations

    func dispatch(_ operation: RolesAnywhere.Operation, parameters: [String: String], query: [(String, String)], body: [UInt8], caller: String) throws(EmulatorError) -> [UInt8] {
        func parameter(_ name: String) throws(EmulatorError) -> String {
            guard let value = parameters[name], value.count == 36 else {
                throw EmulatorError.validation("1 validation error detected: Value at '\(name)' failed to satisfy constraint: Member must have length 36")
            }
            return value
        }
        switch operation {
        // Trust anchors
        case .createTrustAnchor:
            let input = try Self.decode(RolesAnywhere.CreateTrustAnchorRequest.self, body)
            try Self.validate(input)
            try Self.checkSource(input.source)
            let id = Self.newId()
            let arn = arn(.trustAnchor, id)
            if let tags = input.tags { try store.addTags(tags.map { ($0.key, $0.value) }, to: arn) }
            let stamp = timestamp()
            let detail = RolesAnywhere.TrustAnchorDetail(
                createdAt: stamp, enabled: input.enabled ?? false, name: input.name,
                notificationSettings: Self.notificationSettings(applying: input.notificationSettings ?? [], to: Self.defaultNotificationSettings, by: caller),
                source: input.source, trustAnchorArn: arn, trustAnchorId: id, updatedAt: stamp
            )
            do {
                try save(.trustAnchor, id: id, arn: arn, detail)
            } catch {
                try? store.removeTags(input.tags?.map(\.key) ?? [], from: arn)
                throw error
            }
            return Self.encode(RolesAnywhere.TrustAnchorDetailResponse(trustAnchor: detail))
        case .getTrustAnchor:
            let (detail, _) = try load(RolesAnywhere.TrustAnchorDetail.self, .trustAnchor, id: try parameter("trustAnchorId"))
            return Self.encode(RolesAnywhere.TrustAnchorDetailResponse(trustAnchor: detail))
        case .updateTrustAnchor:
            var input = try Self.decode(RolesAnywhere.UpdateTrustAnchorRequest.self, body)
            input.trustAnchorId = try parameter("trustAnchorId")
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
        case .deleteTrustAnchor:
            let (detail, entry) = try load(RolesAnywhere.TrustAnchorDetail.self, .trustAnchor, id: try parameter("trustAnchorId"))
            try store.delete(.trustAnchor, id: entry.id)
            return Self.encode(RolesAnywhere.TrustAnchorDetailResponse(trustAnchor: detail))
        case .enableTrustAnchor, .disableTrustAnchor:
            var (detail, entry) = try load(RolesAnywhere.TrustAnchorDetail.self, .trustAnchor, id: try parameter("trustAnchorId"))
            detail.enabled = operation == .enableTrustAnchor
            detail.updatedAt = timestamp()
            try save(.trustAnchor, id: entry.id, arn: entry.arn, detail)
            return Self.encode(RolesAnywhere.TrustAnchorDetailResponse(trustAnchor: detail))
        case .listTrustAnchors:
            let page = try page(RolesAnywhere.TrustAnchorDetail.self, .trustAnchor, query: query)
            return Self.encode(RolesAnywhere.ListTrustAnchorsResponse(nextToken: page.nextToken, trustAnchors: page.items))
        case .putNotificationSettings:
            let input = try Self.decode(RolesAnywhere.PutNotificationSettingsRequest.self, body)
            try Self.validate(input)
            var (detail, entry) = try load(RolesAnywhere.TrustAnchorDetail.self, .trustAnchor, id: input.trustAnchorId)
            detail.notificationSettings = Self.notificationSettings(applying: input.notificationSettings, to: detail.notificationSettings ?? Self.defaultNotificationSettings, by: caller)
            detail.updatedAt = timestamp()
            try save(.trustAnchor, id: entry.id, arn: entry.arn, detail)
            return Self.encode(RolesAnywhere.PutNotificationSettingsResponse(trustAnchor: detail))
        case .resetNotificationSettings:
            let input = try Self.decode(RolesAnywhere.ResetNotificationSettingsRequest.self, body)
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

        // Profiles
        case .createProfile:
            let input = try Self.decode(RolesAnywhere.CreateProfileRequest.self, body)
            try Self.validate(input)
            let id = Self.newId()
            let arn = arn(.profile, id)
            if let tags = input.tags { try store.addTags(tags.map { ($0.key, $0.value) }, to: arn) }
            let stamp = timestamp()
            let detail = RolesAnywhere.ProfileDetail(
                acceptRoleSessionName: input.acceptRoleSessionName ?? false, attributeMappings: Self.defaultAttributeMappings, createdAt: stamp,
                createdBy: "arn:aws:iam::\(accountId):user/\(caller)", durationSeconds: input.durationSeconds ?? 3600, enabled: input.enabled ?? false,
                managedPolicyArns: input.managedPolicyArns ?? [], name: input.name, profileArn: arn, profileId: id,
                requireInstanceProperties: input.requireInstanceProperties ?? false, roleArns: input.roleArns, sessionPolicy: input.sessionPolicy, updatedAt: stamp
            )
            try save(.profile, id: id, arn: arn, detail)
            return Self.encode(RolesAnywhere.ProfileDetailResponse(profile: detail))
        case .getProfile:
            let (detail, _) = try load(RolesAnywhere.ProfileDetail.self, .profile, id: try parameter("profileId"))
            return Self.encode(RolesAnywhere.ProfileDetailResponse(profile: detail))
        case .updateProfile:
            var input = try Self.decode(RolesAnywhere.UpdateProfileRequest.self, body)
            input.profileId = try parameter("profileId")
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
        case .deleteProfile:
            let (detail, entry) = try load(RolesAnywhere.ProfileDetail.self, .profile, id: try parameter("profileId"))
            try store.delete(.profile, id: entry.id)
            return Self.encode(RolesAnywhere.ProfileDetailResponse(profile: detail))
        case .enableProfile, .disableProfile:
            var (detail, entry) = try load(RolesAnywhere.ProfileDetail.self, .profile, id: try parameter("profileId"))
            detail.enabled = operation == .enableProfile
            detail.updatedAt = timestamp()
            try save(.profile, id: entry.id, arn: entry.arn, detail)
            return Self.encode(RolesAnywhere.ProfileDetailResponse(profile: detail))
        case .listProfiles:
            let page = try page(RolesAnywhere.ProfileDetail.self, .profile, query: query)
            return Self.encode(RolesAnywhere.ListProfilesResponse(nextToken: page.nextToken, profiles: page.items))
        case .putAttributeMapping:
            var input = try Self.decode(RolesAnywhere.PutAttributeMappingRequest.self, body)
            input.profileId = try parameter("profileId")
            try Self.validate(input)
            try Self.checkField(input.certificateField)
            var (detail, entry) = try load(RolesAnywhere.ProfileDetail.self, .profile, id: input.profileId)
            var mappings = (detail.attributeMappings ?? []).filter { $0.certificateField != input.certificateField }
            mappings.append(.init(certificateField: input.certificateField, mappingRules: input.mappingRules))
            detail.attributeMappings = mappings.sorted { ($0.certificateField?.rawValue ?? "") < ($1.certificateField?.rawValue ?? "") }
            detail.updatedAt = timestamp()
            try save(.profile, id: entry.id, arn: entry.arn, detail)
            return Self.encode(RolesAnywhere.PutAttributeMappingResponse(profile: detail))
        case .deleteAttributeMapping:
            let profileId = try parameter("profileId")
            var field: RolesAnywhere.CertificateField?
            var specifiers: [String] = []
            for (name, value) in query {
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

        // CRLs
        case .importCrl:
            let input = try Self.decode(RolesAnywhere.ImportCrlRequest.self, body)
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
        case .getCrl:
            let (detail, _) = try load(RolesAnywhere.CrlDetail.self, .crl, id: try parameter("crlId"))
            return Self.encode(RolesAnywhere.CrlDetailResponse(crl: detail))
        case .updateCrl:
            var input = try Self.decode(RolesAnywhere.UpdateCrlRequest.self, body)
            input.crlId = try parameter("crlId")
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
        case .deleteCrl:
            let (detail, entry) = try load(RolesAnywhere.CrlDetail.self, .crl, id: try parameter("crlId"))
            try store.delete(.crl, id: entry.id)
            return Self.encode(RolesAnywhere.CrlDetailResponse(crl: detail))
        case .enableCrl, .disableCrl:
            var (detail, entry) = try load(RolesAnywhere.CrlDetail.self, .crl, id: try parameter("crlId"))
            detail.enabled = operation == .enableCrl
            detail.updatedAt = timestamp()
            try save(.crl, id: entry.id, arn: entry.arn, lookup: detail.trustAnchorArn, detail)
            return Self.encode(RolesAnywhere.CrlDetailResponse(crl: detail))
        case .listCrls:
            let page = try page(RolesAnywhere.CrlDetail.self, .crl, query: query)
            return Self.encode(RolesAnywhere.ListCrlsResponse(crls: page.items, nextToken: page.nextToken))

        // Subjects
        case .getSubject:
            let (detail, _) = try load(RolesAnywhere.SubjectDetail.self, .subject, id: try parameter("subjectId"))
            return Self.encode(RolesAnywhere.SubjectDetailResponse(subject: detail))
        case .listSubjects:
            let page = try page(RolesAnywhere.SubjectDetail.self, .subject, query: query)
            let summaries = page.items.map {
                RolesAnywhere.SubjectSummary(createdAt: $0.createdAt, enabled: $0.enabled, lastSeenAt: $0.lastSeenAt, subjectArn: $0.subjectArn, subjectId: $0.subjectId, updatedAt: $0.updatedAt, x509Subject: $0.x509Subject)
            }
            return Self.encode(RolesAnywhere.ListSubjectsResponse(nextToken: page.nextToken, subjects: summaries))

        // Tags
        case .listTagsForResource:
            guard let resourceArn = query.first(where: { $0.0 == "resourceArn" })?.1 else {
                throw EmulatorError.validation("1 validation error detected: Value null at 'resourceArn' failed to satisfy constraint: Member must not be null")
            }
            try requireTaggable(resourceArn)
            let tags = try store.tags(of: resourceArn).map { RolesAnywhere.Tag(key: $0.key, value: $0.value) }
            return Self.encode(RolesAnywhere.ListTagsForResourceResponse(tags: tags))
        case .tagResource:
            let input = try Self.decode(RolesAnywhere.TagResourceRequest.self, body)
            try Self.validate(input)
            try requireTaggable(input.resourceArn)
            try store.addTags(input.tags.map { ($0.key, $0.value) }, to: input.resourceArn)
            return Self.encode(RolesAnywhere.TagResourceResponse())
        case .untagResource:
            let input = try Self.decode(RolesAnywhere.UntagResourceRequest.self, body)
            try Self.validate(input)
            try requireTaggable(input.resourceArn)
            try store.removeTags(input.tagKeys, from: input.resourceArn)
            return Self.encode(RolesAnywhere.UntagResourceResponse())
        default:
            throw EmulatorError(status: 501, code: "NotImplemented", message: "The emulator does not implement \(operation.name)")
        }
    }

    func requireTaggable(_ arn: String) throws(EmulatorError) {
        for kind in [EmulatorStore.Kind.trustAnchor, .profile, .crl] where try store.get(kind, arn: arn) != nil { return }
        throw EmulatorError.notFound("Resource \(arn) not found")
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

    static func checkCRL(_ data: Data) throws(EmulatorError) {
        do {
            _ = try CertificateRevocationList(bytes: Array(data))
        } catch {
            throw EmulatorError.validation("crlData is not a DER or PEM X.509 CRL")
        }
    }
}
