import Foundation
import RoleKitCredentials
import RoleKitEmulator
import RoleKitEndpoints
import RoleKitIdentity
import RoleKitServices
import RoleKitSigning
import RoleKitTesting
import RoleKitTransport
import Testing

/// Replays every saved fuzz finding (`Tests/Fixtures/fuzz-regressions/TARGET/`, written by
/// `scripts/fuzz`) and every seed (`Fuzz/Corpus/TARGET/`) through the same public API as the
/// libFuzzer target of that name (`Fuzz/Sources/FuzzTargets/FuzzTargets.swift`; the dispatch in
/// ``FuzzReplay`` is a copy of it). Each input must return or throw; nothing else is checked.
///
/// Each target replays in an exit test (a child process), so an input that still crashes fails
/// its target's test, naming the file, instead of ending the whole test run.
@Suite("Fuzz regressions and corpus replay")
struct FuzzRegressionTests {
    static let targets = ["pem", "private-key", "certificate", "pkcs12", "ini", "sts-xml", "rolesanywhere-json", "timestamps", "query", "metadata"]

    static func files(in folder: String) -> [String] {
        let directory = TestEnvironment.repositoryRoot.appendingPathComponent(folder).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory + "/" + $0 }
    }

    @Test("Every regression input and seed returns or throws", arguments: targets)
    func replay(_ target: String) async {
        let regressions = Self.files(in: "Tests/Fixtures/fuzz-regressions/\(target)")
        let corpus = Self.files(in: "Fuzz/Corpus/\(target)")
        #expect(!corpus.isEmpty, "Fuzz/Corpus/\(target) has no seeds")
        // The seeds in one child process; each regression input in its own, so every one of
        // them gets a verdict even while some still crash.
        var replayed = 0
        var failed: [String] = []
        for batch in [corpus] + regressions.map({ [$0] }) where !batch.isEmpty {
            let outcome = await Self.replayInChildProcess(target, batch)
            replayed += outcome.finished
            if let crashed = outcome.crashed { failed.append(crashed) }
        }
        print("fuzz replay: \(target): \(replayed) of \(regressions.count + corpus.count) inputs returned or threw (\(regressions.count) regressions, \(corpus.count) corpus seeds)\(failed.isEmpty ? "" : "; crashed: " + failed.joined(separator: ", "))")
    }

    /// Runs `paths` through the target in an exit test. `crashed` names the input the child died
    /// on; `finished` counts the inputs that returned or threw.
    static func replayInChildProcess(_ target: String, _ paths: [String]) async -> (finished: Int, crashed: String?) {
        // The child names each input here before running it, so a crash can be pinned to a file.
        let progress = FileManager.default.temporaryDirectory.appendingPathComponent("rolekit-fuzz-replay-\(UUID().uuidString).progress").path
        _ = FileManager.default.createFile(atPath: progress, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: progress) }
        let result = await #expect(processExitsWith: .success, "replaying \(target)") { [target = target as String, paths = paths as [String], progress = progress as String] in
            let log = FileHandle(forWritingAtPath: progress)
            await FuzzReplay.prepare()
            for path in paths {
                log?.write(Data((path + "\n").utf8))
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                FuzzReplay.run(target, Array(data))
            }
            FuzzReplay.cleanUp()
        }
        guard result == nil else { return (paths.count, nil) }
        let started = (FileManager.default.contents(atPath: progress).map { String(decoding: $0, as: UTF8.self) } ?? "").split(separator: "\n")
        let last = started.last.map(String.init) ?? "(before the first input)"
        let root = TestEnvironment.repositoryRoot.path + "/"
        let shown = last.hasPrefix(root) ? String(last.dropFirst(root.count)) : last
        Issue.record("fuzz target \(target) crashed on \(shown)")
        return (max(0, started.count - 1), shown)
    }
}

/// The dispatch of `Fuzz/Sources/FuzzTargets`, repeated here (the test target cannot depend on
/// the Fuzz package). Keep the two in step.
enum FuzzReplay {
    static let passphrase = "fuzz"

    static func run(_ target: String, _ bytes: [UInt8]) {
        switch target {
        case "pem": pem(bytes)
        case "private-key": privateKey(bytes)
        case "certificate": certificate(bytes)
        case "pkcs12": pkcs12(bytes)
        case "ini": ini(bytes)
        case "sts-xml": stsXML(bytes)
        case "rolesanywhere-json": rolesAnywhereJSON(bytes)
        case "timestamps": timestamps(bytes)
        case "query": query(bytes)
        case "metadata": metadata(bytes)
        default: Issue.record("unknown fuzz target \(target)")
        }
    }

    static func pem(_ bytes: [UInt8]) {
        _ = try? PEMBlock.parse(bytes)
    }

    static func privateKey(_ bytes: [UInt8]) {
        guard let certificate = Shared.certificatePEM else { return }
        _ = try? SigningIdentity.load(certificateBytes: certificate, privateKeyBytes: bytes, passphrase: .value(Passphrase(passphrase)))
    }

    static func certificate(_ bytes: [UInt8]) {
        if let identity = try? SigningIdentity.load(certificateBytes: bytes) {
            _ = try? identity.signer(region: "us-east-1")
        }
        if let leaf = Shared.certificatePEM {
            _ = try? SigningIdentity.load(certificateBytes: leaf, intermediatesBytes: bytes)
        }
    }

    static func pkcs12(_ bytes: [UInt8]) {
        if let identity = try? SigningIdentity.load(certificateBytes: bytes, passphrase: .value(Passphrase(passphrase))) {
            _ = identity.serialNumber
        }
    }

    static func ini(_ bytes: [UInt8]) {
        let nul = bytes.firstIndex(of: 0)
        let configBytes = nul.map { Array(bytes[..<$0]) } ?? bytes
        let credentialsBytes = nul.map { Array(bytes[($0 + 1)...]) } ?? []
        _ = try? INIFile.parse(String(decoding: configBytes, as: UTF8.self), path: "config")
        _ = try? INIFile.parse(String(decoding: credentialsBytes, as: UTF8.self), path: "credentials")
        guard let transport = Shared.transport,
            FileManager.default.createFile(atPath: Shared.iniDirectory + "/config", contents: Data(configBytes)),
            FileManager.default.createFile(atPath: Shared.iniDirectory + "/credentials", contents: Data(credentialsBytes))
        else { return }
        let environment = Shared.environment
        guard let shared = try? SharedConfiguration.load(configPath: Shared.iniDirectory + "/config", credentialsPath: Shared.iniDirectory + "/credentials", environment: { environment[$0] }) else { return }
        let resolver = ProfileCredentialResolver(configuration: shared, transport: transport, cache: nil, environment: { environment[$0] })
        for name in shared.profiles.keys.sorted().prefix(64) {
            _ = try? resolver.resolve(profile: name)
            if let command = shared.profiles[name]?["credential_process"] { _ = ShellWords.split(command) }
        }
    }

    static func stsXML(_ bytes: [UInt8]) {
        _ = QueryXMLError.parse(HTTPResponse(status: 403, headers: [("Content-Type", "text/xml")], body: bytes))
        guard let root = XMLNode.parse(bytes) else { return }
        for name in ["AssumeRoleResult", "AssumeRoleWithWebIdentityResult", "GetSessionTokenResult"] {
            guard let result = root[name] else { continue }
            if let expiration = result["Credentials"]?.value("Expiration") { _ = ISO8601Timestamp.parse(expiration) }
            _ = result.value("PackedPolicySize").flatMap { Int($0) }
            _ = result["AssumedRoleUser"]?.value("Arn")
        }
        _ = root["GetCallerIdentityResult"]?.value("Arn")
        _ = root["ResponseMetadata"]?.value("RequestId")
    }

    static func rolesAnywhereJSON(_ bytes: [UInt8]) {
        let data = Data(bytes)
        _ = RestJSONError.parse(HTTPResponse(status: 400, headers: [], body: bytes))
        if let output = try? JSONDecoder().decode(CreateSessionOutput.self, from: data) {
            for set in output.credentialSet {
                if let credentials = set.credentials { _ = ISO8601Timestamp.parse(credentials.expiration) }
            }
            _ = try? JSONEncoder().encode(output)
        }
        for shape in controlPlaneShapes { roundTrip(shape, data) }
    }

    static let controlPlaneShapes: [any RolesAnywhereShape.Type] = [
        RolesAnywhere.CrlDetailResponse.self, RolesAnywhere.ListCrlsResponse.self, RolesAnywhere.ListProfilesResponse.self,
        RolesAnywhere.ListSubjectsResponse.self, RolesAnywhere.ListTagsForResourceResponse.self, RolesAnywhere.ListTrustAnchorsResponse.self,
        RolesAnywhere.ProfileDetailResponse.self, RolesAnywhere.SubjectDetailResponse.self, RolesAnywhere.TrustAnchorDetailResponse.self,
        RolesAnywhere.PutAttributeMappingResponse.self, RolesAnywhere.DeleteAttributeMappingResponse.self,
        RolesAnywhere.PutNotificationSettingsResponse.self, RolesAnywhere.ResetNotificationSettingsResponse.self,
        RolesAnywhere.TagResourceResponse.self, RolesAnywhere.UntagResourceResponse.self,
        RolesAnywhere.CreateProfileRequest.self, RolesAnywhere.CreateTrustAnchorRequest.self, RolesAnywhere.ImportCrlRequest.self,
        RolesAnywhere.UpdateProfileRequest.self, RolesAnywhere.UpdateTrustAnchorRequest.self, RolesAnywhere.UpdateCrlRequest.self,
        RolesAnywhere.PutAttributeMappingRequest.self, RolesAnywhere.DeleteAttributeMappingRequest.self,
        RolesAnywhere.PutNotificationSettingsRequest.self, RolesAnywhere.ResetNotificationSettingsRequest.self,
        RolesAnywhere.TagResourceRequest.self, RolesAnywhere.UntagResourceRequest.self, RolesAnywhere.ListRequest.self,
        RolesAnywhere.ListTagsForResourceRequest.self,
    ]

    private static func roundTrip<Shape: RolesAnywhereShape>(_ type: Shape.Type, _ data: Data) {
        guard let value = try? JSONDecoder().decode(type, from: data) else { return }
        _ = try? value.validate("fuzz")
        _ = try? JSONEncoder().encode(value)
    }

    static func timestamps(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let date = ISO8601Timestamp.parse(text) { _ = ISO8601Timestamp.format(date) }
        if let serverDate = HTTPDate.parse(text) { _ = AmzDate(serverDate).timestamp }
        if let stamp = AmzDate(timestamp: text) { _ = stamp.date }
    }

    static func query(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = URIEncoding.decode(text)
        _ = CanonicalRequest.canonicalQuery(text)
        guard let emulator = Shared.emulator else { return }
        let host = SigningRequest.Header("Host", "127.0.0.1")
        let form = SigningRequest(method: "POST", path: "/", headers: [host, .init("Content-Type", "application/x-www-form-urlencoded")], body: bytes)
        if STSEmulator.isSTSRequest(form) { _ = emulator.sts.handle(form) }
        _ = emulator.sts.handle(SigningRequest(method: "GET", path: "/", query: text, headers: [host]))
        let list = emulator.signer.sign(SigningRequest(method: "GET", path: "/profiles", query: text, headers: [host]), at: Date())
        _ = emulator.controlPlane.handle(list)
    }

    static func metadata(_ bytes: [UInt8]) {
        if let credentials = try? Credentials(credentialProcessJSON: bytes) {
            _ = credentials.description
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if let transport = Shared.transport {
            for name in ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
                _ = try? ContainerCredentialProvider(transport: transport, environment: { $0 == name ? text : nil })
            }
            for name in ["AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_METADATA_SERVICE_TIMEOUT", "AWS_METADATA_SERVICE_NUM_ATTEMPTS"] {
                _ = InstanceMetadataCredentialProvider(transport: transport, environment: { $0 == name ? text : nil })
            }
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        let method = lines.isEmpty ? "" : lines.removeFirst()
        let uri = lines.isEmpty ? "" : lines.removeFirst()
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
        for server in Shared.endpointServers {
            _ = server.answer(method: method, uri: uri, headers: headers)
        }
    }

    /// The first fetch of the served credentials (the fuzz target waits for it at start-up).
    static func prepare() async {
        try? await Shared.served.start()
    }

    static func cleanUp() {
        try? FileManager.default.removeItem(atPath: Shared.iniDirectory)
    }

    /// What the fuzz targets' `Fixtures` make once per process.
    enum Shared {
        static let certificatePEM: [UInt8]? = {
            guard let pki = try? ThrowawayPKI.make(leafKeyType: .p256, commonName: "rolekit-fuzz") else { return nil }
            defer { pki.remove() }
            return FileManager.default.contents(atPath: pki.leafCertificatePath).map { Array($0) }
        }()

        static let transport: HTTPTransport? = try? HTTPTransport()

        static let iniDirectory: String = {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rolekit-fuzz-replay-\(UUID().uuidString)").path
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return directory
        }()

        static let environment: [String: String] = [
            "HOME": NSTemporaryDirectory(),
            "AWS_ACCESS_KEY_ID": "FUZZEXAMPLEACCESSKEY",
            "AWS_SECRET_ACCESS_KEY": "fuzz-example-secret",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/fuzz",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "fuzz-token",
        ]

        struct Emulator: Sendable {
            var sts: STSEmulator
            var controlPlane: ControlPlaneEmulator
            var signer: SigV4Signer
        }

        static let emulator: Emulator? = {
            let admin = EmulatorConfiguration.AdminKey.generate()
            let configuration = EmulatorConfiguration(adminKeys: [admin])
            guard let rolesAnywhere = try? RolesAnywhereEmulator(configuration: configuration) else { return nil }
            let signer = SigV4Signer(
                credentials: SigningCredentials(accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey),
                region: configuration.region, service: "rolesanywhere"
            )
            return Emulator(sts: STSEmulator(rolesAnywhere: rolesAnywhere), controlPlane: rolesAnywhere.controlPlane, signer: signer)
        }()

        /// The credentials `rolekit serve` hands out; started by ``FuzzReplay/prepare()``.
        static let served = ServedCredentials(provider: StaticCredentialProvider(Credentials(
            accessKeyId: "FUZZEXAMPLEACCESSKEY", secretAccessKey: "fuzz-example-secret", sessionToken: "fuzz-session-token",
            expiration: Date().addingTimeInterval(10 * 365 * 86_400)
        )))

        static let endpointServers: [CredentialEndpointServer] = [
            CredentialEndpointServer(configuration: .init(port: 0, hopLimit: nil, mode: .instanceMetadata(roleName: "fuzz-role"), maximumTokens: 16), credentials: served),
            CredentialEndpointServer(configuration: .init(port: 0, hopLimit: nil, mode: .container(token: { "fuzz-token" })), credentials: served),
        ]
    }
}
