#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a secret from the controlling terminal (`/dev/tty`) with echo turned off.
package enum TerminalPrompt {
    /// Fails with a clear error when the process has no terminal (a service, CI, credential_process).
    package static func readSecret(prompt: String) throws(IdentityError) -> Passphrase {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            throw IdentityError(
                .passphraseUnavailable,
                "a passphrase is needed but there is no terminal to ask on; give it another way"
            )
        }
        defer { close(fd) }
        var original = termios()
        let hasTermios = tcgetattr(fd, &original) == 0
        if hasTermios {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            silent.c_lflag |= tcflag_t(ICANON)
            _ = tcsetattr(fd, TCSAFLUSH, &silent)
        }
        defer {
            if hasTermios { _ = tcsetattr(fd, TCSAFLUSH, &original) }
            _ = "\n".withCString { write(fd, $0, 1) }
        }
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(fd, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 || byte == 0x0a || byte == 0x0d { break }
            bytes.append(byte)
            if bytes.count > 4096 { break }
        }
        return Passphrase(bytes: bytes)
    }
}
