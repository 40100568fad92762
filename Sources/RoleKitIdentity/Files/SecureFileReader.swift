import FoundationEssentials
import RoleKitSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small credential files (certificates, keys, passphrase files) with precise errors.
public enum SecureFileReader {
    /// Files larger than this are refused (certificate bundles are far smaller).
    public static let maximumSize = 4 * 1024 * 1024

    /// Expands a leading `~` or `~/` to the home directory (`HOME`, else the password database).
    public static func expandTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return SystemEnvironment.expandingTilde(path, home: SystemEnvironment.homeDirectory(SystemEnvironment.value))
    }

    /// Reads the whole file at `path` (after `~` expansion). Only regular files are read (a
    /// FIFO or device is refused without blocking); symbolic links are followed, as mounted
    /// secrets are often links.
    /// - Parameter what: What the file should hold, for messages ("certificate", "private key").
    public static func readFile(_ path: String, what: String) throws(IdentityError) -> [UInt8] {
        let expanded = expandTilde(path)
        let bytes: [UInt8]
        do {
            bytes = try SafeFile.read(expanded, rules: .init(maximumSize: maximumSize))
        } catch {
            switch error {
            case .notFound:
                throw IdentityError(.fileNotFound, "the \(what) file does not exist; check the path", path: expanded)
            case .permissionDenied:
                throw IdentityError(.permissionDenied, "permission denied reading the \(what) file; check its permissions (and that you run as the right user)", path: expanded)
            case .isDirectory:
                throw IdentityError(.isDirectory, "is a directory, not a \(what) file; pass the path of the file inside it", path: expanded)
            case .notRegularFile:
                throw IdentityError(.notRegularFile, "is not a regular file (a FIFO, socket or device); give the \(what) as a file", path: expanded)
            case .tooLarge:
                throw IdentityError(.fileTooLarge, "the \(what) file is larger than \(maximumSize / 1024 / 1024) MiB; this is not a certificate or key file", path: expanded)
            default:
                throw IdentityError(.unreadable, "the \(what) file \(SafeFile.describe(error))", path: expanded)
            }
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
            throw IdentityError(.emptyFile, "the \(what) file is empty", path: expanded)
        }
        return bytes
    }
}
