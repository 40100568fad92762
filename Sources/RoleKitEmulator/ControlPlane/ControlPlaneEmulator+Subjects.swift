import RoleKitServices

/// Subjects (recorded by `CreateSession`): get and list.
extension ControlPlaneEmulator {
    static let subjectRoutes: [ControlPlaneRoute] = [
        ControlPlaneRoute(.getSubject) { emulator, call throws(EmulatorError) in try emulator.getSubject(call) },
        ControlPlaneRoute(.listSubjects) { emulator, call throws(EmulatorError) in try emulator.listSubjects(call) },
    ]

    func getSubject(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let (detail, _) = try load(RolesAnywhere.SubjectDetail.self, .subject, id: try call.id("subjectId"))
        return Self.encode(RolesAnywhere.SubjectDetailResponse(subject: detail))
    }

    func listSubjects(_ call: ControlPlaneCall) throws(EmulatorError) -> [UInt8] {
        let page = try page(RolesAnywhere.SubjectDetail.self, .subject, query: call.query)
        let summaries = page.items.map {
            RolesAnywhere.SubjectSummary(createdAt: $0.createdAt, enabled: $0.enabled, lastSeenAt: $0.lastSeenAt, subjectArn: $0.subjectArn, subjectId: $0.subjectId, updatedAt: $0.updatedAt, x509Subject: $0.x509Subject)
        }
        return Self.encode(RolesAnywhere.ListSubjectsResponse(nextToken: page.nextToken, subjects: summaries))
    }
}
