import Foundation
@testable import RoleKitSupport
import RoleKitTestSupport
import Testing

/// The one JSON writer against Python's `json.dumps`, which is what botocore hashes and what the
/// AWS CLI prints: the expected text comes from Python, never from the writer.
@Suite("JSON writer")
struct JSONWriterTests {
    /// Strings that exercise every escape: quotes, backslash, controls, DEL, non-ASCII, astral.
    static let strings = ["plain", "quote \" and \\ backslash", "tab\tnew\nline\r", "\u{01}\u{08}\u{0C}\u{1F}\u{7F}", "/slash/", "caf\u{E9} \u{2603}", "\u{1F600} astral", ""]

    static var value: JSONValue {
        .object([
            .init("b", .array(strings.map(JSONValue.string))),
            .init("a", .object(["n": .int(-42), "t": .bool(true), "f": .bool(false), "z": .null, "d": .double(1.5)])),
            .init("empty", .object([])),
            .init("list", .array([])),
        ])
    }

    /// Python's rendering of the same value, given as JSON through stdin.
    static func python(_ dumpsArguments: String) async throws -> String {
        let script = "import json,sys; v=json.load(sys.stdin); sys.stdout.write(json.dumps(v, \(dumpsArguments)))"
        let input = JSONWriter.compact.render(value)
        let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", script], stdin: Array(input.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdoutText
    }

    @Test func pythonLayoutMatchesJSONDumpsSortKeys() async throws {
        #expect(JSONWriter.python.render(Self.value.sortingKeys) == (try await Self.python("sort_keys=True")))
    }

    @Test func compactLayoutMatchesPythonCompactSeparators() async throws {
        #expect(JSONWriter.compact.render(Self.value) == (try await Self.python("separators=(',', ':'), ensure_ascii=False")))
    }

    @Test func prettyLayoutMatchesPythonIndent() async throws {
        #expect(JSONWriter.pretty().render(Self.value) == (try await Self.python("indent=4, ensure_ascii=False")))
    }

    @Test func decodingKeepsNumbersAndNesting() throws {
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"i": 3, "d": 2.5, "s": "x", "a": [null, true]}"#.utf8))
        #expect(decoded["i"] == .int(3))
        #expect(decoded["d"] == .double(2.5))
        #expect(decoded["a"] == .array([.null, .bool(true)]))
        #expect(decoded["missing"] == nil)
    }
}
