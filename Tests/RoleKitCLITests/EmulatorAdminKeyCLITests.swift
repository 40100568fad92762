import Foundation
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// The emulator's generated admin key lives in a private temporary folder that is removed on
/// SIGTERM, SIGINT and SIGHUP, and, for an emulator that crashed or was killed, at the next start.
@Suite("Emulator admin-key folder")
struct EmulatorAdminKeyCLITests {
    @Test(arguments: [SIGTERM, SIGINT, SIGHUP])
    func temporaryFolderIsRemovedOnSignalAndAbandonedOnesAtStart(_ signal: Int32) async throws {
        let temporary = NSTemporaryDirectory() + "rolekit-emulator-tmp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        // A folder left by an emulator that was killed: its process (pid 4194303, above Linux's
        // default pid_max) does not exist.
        let abandoned = temporary + "/rolekit-emulator-4194303-abandoned"
        try FileManager.default.createDirectory(atPath: abandoned, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: abandoned + "/admin-credentials", contents: Data("[rolekit-emulator]\n".utf8))
        // One of a live process (this test's) is kept.
        let live = temporary + "/rolekit-emulator-\(getpid())-live"
        try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: true)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.rolekitBinary)
        process.arguments = ["emulator", "--port", "0"]
        process.environment = ["PATH": "/usr/bin:/bin", "TMPDIR": temporary, "HOME": temporary]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let banner = await Subprocess.readUntil(output, marker: "admin secret")
        #expect(banner.contains("listening"), "\(banner)")
        #expect(!FileManager.default.fileExists(atPath: abandoned), "the abandoned folder is swept")
        #expect(FileManager.default.fileExists(atPath: live), "a live process's folder stays")
        let own = temporary + "/" + (try FileManager.default.contentsOfDirectory(atPath: temporary).first { $0.hasPrefix("rolekit-emulator-\(process.processIdentifier)-") } ?? "missing")
        #expect(FileManager.default.fileExists(atPath: own + "/admin-credentials"))
        kill(process.processIdentifier, signal)
        _ = await Subprocess.waitForExit(process)
        #expect(!FileManager.default.fileExists(atPath: own), "the emulator removed its admin-key folder on signal \(signal)")
    }
}
