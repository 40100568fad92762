import Foundation
import RoleKitEmulator
import RoleKitTesting

/// What the PKCS#11 and TPM suites share: an emulator that trusts a fixture's own CA, and
/// openssl as the independent verifier of a signature.
package enum HardwareKeyFixtures {
    /// Runs `body` with the URL of an in-process emulator whose trust anchor `id` is the CA
    /// bundle at `caPath` and whose profile `id` allows `role`; stopped however `body` ends.
    package static func withEmulator(
        trusting caPath: String, id: String, role: String, sessionLifetimeSeconds: Int? = nil,
        _ body: (_ endpoint: String, _ emulator: RolesAnywhereEmulator) async throws -> Void
    ) async throws {
        let configuration = EmulatorConfiguration(
            trustAnchors: [.init(id: id, name: id, certificateBundle: caPath)],
            profiles: [.init(id: id, name: id, roleArns: [role])],
            sessionLifetimeSeconds: sessionLifetimeSeconds
        )
        let emulator = try RolesAnywhereEmulator(configuration: configuration)
        let server = EmulatorServer(rolesAnywhere: emulator)
        let port = try await server.start()
        try await withTeardown({ try await body("http://127.0.0.1:\(port)", emulator) }, teardown: { await server.stop() })
    }

    /// `openssl dgst -DIGEST -verify PUBLIC_KEY_PEM` of `signature` over `message`.
    package static func opensslVerifies(_ signature: [UInt8], _ message: [UInt8], publicKey: String, digest: String = "sha256") async throws -> Bool {
        let work = NSTemporaryDirectory() + "rolekit-verify-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try Data(signature).write(to: URL(fileURLWithPath: work + "/sig"))
        try Data(message).write(to: URL(fileURLWithPath: work + "/msg"))
        let result = try await Subprocess.runAsync(["openssl", "dgst", "-\(digest)", "-verify", publicKey, "-signature", work + "/sig", work + "/msg"])
        return result.status == 0 && result.stdoutText.contains("Verified OK")
    }
}
