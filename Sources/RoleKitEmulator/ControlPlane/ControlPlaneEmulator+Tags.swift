import RoleKitServices

/// Tags of trust anchors, profiles and CRLs: list, tag, untag (50 at most per resource).
extension ControlPlaneEmulator {
    static let tagRoutes: [ControlPlaneRoute] = [
        ControlPlaneRoute(.listTagsForResource) { emulator, call throws(EmulatorError) in try emulator.listTagsForResource(call) },
        ControlPlaneRoute(.tagResource) { emulator, call throws(EmulatorError) in try emulator.tagResource(call) },
        ControlPlaneRoute(.untagResource) { emulator, call throws(EmulatorError) in try emulator.untagResource(call) },
    ]

    func listTagsForResource(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        guard let resourceArn = call.queryValue("resourceArn") else {
            throw EmulatorError.validation("1 validation error detected: Value null at 'resourceArn' failed to satisfy constraint: Member must not be null")
        }
        try requireTaggable(resourceArn)
        let tags = try store.tags(of: resourceArn).map { RolesAnywhere.Tag(key: $0.key, value: $0.value) }
        return Self.encode(RolesAnywhere.ListTagsForResourceResponse(tags: tags))
    }

    func tagResource(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let input = try Self.decode(RolesAnywhere.TagResourceRequest.self, call.body)
        try Self.validate(input)
        try requireTaggable(input.resourceArn)
        try store.addTags(input.tags.map { ($0.key, $0.value) }, to: input.resourceArn)
        return Self.encode(RolesAnywhere.TagResourceResponse())
    }

    func untagResource(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let input = try Self.decode(RolesAnywhere.UntagResourceRequest.self, call.body)
        try Self.validate(input)
        try requireTaggable(input.resourceArn)
        try store.removeTags(input.tagKeys, from: input.resourceArn)
        return Self.encode(RolesAnywhere.UntagResourceResponse())
    }

    /// A trust anchor, profile or CRL with that ARN exists.
    func requireTaggable(_ arn: String) throws(EmulatorError) {
        for kind in [EmulatorStore.Kind.trustAnchor, .profile, .crl] where try store.get(kind, arn: arn) != nil { return }
        throw EmulatorError.notFound("Resource \(arn) not found")
    }
}
