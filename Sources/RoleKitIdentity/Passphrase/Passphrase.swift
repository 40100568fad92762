/// A passphrase for an encrypted key or PKCS#12 file.
///
/// Its `description` is always redacted, so printing or logging one shows no secret.
public struct Passphrase: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The UTF-8 bytes.
    public let bytes: [UInt8]

    public init(_ text: String) { self.bytes = Array(text.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }

    public var description: String { "<redacted passphrase>" }
    public var debugDescription: String { description }
}

/// Where a passphrase comes from. Sources are read only when an encrypted file needs one.
public enum PassphraseSource: Sendable, CustomStringConvertible {
    /// A value given directly (`--pkcs8-password`).
    case value(Passphrase)
    /// The environment variable with this name.
    case environment(String)
    /// The first line of this file (a trailing newline is removed).
    case file(String)
    /// Asked on the controlling terminal, without echo.
    case prompt
    /// Tried in order; the first source that yields a passphrase wins.
    indirect case firstAvailable([PassphraseSource])

    public var description: String {
        switch self {
        case .value: return "a passphrase given on the command line"
        case .environment(let name): return "environment variable \(name)"
        case .file(let path): return "passphrase file \(path)"
        case .prompt: return "a terminal prompt"
        case .firstAvailable(let sources): return sources.map(\.description).joined(separator: ", then ")
        }
    }

    /// Produces the passphrase.
    /// - Parameter prompt: The question shown when asking on the terminal.
    public func resolve(prompt: String) throws(IdentityError) -> Passphrase {
        switch self {
        case .value(let passphrase):
            return passphrase
        case .environment(let name):
            guard let value = PassphraseSource.environmentValue(name), !value.isEmpty else {
                throw IdentityError(.passphraseUnavailable, "environment variable \(name) is not set or empty; export the passphrase in it or choose another passphrase source")
            }
            return Passphrase(value)
        case .file(let path):
            var bytes = try SecureFileReader.readFile(path, what: "passphrase")
            if let newline = bytes.firstIndex(where: { $0 == 0x0a || $0 == 0x0d }) { bytes = Array(bytes[..<newline]) }
            return Passphrase(bytes: bytes)
        case .prompt:
            return try TerminalPrompt.readSecret(prompt: prompt)
        case .firstAvailable(let sources):
            var lastError: IdentityError?
            for source in sources {
                do { return try source.resolve(prompt: prompt) } catch { lastError = error }
            }
            throw lastError ?? IdentityError(.passphraseUnavailable, "no passphrase source was given")
        }
    }

    static func environmentValue(_ name: String) -> String? {
        guard let pointer = getenv(name) else { return nil }
        return String(cString: pointer)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
