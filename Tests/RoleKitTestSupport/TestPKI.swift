import Foundation

/// Keys, certificates and bad inputs made by `scripts/make-test-pki.sh` (openssl), once per
/// test process, in a temporary folder; or, when `scripts/test` made them before the tests
/// started, read from `ROLEKIT_TEST_PKI_DIR`. Making them takes a while, and a test waiting for
/// that holds one of the few cooperative threads every other test needs.
public final class TestPKI: Sendable {
    /// The passphrase of every encrypted fixture but the Unicode one.
    public static let passphrase = "test-passphrase"
    /// The passphrase of `p256.pbes2-unicode.key`.
    public static let unicodePassphrase = "pässwörd-✓"

    /// The fixtures, generated on first use. Generation failing is a test failure, never a skip.
    public static let shared: TestPKI = {
        do {
            return try TestPKI()
        } catch {
            fatalError("could not generate the test PKI with scripts/make-test-pki.sh: \(error)")
        }
    }()

    public let directory: URL
    /// Certificate file name → serial in decimal, as openssl and Python computed it.
    public let serials: [String: String]

    private init() throws {
        let base: URL
        if let made = ProcessInfo.processInfo.environment["ROLEKIT_TEST_PKI_DIR"], !made.isEmpty,
            FileManager.default.fileExists(atPath: made + "/serials.txt")
        {
            base = URL(fileURLWithPath: made)
        } else {
            base = FileManager.default.temporaryDirectory.appendingPathComponent("rolekit-pki-\(getpid())-\(UUID().uuidString.prefix(8))")
            let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/make-test-pki.sh").path
            let result = try Subprocess.run(["/bin/bash", script, base.path])
            guard result.status == 0 else {
                throw NSError(domain: "TestPKI", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr])
            }
        }
        directory = base
        var serials: [String: String] = [:]
        let text = try String(contentsOf: base.appendingPathComponent("serials.txt"), encoding: .utf8)
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { serials[String(parts[0])] = String(parts[1]) }
        }
        self.serials = serials
    }

    /// The absolute path of fixture `name`.
    public func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// The bytes of fixture `name`.
    public func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// Writes `bytes` to a new file in a scratch folder and returns its path.
    public func scratchFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let folder = directory.appendingPathComponent("scratch-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Writes `text` to a new scratch file and returns its path.
    public func scratchFile(_ name: String, text: String) throws -> String {
        try scratchFile(name, Array(text.utf8))
    }
}
