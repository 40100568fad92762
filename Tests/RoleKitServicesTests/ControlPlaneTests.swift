import Foundation
import RoleKitCredentials
import RoleKitEmulator
import RoleKitIdentity
import RoleKitServices
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
import RoleKitTransport
import Testing

/// The Roles Anywhere control-plane client against the emulator over loopback.
@Suite("Roles Anywhere control plane")
struct ControlPlaneTests {
    static let admin = EmulatorConfiguration.AdminKey.generate()
    static let role = "arn:aws:iam::123456789012:role/control-plane-test"

    /// An emulator with admin keys and no resources, its client, and cleanup.
    final class Harness: Sendable {
        let server: EmulatorServer
        let emulator: RolesAnywhereEmulator
        let transport: HTTPTransport
        let client: RolesAnywhereControlPlane
        let endpoint: URL

        init(directory: String? = nil, secret: String = ControlPlaneTests.admin.secretAccessKey, validates: Bool = true) async throws {
            let store = try EmulatorStore(directory: directory)
            emulator = try RolesAnywhereEmulator(configuration: .init(adminKeys: [ControlPlaneTests.admin]), store: store)
            server = EmulatorServer(rolesAnywhere: emulator)
            let port = try await server.start()
            endpoint = URL(string: "http://127.0.0.1:\(port)")!
            transport = try HTTPTransport(configuration: .init(retry: .none))
            let credentials = SigningCredentials(accessKeyId: ControlPlaneTests.admin.accessKeyId, secretAccessKey: secret)
            client = RolesAnywhereControlPlane(transport: transport, region: "us-east-1", endpoint: endpoint, validatesInput: validates) { credentials }
        }

        func stop() async {
            try? await transport.shutdown()
            await server.stop()
        }

        /// A Roles Anywhere provider for a test leaf against this emulator.
        func provider(_ leaf: String, key: String, anchor: String, profile: String, duration: Int = 3600, instanceProperties: [String: String]? = nil) -> RolesAnywhereCredentialProvider {
            let pki = TestPKI.shared
            return RolesAnywhereCredentialProvider(
                configuration: .init(
                    certificate: pki.path(leaf), privateKey: pki.path(key), intermediates: pki.path("intermediate-ca.pem"), durationSeconds: duration,
                    profileArn: profile, roleArn: ControlPlaneTests.role, trustAnchorArn: anchor, endpoint: endpoint, instanceProperties: instanceProperties
                ),
                passphrase: .value(Passphrase(TestPKI.passphrase)),
                transport: transport
            )
        }
    }

    func withHarness(directory: String? = nil, secret: String = ControlPlaneTests.admin.secretAccessKey, validates: Bool = true, _ body: (Harness) async throws -> Void) async throws {
        let harness = try await Harness(directory: directory, secret: secret, validates: validates)
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    static func bundleSource() throws -> RolesAnywhere.Source {
        let pem = try String(contentsOfFile: TestPKI.shared.path("ca-bundle.pem"), encoding: .utf8)
        return .init(sourceData: .x509CertificateData(pem), sourceType: .certificateBundle)
    }

    static var modelOperations: [String] {
        get throws {
            let url = TestEnvironment.sharedDirectory.appendingPathComponent("reference/botocore-models/rolesanywhere.service-2.json")
            let model = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
            return ((model?["operations"] as? [String: Any]) ?? [:]).keys.sorted()
        }
    }

    /// Reads the model, then sends each operation's HTTP request (method and URI from the model
    /// file, not from RoleKit's tables) to the emulator: none may come back as an unknown or
    /// unimplemented operation.
    @Test func everyModelOperationHasAClientMethodAndAnEmulatorRoute() async throws {
        let model = try Self.modelOperations
        #expect(model.count == 30)
        #expect(RolesAnywhere.Operation.all.map(\.name).sorted() == model)
        let url = TestEnvironment.sharedDirectory.appendingPathComponent("reference/botocore-models/rolesanywhere.service-2.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let operations = (json?["operations"] as? [String: [String: Any]]) ?? [:]
        try await withHarness(validates: false) { h in
            for (name, operation) in operations.sorted(by: { $0.key < $1.key }) {
                let http = try #require(operation["http"] as? [String: Any])
                let method = try #require(http["method"] as? String)
                var uri = try #require(http["requestUri"] as? String)
                for parameter in ["profileId", "trustAnchorId", "crlId", "subjectId"] { uri = uri.replacing("{\(parameter)}", with: "00000000-0000-0000-0000-000000000000") }
                let host = "127.0.0.1:\(h.endpoint.port ?? 0)"
                let request = SigningRequest(method: method, path: uri, headers: [.init("Host", host), .init("Content-Type", "application/json")], body: method == "GET" || method == "DELETE" ? [] : Array("{}".utf8))
                let signed = SigV4Signer(credentials: .init(accessKeyId: Self.admin.accessKeyId, secretAccessKey: Self.admin.secretAccessKey), region: "us-east-1", service: "rolesanywhere").sign(request, at: Date())
                let response: HTTPResponse
                do {
                    response = try await h.transport.send(signed, to: h.endpoint, sign: { request, _ in request }, parseError: RestJSONError.parse)
                } catch let error as TransportError {
                    let code = error.serviceError?.code ?? "none"
                    #expect(!["UnknownOperationException", "NotImplemented", "InvalidSignatureException"].contains(code), "\(name): \(code)")
                    continue
                }
                #expect((200..<300).contains(response.status), "\(name)")
            }
        }
        #expect(RolesAnywhereControlPlane.canPaginate("ListProfiles") && RolesAnywhereControlPlane.canPaginate("list_trust_anchors"))
        #expect(!RolesAnywhereControlPlane.canPaginate("GetProfile") && !RolesAnywhereControlPlane.canPaginate("list_tags_for_resource"))
    }

    @Test func generatedCodeMatchesTheModel() async throws {
        let result = try await Subprocess.runAsync(
            [TestEnvironment.python, TestEnvironment.repositoryRoot.appendingPathComponent("scripts/generate/rolesanywhere_control_plane.py").path, "--check"],
            environment: ["PATH": "/usr/bin:/bin"]
        )
        #expect(result.status == 0, "\(result.stdoutText)\(result.stderr)")
    }

    /// Every operation once, in a user's order; the set of operations called is checked
    /// against the model at the end.
    @Test func everyOperationAgainstTheEmulator() async throws {
        try await withHarness { h in
            var called: Set<String> = []
            let c = h.client
            let anchor = try await c.createTrustAnchor(.init(enabled: true, name: "ops anchor", source: try Self.bundleSource(), tags: [.init(key: "team", value: "a")])).trustAnchor
            called.insert("CreateTrustAnchor")
            let anchorId = try #require(anchor.trustAnchorId)
            let anchorArn = try #require(anchor.trustAnchorArn)
            #expect(anchor.enabled == true && anchor.notificationSettings?.count == 2)
            #expect(try await c.getTrustAnchor(.init(trustAnchorId: anchorId)).trustAnchor.name == "ops anchor"); called.insert("GetTrustAnchor")
            #expect(try await c.updateTrustAnchor(.init(name: "renamed", trustAnchorId: anchorId)).trustAnchor.name == "renamed"); called.insert("UpdateTrustAnchor")
            #expect(try await c.disableTrustAnchor(.init(trustAnchorId: anchorId)).trustAnchor.enabled == false); called.insert("DisableTrustAnchor")
            #expect(try await c.enableTrustAnchor(.init(trustAnchorId: anchorId)).trustAnchor.enabled == true); called.insert("EnableTrustAnchor")
            let put = try await c.putNotificationSettings(.init(notificationSettings: [.init(enabled: false, event: .caCertificateExpiry, threshold: 10)], trustAnchorId: anchorId))
            #expect(put.trustAnchor.notificationSettings?.first { $0.event == .caCertificateExpiry }?.threshold == 10); called.insert("PutNotificationSettings")
            let reset = try await c.resetNotificationSettings(.init(notificationSettingKeys: [.init(event: .caCertificateExpiry)], trustAnchorId: anchorId))
            #expect(reset.trustAnchor.notificationSettings?.first { $0.event == .caCertificateExpiry }?.threshold == 45); called.insert("ResetNotificationSettings")
            #expect(try await c.listTrustAnchors(.init()).trustAnchors?.map(\.trustAnchorId) == [anchorId]); called.insert("ListTrustAnchors")

            let profile = try #require(try await c.createProfile(.init(durationSeconds: 7200, enabled: true, name: "ops-profile", roleArns: [Self.role])).profile)
            called.insert("CreateProfile")
            let profileId = try #require(profile.profileId)
            let profileArn = try #require(profile.profileArn)
            #expect(profile.durationSeconds == 7200 && profile.attributeMappings?.isEmpty == false)
            #expect(try await c.getProfile(.init(profileId: profileId)).profile?.name == "ops-profile"); called.insert("GetProfile")
            #expect(try await c.updateProfile(.init(acceptRoleSessionName: true, profileId: profileId)).profile?.acceptRoleSessionName == true); called.insert("UpdateProfile")
            #expect(try await c.disableProfile(.init(profileId: profileId)).profile?.enabled == false); called.insert("DisableProfile")
            #expect(try await c.enableProfile(.init(profileId: profileId)).profile?.enabled == true); called.insert("EnableProfile")
            let mapped = try await c.putAttributeMapping(.init(certificateField: .x509Subject, mappingRules: [.init(specifier: "CN")], profileId: profileId))
            #expect(mapped.profile.attributeMappings?.first { $0.certificateField == .x509Subject }?.mappingRules == [.init(specifier: "CN")]); called.insert("PutAttributeMapping")
            let unmapped = try await c.deleteAttributeMapping(.init(certificateField: .x509SAN, profileId: profileId))
            #expect(unmapped.profile.attributeMappings?.contains { $0.certificateField == .x509SAN } == false); called.insert("DeleteAttributeMapping")
            #expect(try await c.listProfiles(.init(pageSize: 10)).profiles?.count == 1); called.insert("ListProfiles")

            let crlData = Data(try TestPKI.shared.bytes("intermediate.crl.der"))
            let crl = try await c.importCrl(.init(crlData: crlData, enabled: false, name: "intermediate", trustAnchorArn: anchorArn)).crl
            called.insert("ImportCrl")
            let crlId = try #require(crl.crlId)
            #expect(crl.crlData == crlData)
            #expect(try await c.getCrl(.init(crlId: crlId)).crl.trustAnchorArn == anchorArn); called.insert("GetCrl")
            #expect(try await c.updateCrl(.init(crlId: crlId, name: "renamed-crl")).crl.name == "renamed-crl"); called.insert("UpdateCrl")
            #expect(try await c.enableCrl(.init(crlId: crlId)).crl.enabled == true); called.insert("EnableCrl")
            #expect(try await c.disableCrl(.init(crlId: crlId)).crl.enabled == false); called.insert("DisableCrl")
            #expect(try await c.listCrls(.init()).crls?.count == 1); called.insert("ListCrls")

            try await c.tagResource(.init(resourceArn: profileArn, tags: [.init(key: "env", value: "test"), .init(key: "owner", value: "me")])); called.insert("TagResource")
            try await c.untagResource(.init(resourceArn: profileArn, tagKeys: ["owner"])); called.insert("UntagResource")
            #expect(try await c.listTagsForResource(.init(resourceArn: profileArn)).tags == [.init(key: "env", value: "test")]); called.insert("ListTagsForResource")
            #expect(try await c.listTagsForResource(.init(resourceArn: anchorArn)).tags == [.init(key: "team", value: "a")])

            // A CreateSession makes a subject.
            _ = try await h.provider("p256.pem", key: "p256.pkcs8.key", anchor: anchorArn, profile: profileArn).credentials()
            let subjects = try await c.listSubjects(.init()).subjects ?? []; called.insert("ListSubjects")
            #expect(subjects.count == 1)
            let firstId = try #require(subjects.first?.subjectId)
            let subject = try #require(try await c.getSubject(.init(subjectId: firstId)).subject); called.insert("GetSubject")
            #expect(subject.x509Subject?.contains("p256") == true)
            #expect(subject.credentials?.first?.failed == false)
            #expect(subject.credentials?.first?.serialNumber == TestPKI.shared.serials["p256.pem"])

            #expect(try await c.deleteCrl(.init(crlId: crlId)).crl.crlId == crlId); called.insert("DeleteCrl")
            #expect(try await c.deleteProfile(.init(profileId: profileId)).profile?.profileId == profileId); called.insert("DeleteProfile")
            #expect(try await c.deleteTrustAnchor(.init(trustAnchorId: anchorId)).trustAnchor.trustAnchorId == anchorId); called.insert("DeleteTrustAnchor")
            let gone = await #expect(throws: RolesAnywhereError.self) { _ = try await c.getProfile(.init(profileId: profileId)) }
            #expect(gone?.code == .resourceNotFound)
            #expect(called.sorted() == (try Self.modelOperations))
        }
    }

    @Test func paginatorsWalkEveryPage() async throws {
        try await withHarness { h in
            for index in 0..<7 {
                _ = try await h.client.createProfile(.init(name: "p\(index)", roleArns: [Self.role]))
            }
            var pages = 0
            for try await page in h.client.listProfilesPages(pageSize: 2) {
                pages += 1
                #expect((page.profiles?.count ?? 0) <= 2)
            }
            #expect(pages == 4)
            let names = try await h.client.listProfilesItems(pageSize: 3).collect().compactMap(\.name)
            #expect(names == (0..<7).map { "p\($0)" })
            #expect(try await h.client.listProfilesItems(pageSize: 3).collect(limit: 4).count == 4)
            #expect(try await h.client.listTrustAnchorsItems().collect().isEmpty)
        }
    }

    @Test func errorsAreTyped() async throws {
        try await withHarness(validates: false) { h in
            let c = h.client
            let missing = await #expect(throws: RolesAnywhereError.self) { _ = try await c.getTrustAnchor(.init(trustAnchorId: "00000000-0000-0000-0000-000000000000")) }
            #expect(missing?.code == .resourceNotFound && missing?.serviceCode == "ResourceNotFoundException" && missing?.requestId != nil)
            // The emulator applies the model's constraints itself.
            let badName = await #expect(throws: RolesAnywhereError.self) { _ = try await c.createProfile(.init(name: "bad/name!", roleArns: [Self.role])) }
            #expect(badName?.code == .validation)
            let badRole = await #expect(throws: RolesAnywhereError.self) { _ = try await c.createProfile(.init(name: "ok", roleArns: ["arn:aws:iam::123456789012:user/bob"])) }
            #expect(badRole?.code == .validation)
            let badDuration = await #expect(throws: RolesAnywhereError.self) { _ = try await c.createProfile(.init(durationSeconds: 60, name: "ok", roleArns: [Self.role])) }
            #expect(badDuration?.code == .validation)
            let notCA = RolesAnywhere.Source(sourceData: .x509CertificateData(try String(contentsOfFile: TestPKI.shared.path("p256.pem"), encoding: .utf8)), sourceType: .certificateBundle)
            let leafAsAnchor = await #expect(throws: RolesAnywhereError.self) { _ = try await c.createTrustAnchor(.init(name: "leaf", source: notCA)) }
            #expect(leafAsAnchor?.code == .validation)
            // 50 tags at most, all or nothing.
            let profile = try #require(try await c.createProfile(.init(name: "tags", roleArns: [Self.role])).profile)
            let arn = try #require(profile.profileArn)
            try await c.tagResource(.init(resourceArn: arn, tags: (0..<50).map { .init(key: "k\($0)", value: "v") }))
            let tooMany = await #expect(throws: RolesAnywhereError.self) { try await c.tagResource(.init(resourceArn: arn, tags: [.init(key: "one-more", value: "v")])) }
            #expect(tooMany?.code == .tooManyTags)
            #expect(try await c.listTagsForResource(.init(resourceArn: arn)).tags?.count == 50)
            let unknownArn = await #expect(throws: RolesAnywhereError.self) { _ = try await c.listTagsForResource(.init(resourceArn: arn + "x")) }
            #expect(unknownArn?.code == .resourceNotFound)
        }
        // The client's own validation stops bad input before sending.
        try await withHarness { h in
            let local = await #expect(throws: RolesAnywhereError.self) { _ = try await h.client.createProfile(.init(name: "bad/name!", roleArns: [Self.role])) }
            #expect(local?.code == .invalidInput)
            #expect(local?.message.contains("name") == true)
        }
        // A wrong secret is refused by the SigV4 check.
        try await withHarness(secret: "wrong-secret") { h in
            let denied = await #expect(throws: RolesAnywhereError.self) { _ = try await h.client.listProfiles(.init()) }
            #expect(denied?.code == .accessDenied && denied?.serviceCode == "InvalidSignatureException")
        }
    }

    /// Disabled trust anchors, profiles and CRLs take effect on CreateSession; an imported CRL
    /// revokes its serials; the profile's duration bounds the session; subjects record failures.
    @Test func resourcesGovernCreateSession() async throws {
        try await withHarness { h in
            let c = h.client
            let anchor = try await c.createTrustAnchor(.init(enabled: true, name: "a", source: try Self.bundleSource())).trustAnchor
            let anchorArn = try #require(anchor.trustAnchorArn), anchorId = try #require(anchor.trustAnchorId)
            let profile = try #require(try await c.createProfile(.init(durationSeconds: 3600, enabled: true, name: "p", roleArns: [Self.role])).profile)
            let profileArn = try #require(profile.profileArn), profileId = try #require(profile.profileId)
            // Revoked leaf works until the CRL is imported and enabled.
            _ = try await h.provider("revoked.pem", key: "revoked.key", anchor: anchorArn, profile: profileArn).credentials()
            let crl = try await c.importCrl(.init(crlData: Data(try TestPKI.shared.bytes("intermediate.crl.pem")), enabled: true, name: "crl", trustAnchorArn: anchorArn)).crl
            let revoked = await #expect(throws: RolesAnywhereError.self) { _ = try await h.provider("revoked.pem", key: "revoked.key", anchor: anchorArn, profile: profileArn).credentials() }
            #expect(revoked?.code == .untrustedCertificate)
            _ = try await h.provider("p256.pem", key: "p256.pkcs8.key", anchor: anchorArn, profile: profileArn).credentials()
            _ = try await c.disableCrl(.init(crlId: try #require(crl.crlId)))
            _ = try await h.provider("revoked.pem", key: "revoked.key", anchor: anchorArn, profile: profileArn).credentials()
            // Disabled profile, then disabled trust anchor.
            _ = try await c.disableProfile(.init(profileId: profileId))
            let off = await #expect(throws: RolesAnywhereError.self) { _ = try await h.provider("p256.pem", key: "p256.pkcs8.key", anchor: anchorArn, profile: profileArn).credentials() }
            #expect(off?.code == .profileDisabled)
            _ = try await c.enableProfile(.init(profileId: profileId))
            _ = try await c.disableTrustAnchor(.init(trustAnchorId: anchorId))
            let untrusted = await #expect(throws: RolesAnywhereError.self) { _ = try await h.provider("p256.pem", key: "p256.pkcs8.key", anchor: anchorArn, profile: profileArn).credentials() }
            #expect(untrusted?.code == .untrustedCertificate)
            _ = try await c.enableTrustAnchor(.init(trustAnchorId: anchorId))
            // The profile's durationSeconds bounds the session.
            let long = await #expect(throws: RolesAnywhereError.self) { _ = try await h.provider("p256.pem", key: "p256.pkcs8.key", anchor: anchorArn, profile: profileArn, duration: 7200).credentials() }
            #expect(long?.code == .validation)
            _ = try await c.updateProfile(.init(durationSeconds: 7200, profileId: profileId))
            _ = try await h.provider("p256.pem", key: "p256.pkcs8.key", anchor: anchorArn, profile: profileArn, duration: 7200).credentials()
            // Subjects: one per distinguished name, failures recorded.
            let subjects = try await c.listSubjectsItems().collect()
            #expect(subjects.count == 2)
            let revokedSubject = try #require(subjects.first { $0.x509Subject?.contains("revoked") == true })
            let revokedId = try #require(revokedSubject.subjectId)
            let detail = try #require(try await c.getSubject(.init(subjectId: revokedId)).subject)
            #expect(detail.credentials?.count == 1)
            #expect(detail.credentials?.first?.failed == false)  // the last call succeeded
            let p256 = try #require(subjects.first { $0.x509Subject?.contains("p256") == true })
            let p256Id = try #require(p256.subjectId)
            let p256Detail = try #require(try await c.getSubject(.init(subjectId: p256Id)).subject)
            #expect(p256Detail.lastSeenAt != nil)
        }
    }

    /// `requireInstanceProperties` on the profile: CreateSession without them is refused; the
    /// ones sent are recorded on the subject, with the outcome.
    @Test func instancePropertiesAreRequiredAndRecorded() async throws {
        try await withHarness { h in
            let anchor = try await h.client.createTrustAnchor(.init(enabled: true, name: "ip", source: try Self.bundleSource())).trustAnchor
            let anchorArn = try #require(anchor.trustAnchorArn)
            let profile = try #require(try await h.client.createProfile(.init(enabled: true, name: "ip", requireInstanceProperties: true, roleArns: [Self.role])).profile)
            let profileArn = try #require(profile.profileArn)
            let without = await #expect(throws: RolesAnywhereError.self) { _ = try await h.provider("p256.pem", key: "p256.pkcs8.key", anchor: anchorArn, profile: profileArn).credentials() }
            #expect(without?.code == .accessDenied && without?.message.contains("instance properties") == true)
            let properties = ["hostname": "build-7", "os": "linux"]
            _ = try await h.provider("p256.pem", key: "p256.pkcs8.key", anchor: anchorArn, profile: profileArn, instanceProperties: properties).credentials()
            let summary = try #require(try await h.client.listSubjectsItems().collect().first)
            let subjectId = try #require(summary.subjectId)
            let subject = try #require(try await h.client.getSubject(.init(subjectId: subjectId)).subject)
            #expect(subject.instanceProperties?.last?.properties == properties)
            #expect(subject.instanceProperties?.last?.failed == false)
            #expect(subject.credentials?.first?.failed == false)
        }
    }

    @Test func stateSurvivesARestart() async throws {
        let directory = NSTemporaryDirectory() + "rolekit-emulator-data-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var anchorArn = "", profileArn = ""
        try await withHarness(directory: directory) { h in
            let anchor = try await h.client.createTrustAnchor(.init(enabled: true, name: "kept", source: try Self.bundleSource())).trustAnchor
            anchorArn = try #require(anchor.trustAnchorArn)
            let profile = try #require(try await h.client.createProfile(.init(enabled: true, name: "kept", roleArns: [Self.role], tags: [.init(key: "k", value: "v")])).profile)
            profileArn = try #require(profile.profileArn)
        }
        let mode = try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        try await withHarness(directory: directory) { h in
            #expect(try await h.client.listTrustAnchorsItems().collect().map(\.trustAnchorArn) == [anchorArn])
            #expect(try await h.client.listTagsForResource(.init(resourceArn: profileArn)).tags == [.init(key: "k", value: "v")])
            _ = try await h.provider("p256.pem", key: "p256.pkcs8.key", anchor: anchorArn, profile: profileArn).credentials()
        }
    }

    @Test func emulatorSTSAnswersForVendedCredentials() async throws {
        try await withHarness { h in
            let anchor = try await h.client.createTrustAnchor(.init(enabled: true, name: "sts", source: try Self.bundleSource())).trustAnchor
            let profile = try #require(try await h.client.createProfile(.init(enabled: true, name: "sts", roleArns: [Self.role])).profile)
            let base = h.provider("p256.pem", key: "p256.pkcs8.key", anchor: try #require(anchor.trustAnchorArn), profile: try #require(profile.profileArn))
            let sts = STSClient(transport: h.transport, region: "us-east-1", endpoint: h.endpoint)
            let identity = try await sts.getCallerIdentity(credentials: try await base.credentials().signingCredentials)
            #expect(identity.arn.hasPrefix("arn:aws:sts::123456789012:assumed-role/control-plane-test/"))
            let chained = try base.assumingRole(.init(roleArn: "arn:aws:iam::123456789012:role/next", roleSessionName: "hop", endpoint: h.endpoint), transport: h.transport)
            let next = try await sts.getCallerIdentity(credentials: try await chained.credentials().signingCredentials)
            #expect(next.arn == "arn:aws:sts::123456789012:assumed-role/next/hop")
            // Credentials the emulator never issued are refused.
            let forged = await #expect(throws: STSError.self) {
                _ = try await sts.getCallerIdentity(credentials: .init(accessKeyId: "ASIAFORGED0000000000", secretAccessKey: "x", sessionToken: "y"))
            }
            #expect(forged != nil)
        }
    }

    /// boto3's own `rolesanywhere` client drives the emulator; every answer is checked against
    /// botocore's copy of the service model (scripts/reference/boto3_rolesanywhere.py).
    @Test func boto3DrivesTheEmulator() async throws {
        try await withHarness { h in
            let script = TestEnvironment.referenceScript("boto3_rolesanywhere.py")
            let result = try await Subprocess.runAsync(
                [TestEnvironment.python, script, h.endpoint.absoluteString, Self.admin.accessKeyId, Self.admin.secretAccessKey,
                 TestPKI.shared.path("ca-bundle.pem"), TestPKI.shared.path("intermediate.crl.der")],
                environment: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]
            )
            #expect(result.status == 0, "\(result.stdoutText)\(result.stderr)")
            let summary = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: [String]]
            #expect(summary?["problems"] == [])
            let calls = Set(summary?["calls"] ?? [])
            for operation in ["CreateTrustAnchor", "UpdateProfile", "ImportCrl", "TagResource", "UntagResource", "DeleteTrustAnchor", "EnableProfile", "DisableTrustAnchor"] {
                #expect(calls.contains(operation), "boto3 did not call \(operation)")
            }
            #expect(calls.contains("ListProfiles(paginator, 3 pages)"))
            #expect(calls.contains("tag_resource->TooManyTagsException"))
        }
    }
}
