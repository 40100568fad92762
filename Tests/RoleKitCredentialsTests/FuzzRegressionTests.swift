import Foundation
import RoleKitCredentials
import RoleKitEmulator
import RoleKitEndpoints
import RoleKitIdentity
import RoleKitServices
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
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

/// The fuzz targets' own dispatch (`FuzzShared/` links `Fuzz/Sources/FuzzTargets` here).
enum FuzzReplay {
    static func run(_ target: String, _ bytes: [UInt8]) {
        guard let entry = FuzzTargets.all.first(where: { $0.name == target }) else {
            Issue.record("unknown fuzz target \(target)")
            return
        }
        entry.run(bytes)
    }

    /// Builds what the targets share before the first input (the served credentials' first fetch).
    /// On a thread of its own: `Fixtures` waits for that fetch with a semaphore.
    static func prepare() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                _ = Fixtures.endpointServers
                continuation.resume()
            }.start()
        }
    }

    static func cleanUp() {
        Fixtures.cleanUp()
    }
}
