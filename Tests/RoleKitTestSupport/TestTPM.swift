import Foundation

/// The software TPM scripts/test starts (scripts/make-test-tpm.sh: swtpm on loopback, its keys
/// and certificates) and exports as `ROLEKIT_TEST_TPM_DIR`; TPM tests are skipped, with the
/// reason, when there is none.
package enum TestTPM {
    /// The TPM folder: `tcti`, `ca.pem`, and per key `<name>.pem` (certificate) and
    /// `<name>.pub.pem` (public key as the TPM stack exported it): handle, p256, p384, rsa.
    package static let directory: String? = {
        guard let directory = ProcessInfo.processInfo.environment["ROLEKIT_TEST_TPM_DIR"],
            FileManager.default.fileExists(atPath: directory + "/tcti"), FileManager.default.fileExists(atPath: directory + "/p256.key.pem")
        else { return nil }
        return directory
    }()

    /// The swtpm's TCTI configuration (`swtpm:host=127.0.0.1,port=N`).
    package static let tcti: String? = directory.flatMap { try? String(contentsOfFile: $0 + "/tcti", encoding: .utf8) }?.trimmingCharacters(in: .whitespacesAndNewlines)

    package static var isAvailable: Bool { directory != nil && tcti != nil }

    /// The P-384 key file's password.
    package static let password = "tpm-pass-EXAMPLE"

    package static let skipReason = "no software TPM: scripts/test starts one when swtpm, tpm2-tools and tpm2-openssl are installed (ROLEKIT_TEST_TPM_DIR)"

    /// Runs `body` while no other test of this process uses the TPM. swtpm has no resource
    /// manager and room for three loaded objects, and its TCTI connects per command, so two
    /// clients loading keys at the same moment can fill it (TPM_RC_OBJECT_MEMORY); the suites
    /// of both test targets (in-process keys, rolekit subprocesses) take turns through this.
    package static func exclusive<T>(_ body: () async throws -> T) async rethrows -> T {
        await gate.acquire()
        do {
            let value = try await body()
            await gate.release()
            return value
        } catch {
            await gate.release()
            throw error
        }
    }

    private static let gate = Gate()

    private actor Gate {
        private var busy = false
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func acquire() async {
            if !busy {
                busy = true
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func release() {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
    }
}

