import Foundation
@testable import RoleKitSupport
import RoleKitTestSupport
import Testing

/// Hex and `~` expansion against Python (`bytes.hex`, `bytes.fromhex`, `os.path.expanduser`).
@Suite("Hex and home-directory expansion")
struct HexAndPathTests {
    @Test func hexMatchesPython() async throws {
        let bytes: [UInt8] = Array(0...255)
        let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", "import sys; sys.stdout.write(bytes(range(256)).hex())"])
        #expect(Hex.encode(bytes) == result.stdoutText)
        #expect(Hex.decode(result.stdoutText) == bytes)
        #expect(Hex.decode(result.stdoutText.uppercased()) == bytes)
        // What UInt8(_:radix:) would have let through, and odd lengths.
        for bad in ["+f", "-1", "0", "abc", "zz", "0x"] { #expect(Hex.decode(bad) == nil, "\(bad)") }
        #expect(Hex.decode("") == [])
    }

    @Test func tildeExpansionMatchesPythonExpanduser() async throws {
        for home in ["/home/someone", "/home/someone/", "/"] {
            for path in ["~", "~/", "~/.aws/config", "~other/x", "/abs/~/x", "rel/~", ""] {
                let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", "import os,sys; sys.stdout.write(os.path.expanduser(sys.argv[1]))", path], environment: ["HOME": home])
                #expect(SystemEnvironment.expandingTilde(path, home: home) == result.stdoutText, "HOME=\(home) path=\(path)")
            }
        }
    }
}
