import Foundation
import RoleKitTestSupport
import Testing

/// `Package.swift` promises macOS too, and this machine cannot build for it; so the sources are
/// checked for what would not compile there: C library modules named outright (`Glibc.signal`)
/// and platform modules imported outside `#if canImport(...)`.
@Suite("Portability of the sources")
struct PortabilityTests {
    static let platformModules = ["Glibc", "Musl", "Darwin", "Android", "WinSDK", "ucrt"]

    /// Every Swift file of the package, the example, the fuzz targets and the benchmarks.
    static func swiftFiles() throws -> [URL] {
        let root = TestEnvironment.repositoryRoot
        var files: [URL] = []
        for folder in ["Sources", "Tests", "Examples", "Fuzz/Sources", "Benchmarks"] {
            guard let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in enumerator {
                if url.pathComponents.contains(where: { $0.hasPrefix(".build") }) { continue }
                if url.pathExtension == "swift" { files.append(url) }
            }
        }
        return files
    }

    /// The problems of one file's text: qualified platform names, unguarded platform imports.
    static func problems(in text: String) -> [String] {
        var problems: [String] = []
        var conditions: [String] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            // String literals and comments name no module the compiler sees.
            let line = rawLine.replacingOccurrences(of: #""([^"\\]|\\.)*""#, with: "\"\"", options: .regularExpression)
                .trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("//") { continue }
            if line.hasPrefix("#if ") { conditions.append(String(line.dropFirst(4))) }
            else if line.hasPrefix("#elseif ") { if !conditions.isEmpty { conditions[conditions.count - 1] = String(line.dropFirst(8)) } }
            else if line.hasPrefix("#else") { if !conditions.isEmpty { conditions[conditions.count - 1] = "!" + conditions[conditions.count - 1] } }
            else if line.hasPrefix("#endif") { _ = conditions.popLast() }
            for module in platformModules {
                if line.range(of: "\\b\(module)\\.[A-Za-z_]", options: .regularExpression) != nil {
                    problems.append("line \(number + 1): \(module)-qualified name (\(line))")
                }
                if line == "import \(module)" || line.hasSuffix(" import \(module)") {
                    let guarded = conditions.last.map { $0.contains("canImport(\(module))") || $0.contains("os(") } ?? false
                    if !guarded { problems.append("line \(number + 1): import \(module) outside #if canImport(\(module))") }
                }
            }
        }
        return problems
    }

    @Test func theCheckFindsWhatItLooksFor() {
        #expect(Self.problems(in: "import Glibc\nlet x = 1").count == 1)
        #expect(Self.problems(in: "#if canImport(Glibc)\nimport Glibc\n#endif\nGlibc.signal(2, SIG_DFL)").count == 1)
        #expect(Self.problems(in: "#if canImport(Glibc)\nimport Glibc\n#elseif canImport(Darwin)\nimport Darwin\n#endif").isEmpty)
        #expect(Self.problems(in: "// Glibc.signal in a comment").isEmpty)
        #expect(Self.problems(in: "let text = \"Glibc.signal in a string\"").isEmpty)
    }

    @Test func noPlatformNamesOutsideGuards() throws {
        let files = try Self.swiftFiles()
        #expect(files.count > 100, "found only \(files.count) Swift files under \(TestEnvironment.repositoryRoot.path)")
        var found: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            found += Self.problems(in: text).map { "\(file.path.replacingOccurrences(of: TestEnvironment.repositoryRoot.path + "/", with: "")) \($0)" }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }
}
