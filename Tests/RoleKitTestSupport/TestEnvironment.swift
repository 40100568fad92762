import Foundation

/// Where the test material lives: the repository, the shared reference folder, the built
/// `rolekit` binary and the Python interpreter that has the reference tools.
public enum TestEnvironment {
    /// The repository root (found from this source file's location).
    public static let repositoryRoot: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// `../shared` next to the repository, or `ROLEKIT_SHARED_DIR`.
    public static var sharedDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["ROLEKIT_SHARED_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The AWS SigV4 test suite folder.
    public static var sigV4TestSuite: URL {
        sharedDirectory.appendingPathComponent("reference/sigv4-testsuite")
    }

    /// The Python with botocore (the venv `scripts/test` makes), or `ROLEKIT_PYTHON`, or `python3`.
    public static var python: String {
        if let override = ProcessInfo.processInfo.environment["ROLEKIT_PYTHON"], !override.isEmpty { return override }
        let venv = repositoryRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }

    /// The folder holding the test binary and the built products (`rolekit` among them).
    public static var productsDirectory: URL {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On Linux the test runner is `<products>/RoleKitPackageTests.xctest`.
        if url.pathExtension == "xctest" { url.deleteLastPathComponent() }
        return url
    }

    /// The built `rolekit` executable.
    public static var rolekitBinary: String {
        productsDirectory.appendingPathComponent("rolekit").path
    }

    /// A reference script under `scripts/reference`.
    public static func referenceScript(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("scripts/reference/\(name)").path
    }
}
