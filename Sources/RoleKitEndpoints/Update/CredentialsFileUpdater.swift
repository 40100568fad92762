public import FoundationEssentials
public import RoleKitCredentials
import RoleKitSigning
public import RoleKitTransport
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps one profile of the shared credentials file fresh, as `aws_signing_helper update` does,
/// but safely: every other profile, comment and line order is kept; the file is replaced
/// atomically (temporary file + rename, mode 0600) under an advisory lock (`flock` on
/// `FILE.lock`), so concurrent writers never lose each other's profiles and readers never see a
/// half-written file; `~/.aws` is created 0700.
public struct CredentialsFileUpdater: Sendable {
    /// The credentials file.
    public let path: String
    /// The profile (section) to write.
    public let profile: String

    /// - Parameter path: Default: `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
    public init(profile: String = "default", path: String? = nil, environment: (String) -> String? = ProcessEnvironment.value) {
        self.profile = profile
        if let path {
            self.path = path
        } else if let configured = environment("AWS_SHARED_CREDENTIALS_FILE"), !configured.isEmpty {
            let home = environment("HOME") ?? "/"
            self.path = configured.hasPrefix("~/") ? home + configured.dropFirst(1) : configured
        } else {
            self.path = (environment("HOME") ?? "/") + "/.aws/credentials"
        }
    }

    /// Writes `credentials` into the profile.
    public func write(_ credentials: Credentials) throws(CredentialsError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        try AtomicFile.ensureDirectory(directory.isEmpty ? "/" : directory)
        let lockPath = path + ".lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw CredentialsError(.io, "cannot open the lock file \(lockPath) (errno \(errno))") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw CredentialsError(.io, "cannot lock \(lockPath) (errno \(errno))") }
        }
        defer { flock(lock, LOCK_UN) }
        var existing = ""
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CredentialsError(.io, "cannot read \(path); it was left unchanged")
            }
            existing = String(decoding: data, as: UTF8.self)
        }
        let updated = Self.replacing(profile: profile, in: existing, with: Self.values(credentials))
        try AtomicFile.write(Array(updated.utf8), to: path)
    }

    /// The keys written for `credentials`, in order.
    static func values(_ credentials: Credentials) -> [(String, String)] {
        var values = [("aws_access_key_id", credentials.accessKeyId), ("aws_secret_access_key", credentials.secretAccessKey)]
        if let token = credentials.sessionToken { values.append(("aws_session_token", token)) }
        if let expiration = credentials.expiration { values.append(("aws_credential_expiration", ISO8601Timestamp.format(expiration))) }
        return values
    }

    /// Keys this tool owns in its profile: replaced, or removed when the new credentials lack them.
    static let ownedKeys: Set<String> = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token", "aws_credential_expiration"]

    /// `text` with the section `[profile]` holding `values`: other lines, sections and comments
    /// unchanged; the first section of that name is edited; a missing section is appended.
    static func replacing(profile: String, in text: String, with values: [(String, String)]) -> String {
        let newline = text.contains("\r\n") ? "\r\n" : "\n"
        var lines = text.isEmpty ? [] : text.split(separator: newline, omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        func sectionName(_ line: String) -> String? {
            let trimmed = line.trimmedSpaces
            guard trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") else { return nil }
            return trimmed[trimmed.index(after: trimmed.startIndex)..<close].trimmedSpaces
        }
        func key(_ line: String) -> String? {
            guard let first = line.first, first != " ", first != "\t", first != "#", first != ";" else { return nil }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { return nil }
            return line[..<separator].trimmedSpaces.lowercased()
        }
        let rendered = values.map { "\($0.0) = \($0.1)" }
        guard let start = lines.firstIndex(where: { sectionName($0) == profile }) else {
            var out = lines
            if let last = out.last, !last.trimmedSpaces.isEmpty { out.append("") }
            out.append("[\(profile)]")
            out += rendered
            return out.joined(separator: newline) + newline
        }
        var end = lines.index(after: start)
        while end < lines.endIndex, sectionName(lines[end]) == nil { end += 1 }
        var body: [String] = []
        var skippingContinuation = false
        var inserted = false
        for line in lines[(start + 1)..<end] {
            if skippingContinuation, let first = line.first, first == " " || first == "\t" { continue }
            skippingContinuation = false
            if let name = key(line), ownedKeys.contains(name) {
                skippingContinuation = true
                if !inserted {
                    body += rendered
                    inserted = true
                }
                continue
            }
            body.append(line)
        }
        if !inserted {
            // After the section's last setting, before trailing blank lines and comments.
            var position = body.count
            while position > 0, body[position - 1].trimmedSpaces.isEmpty || body[position - 1].hasPrefix("#") || body[position - 1].hasPrefix(";") {
                position -= 1
            }
            body.insert(contentsOf: rendered, at: position)
        }
        let out = Array(lines[...start]) + body + Array(lines[end...])
        return out.joined(separator: newline) + newline
    }

    /// Writes the current credentials, then rewrites them ahead of each expiry until cancelled;
    /// a failed refresh is retried with backoff while the written credentials are still valid.
    /// - Parameter once: Write once and return.
    public func run(_ served: ServedCredentials, once: Bool, onWrite: @Sendable (Credentials) -> Void = { _ in }) async throws {
        try await served.start()
        guard case .success(let first) = served.current() else { return }
        try write(first.credentials)
        onWrite(first.credentials)
        if once { return }
        try await served.run { credentials in
            try write(credentials)
            onWrite(credentials)
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmedSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
