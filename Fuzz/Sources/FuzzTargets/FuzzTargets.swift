import Foundation
import RoleKitCredentials
import RoleKitEmulator
import RoleKitEndpoints
import RoleKitIdentity
import RoleKitServices
import RoleKitSigning
import RoleKitTransport

/// One function per fuzz target, each feeding the input to RoleKit's public API. Errors are
/// the expected outcome and are ignored; crashes, hangs and runaway memory are what libFuzzer
/// reports. No target does network I/O or starts a process.
///
/// `Tests/RoleKitCredentialsTests/FuzzRegressionTests.swift` replays the corpus and the saved
/// regressions through this same file (`Tests/RoleKitCredentialsTests/FuzzShared/` links it and
/// `Fixtures.swift` into the test target), so the two cannot drift apart.
public enum FuzzTargets {
    /// Every target, by the name scripts/fuzz and the corpus folders use.
    public static let all: [(name: String, run: @Sendable ([UInt8]) -> Void)] = [
        ("pem", pem), ("private-key", privateKey), ("certificate", certificate), ("pkcs12", pkcs12), ("ini", ini),
        ("sts-xml", stsXML), ("rolesanywhere-json", rolesAnywhereJSON), ("timestamps", timestamps), ("query", query),
        ("metadata", metadata), ("tpm-key", tpmKey),
    ]

    /// The passphrase of the encrypted seeds (keys and PKCS#12 files in Fuzz/Corpus).
    public static let passphrase = "fuzz"

    /// `PEMBlock.parse`: BEGIN/END pairing, RFC 1421 headers, base64.
    public static func pem(_ bytes: [UInt8]) {
        _ = try? PEMBlock.parse(bytes)
    }

    /// A private-key file next to a fixed certificate: PKCS#1, PKCS#8, SEC1 (PEM or DER),
    /// encrypted PKCS#8 (PBES2 with PBKDF2 or scrypt, else BoringSSL), traditional encrypted PEM.
    /// The key is decoded (and decrypted with ``passphrase``) before it is matched to the
    /// certificate, so the mismatch at the end costs nothing.
    public static func privateKey(_ bytes: [UInt8]) {
        guard let certificate = Fixtures.certificatePEM else { return }
        _ = try? SigningIdentity.load(certificateBytes: certificate, privateKeyBytes: bytes, passphrase: .value(Passphrase(passphrase)))
    }

    /// A `TSS2 PRIVATE KEY` (the input as PEM, or as the DER inside one) next to a fixed
    /// certificate: the loadable-key DER, emptyAuth, parent checks, the TPM2B_PUBLIC reader
    /// and the comparison with the certificate. The TCTI names a device that does not exist,
    /// so an input that got as far as the TPM ends there, without I/O.
    public static func tpmKey(_ bytes: [UInt8]) {
        guard let certificate = Fixtures.certificatePEM else { return }
        let pem = bytes.starts(with: Array("-----".utf8))
            ? bytes : Array(("-----BEGIN TSS2 PRIVATE KEY-----\n" + Data(bytes).base64EncodedString(options: .lineLength64Characters) + "\n-----END TSS2 PRIVATE KEY-----\n").utf8)
        _ = try? SigningIdentity.load(certificateBytes: certificate, privateKeyBytes: pem, tpm: .init(tcti: "device:/nonexistent/rolekit-fuzz-tpm", noPassword: true))
    }

    /// A certificate file (PEM, DER, combined certificate+key PEM, bundles with comments), then
    /// the same bytes as the intermediates file next to a fixed leaf.
    public static func certificate(_ bytes: [UInt8]) {
        if let identity = try? SigningIdentity.load(certificateBytes: bytes) {
            _ = try? identity.signer(region: "us-east-1")
        }
        if let leaf = Fixtures.certificatePEM {
            _ = try? SigningIdentity.load(certificateBytes: leaf, intermediatesBytes: bytes)
        }
    }

    /// A PKCS#12 bundle as the certificate file (no password first, then ``passphrase``).
    public static func pkcs12(_ bytes: [UInt8]) {
        if let identity = try? SigningIdentity.load(certificateBytes: bytes, passphrase: .value(Passphrase(passphrase))) {
            _ = identity.serialNumber
        }
    }

    /// `~/.aws/config`, a form feed, then `~/.aws/credentials` (no form feed: config only): INI parsing,
    /// the merged profiles, and resolving each profile to a provider. Providers are only built,
    /// never asked for credentials, so no `credential_process` runs and nothing is fetched.
    public static func ini(_ bytes: [UInt8]) {
        let (configBytes, credentialsBytes) = splitAtFormFeed(bytes)
        _ = try? INIFile.parse(String(decoding: configBytes, as: UTF8.self), path: "config")
        _ = try? INIFile.parse(String(decoding: credentialsBytes, as: UTF8.self), path: "credentials")
        guard let files = Fixtures.iniFiles, let transport = Fixtures.transport,
            files.write(config: configBytes, credentials: credentialsBytes)
        else { return }
        let environment = Fixtures.environment
        guard let shared = try? SharedConfiguration.load(configPath: files.config, credentialsPath: files.credentials, environment: AWSEnvironment(environment)) else { return }
        let resolver = ProfileCredentialResolver(configuration: shared, transport: transport, cache: nil, environment: AWSEnvironment(environment))
        for name in shared.profiles.keys.sorted().prefix(64) {
            _ = try? resolver.resolve(profile: name)
            if let command = shared.profiles[name]?["credential_process"] { _ = ShellWords.split(command) }
        }
    }

    /// An STS query-protocol answer: `XMLNode.parse`, the error reader, and the elements
    /// `STSClient` reads from each answer (its readers are internal).
    public static func stsXML(_ bytes: [UInt8]) {
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

    /// Roles Anywhere JSON: the `CreateSession` answer, the rest-json error reader, and every
    /// control-plane response and request shape, each decoded, checked against the model's
    /// constraints (as the emulator checks requests) and encoded again (as `--output json`
    /// prints answers and the emulator stores them).
    public static func rolesAnywhereJSON(_ bytes: [UInt8]) {
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

    /// Timestamps: `ISO8601Timestamp.parse` (and formatting what it returns), `HTTPDate.parse`
    /// (the transport's clock-skew correction, then signing at the server's time), `AmzDate`.
    public static func timestamps(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let date = ISO8601Timestamp.parse(text) { _ = ISO8601Timestamp.format(date) }
        if let serverDate = HTTPDate.parse(text) { _ = AmzDate(serverDate).timestamp }
        if let stamp = AmzDate(timestamp: text) { _ = stamp.date }
    }

    /// A query string or form body: percent-decoding, SigV4 query canonicalization, the
    /// emulator's STS (form body and GET query; parsed before authentication) and a signed
    /// control-plane `ListProfiles` (the control plane reads the query after the signature).
    public static func query(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = URIEncoding.decode(text)
        _ = CanonicalRequest.canonicalQuery(text)
        guard let emulator = Fixtures.emulator else { return }
        let host = SigningRequest.Header("Host", "127.0.0.1")
        let form = SigningRequest(method: "POST", path: "/", headers: [host, .init("Content-Type", "application/x-www-form-urlencoded")], body: bytes)
        if STSEmulator.isSTSRequest(form) { _ = emulator.sts.handle(form) }
        _ = emulator.sts.handle(SigningRequest(method: "GET", path: "/", query: text, headers: [host]))
        let list = emulator.adminSigner.sign(SigningRequest(method: "GET", path: "/profiles", query: text, headers: [host]), at: Date())
        _ = emulator.controlPlane.handle(list)
    }

    /// Instance-metadata and container credentials: the JSON credentials reader
    /// (`Credentials(credentialProcessJSON:)`; the metadata reader itself is internal), the
    /// providers' configuration from the environment (the input as each variable; built, never
    /// fetched), and `rolekit serve`'s answers to a request written as lines: method, URI, then
    /// `Name: value` headers.
    public static func metadata(_ bytes: [UInt8]) {
        if let credentials = try? Credentials(credentialProcessJSON: bytes) {
            _ = credentials.description
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if let transport = Fixtures.transport {
            for name in ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
                _ = try? ContainerCredentialProvider(transport: transport, environment: AWSEnvironment([name: text]))
            }
            for name in ["AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_METADATA_SERVICE_TIMEOUT", "AWS_METADATA_SERVICE_NUM_ATTEMPTS"] {
                _ = InstanceMetadataCredentialProvider(transport: transport, environment: AWSEnvironment([name: text]))
            }
        }
        let request = metadataRequest(text)
        for server in Fixtures.endpointServers {
            _ = server.answer(method: request.method, uri: request.uri, headers: request.headers)
        }
    }

    // MARK: - Input formats

    /// The bytes before the first form feed (0x0C) and after it (empty when there is none).
    /// A text separator: seed files stay text to git and to grep.
    public static func splitAtFormFeed(_ bytes: [UInt8]) -> ([UInt8], [UInt8]) {
        guard let separator = bytes.firstIndex(of: 0x0C) else { return (bytes, []) }
        return (Array(bytes[..<separator]), Array(bytes[(separator + 1)...]))
    }

    /// Line 1 the method, line 2 the URI, then `Name: value` headers.
    public static func metadataRequest(_ text: String) -> (method: String, uri: String, headers: [(String, String)]) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        let method = lines.isEmpty ? "" : lines.removeFirst()
        let uri = lines.isEmpty ? "" : lines.removeFirst()
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
        return (method, uri, headers)
    }
}
