import Foundation
import RoleKitCredentials
import RoleKitEmulator
import RoleKitEndpoints
import RoleKitSigning
import RoleKitTransport

/// What the targets share, each made on first use, once per process: nothing here listens on
/// a socket, connects anywhere or starts a process.
enum Fixtures {
    /// A throwaway P-256 leaf certificate (PEM), for loading a fuzzed key or chain next to it.
    static let certificatePEM: [UInt8]? = {
        guard let pki = try? ThrowawayPKI.make(leafKeyType: .p256, commonName: "rolekit-fuzz") else { return nil }
        defer { pki.remove() }
        return FileManager.default.contents(atPath: pki.leafCertificatePath).map { Array($0) }
    }()

    /// Needed to build providers; no provider made with it is ever asked for credentials.
    static let transport: HTTPTransport? = try? HTTPTransport()

    /// Fixed paths the `ini` target rewrites each run (the shared-file loader reads files only).
    static let iniFiles = INIFiles()

    /// Removes what the targets wrote (the `ini` files' folder).
    static func cleanUp() {
        if let files = iniFiles { try? FileManager.default.removeItem(atPath: NSStringPathParent.of(files.config)) }
    }

    /// The emulator's STS and control plane, in memory, with one generated admin key.
    static let emulator = EmulatorParts()

    /// The environment the `ini` target resolves profiles in (never the process's).
    static let environment: [String: String] = [
        "HOME": NSTemporaryDirectory(),
        "AWS_ACCESS_KEY_ID": "FUZZEXAMPLEACCESSKEY",
        "AWS_SECRET_ACCESS_KEY": "fuzz-example-secret",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/fuzz",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "fuzz-token-0123456789",
    ]

    /// The token the container-mode endpoint expects.
    static let containerToken = "fuzz-token-0123456789"  // serve wants at least 16 characters

    /// `rolekit serve`'s request handling, in IMDSv2 and container mode, with fixed credentials
    /// (the servers are never started, so they listen nowhere).
    static let endpointServers: [CredentialEndpointServer] = {
        let credentials = Credentials(
            accessKeyId: "FUZZEXAMPLEACCESSKEY", secretAccessKey: "fuzz-example-secret", sessionToken: "fuzz-session-token",
            expiration: Date().addingTimeInterval(10 * 365 * 86_400)
        )
        let served = ServedCredentials(provider: StaticCredentialProvider(credentials))
        // The first fetch is async; libFuzzer calls targets on the main thread, so wait here, once.
        let done = DispatchSemaphore(value: 0)
        Task {
            try? await served.start()
            done.signal()
        }
        done.wait()
        return [
            CredentialEndpointServer(configuration: .init(port: 0, hopLimit: nil, mode: .instanceMetadata(roleName: "fuzz-role"), maximumTokens: 16), credentials: served),
            CredentialEndpointServer(configuration: .init(port: 0, hopLimit: nil, mode: .container(token: { Fixtures.containerToken })), credentials: served),
        ]
    }()
}

/// Two files in a private temporary folder of this process, rewritten for each input.
struct INIFiles: Sendable {
    let config: String
    let credentials: String

    init?() {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rolekit-fuzz-ini-\(getpid())").path
        guard (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil else { return nil }
        config = directory + "/config"
        credentials = directory + "/credentials"
    }

    func write(config configBytes: [UInt8], credentials credentialsBytes: [UInt8]) -> Bool {
        FileManager.default.createFile(atPath: config, contents: Data(configBytes))
            && FileManager.default.createFile(atPath: credentials, contents: Data(credentialsBytes))
    }
}

/// The emulator's query-protocol STS and its control plane, with a signer its admin key accepts.
struct EmulatorParts: Sendable {
    let sts: STSEmulator
    let controlPlane: ControlPlaneEmulator
    let adminSigner: SigV4Signer

    init?() {
        let admin = EmulatorConfiguration.AdminKey.generate()
        let configuration = EmulatorConfiguration(adminKeys: [admin])
        guard let rolesAnywhere = try? RolesAnywhereEmulator(configuration: configuration) else { return nil }
        sts = STSEmulator(rolesAnywhere: rolesAnywhere)
        controlPlane = rolesAnywhere.controlPlane
        adminSigner = SigV4Signer(
            credentials: SigningCredentials(accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey),
            region: configuration.region, service: "rolesanywhere"
        )
    }
}

/// The folder of a path.
enum NSStringPathParent {
    static func of(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}
