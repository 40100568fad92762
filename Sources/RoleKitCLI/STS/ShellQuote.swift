import ArgumentParser
import RoleKitSigning
import RoleKitArgumentParser
import FoundationEssentials
import RoleKitCredentials
import RoleKitIdentity
import RoleKitServices
import RoleKitTransport
import RoleKitSupport

/// POSIX shell single quoting.
enum ShellQuote {
    static func quote(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || "+/=_.,:@-".contains($0) }), text.unicodeScalars.allSatisfy({ $0.value < 128 }) {
            return text
        }
        return "'" + text.replacing("'", with: "'\\''") + "'"
    }
}
