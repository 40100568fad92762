import Foundation

/// The SoftHSM2 token scripts/test makes (scripts/make-test-token.sh) and exports as
/// `ROLEKIT_TEST_TOKEN_DIR` with `SOFTHSM2_CONF`; PKCS#11 tests are skipped, with the reason,
/// when there is none.
package enum TestToken {
    package static let module = "/usr/lib/softhsm/libsofthsm2.so"

    /// The token folder (certificates `<label>.pem`/`.der`, public keys `<label>.pub.pem`/`.der`, `ca.pem`).
    package static let directory: String? = {
        let environment = ProcessInfo.processInfo.environment
        guard let directory = environment["ROLEKIT_TEST_TOKEN_DIR"], FileManager.default.fileExists(atPath: directory + "/softhsm2.conf"),
            environment["SOFTHSM2_CONF"] == directory + "/softhsm2.conf", FileManager.default.fileExists(atPath: module)
        else { return nil }
        return directory
    }()

    package static var isAvailable: Bool { directory != nil }

    package static let skipReason = "no SoftHSM2 token: scripts/test makes one when softhsm2 and opensc are installed (ROLEKIT_TEST_TOKEN_DIR, SOFTHSM2_CONF)"
}
