public import FoundationEssentials
public import RoleKitCredentials
import RoleKitIdentity
import RoleKitSigning
public import RoleKitTransport
import RoleKitSupport
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
    public init(profile: String = "default", path: String? = nil, environment: AWSEnvironment = .process) {
        self.profile = profile
        self.path = path ?? environment.credentialsFilePath
    }

    /// Whether `name` can be a section of the credentials file: 1–128 printable characters
    /// without `[`, `]`, `#`, `;` or leading/trailing spaces.
    public static func isValidProfileName(_ name: String) -> Bool {
        guard (1...128).contains(name.utf8.count), name == name.trimmedSpaces else { return false }
        return name.unicodeScalars.allSatisfy { !SafeText.isUnsafe($0) && !"[]#;".unicodeScalars.contains($0) }
    }

    /// Writes `credentials` into the profile.
    ///
    /// The credentials pass ``Credentials/validate(source:now:)`` first (no line breaks or
    /// control characters can reach the file, nothing expired is written) and the profile name
    /// is checked. Bytes outside the profile's own keys are kept as they are, non-UTF-8
    /// included; a symbolic link stays a link (its target is rewritten).
    public func write(_ credentials: Credentials) throws(CredentialsError) {
        guard Self.isValidProfileName(profile) else {
            throw CredentialsError(.invalidConfiguration, "the profile name \"\(SafeText.excerpt(profile, limit: 64))\" cannot be a section of the credentials file (1-128 printable characters, no brackets, # or ;)")
        }
        try credentials.validate(source: "the credentials to write", now: Date())
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        try AtomicFile.ensureDirectory(directory.isEmpty ? "/" : directory)
        try AtomicFile.withLock(path + ".lock") { () throws(CredentialsError) in
            let target = try AtomicFile.resolveTarget(path)
            var existing: [UInt8] = []
            do throws(SafeFile.Problem) {
                existing = try SafeFile.read(target, rules: .init(maximumSize: 16 * 1024 * 1024))
            } catch {
                guard error == .notFound else {
                    throw CredentialsError(.io, "\(target) \(SafeFile.describe(error)); it was left unchanged")
                }
                existing = []
            }
            let updated = Self.replacing(profile: profile, in: existing, with: Self.values(credentials))
            try AtomicFile.write(updated, to: path, followSymlink: true)
        }
    }

    /// ``write(_:)`` from async code: the write (and the wait for the lock) runs on a thread of
    /// its own, never on a cooperative one.
    public func write(_ credentials: Credentials) async throws(CredentialsError) {
        let updater = self
        let failure: CredentialsError? = await DedicatedThread.run {
            do throws(CredentialsError) {
                try updater.write(credentials)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
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

    /// `text` with the section `[profile]` holding `values` (see the byte version).
    static func replacing(profile: String, in text: String, with values: [(String, String)]) -> String {
        String(decoding: replacing(profile: profile, in: Array(text.utf8), with: values), as: UTF8.self)
    }

    /// `bytes` with the section `[profile]` holding `values`: other lines, sections and comments
    /// unchanged byte for byte; the first section of that name is edited; a missing section is
    /// appended. Lines end as the file's do (`\r\n` when it has any). Linear in the file size.
    static func replacing(profile: String, in bytes: [UInt8], with values: [(String, String)]) -> [UInt8] {
        let crlf = bytes.indices.contains { $0 > 0 && bytes[$0] == 0x0A && bytes[$0 - 1] == 0x0D }
        let newline: [UInt8] = crlf ? [0x0D, 0x0A] : [0x0A]
        // Lines without their "\n"; a "\r" before it stays part of the line.
        var lines = bytes.isEmpty ? [] : bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        func text(_ line: ArraySlice<UInt8>) -> String {
            var line = line
            if line.last == 0x0D { line = line.dropLast() }
            return String(decoding: line, as: UTF8.self)
        }
        func sectionName(_ line: ArraySlice<UInt8>) -> String? {
            let trimmed = text(line).trimmedSpaces
            guard trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") else { return nil }
            return trimmed[trimmed.index(after: trimmed.startIndex)..<close].trimmedSpaces
        }
        func key(_ line: ArraySlice<UInt8>) -> String? {
            let line = text(line)
            guard let first = line.first, first != " ", first != "\t", first != "#", first != ";" else { return nil }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { return nil }
            return line[..<separator].trimmedSpaces.lowercased()
        }
        let rendered: [ArraySlice<UInt8>] = values.map { ArraySlice(Array("\($0.0) = \($0.1)".utf8) + (crlf ? [0x0D] : [])) }
        let header = ArraySlice(Array("[\(profile)]".utf8) + (crlf ? [0x0D] : []))
        func join(_ lines: [ArraySlice<UInt8>]) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 512)
            for line in lines {
                out += line
                out += [0x0A]
            }
            return out
        }
        guard let start = lines.firstIndex(where: { sectionName($0) == profile }) else {
            var out = lines
            if let last = out.last, !text(last).trimmedSpaces.isEmpty { out.append(crlf ? [0x0D] : []) }
            out.append(header)
            out += rendered
            _ = newline
            return join(out)
        }
        var end = lines.index(after: start)
        while end < lines.endIndex, sectionName(lines[end]) == nil { end += 1 }
        var body: [ArraySlice<UInt8>] = []
        var skippingContinuation = false
        var inserted = false
        for line in lines[(start + 1)..<end] {
            if skippingContinuation, let first = line.first, first == 0x20 || first == 0x09 { continue }
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
            while position > 0 {
                let previous = text(body[position - 1])
                guard previous.trimmedSpaces.isEmpty || previous.hasPrefix("#") || previous.hasPrefix(";") else { break }
                position -= 1
            }
            body.insert(contentsOf: rendered, at: position)
        }
        return join(Array(lines[...start]) + body + Array(lines[end...]))
    }

    /// Writes the current credentials, then rewrites them ahead of each expiry until cancelled;
    /// a failed refresh is retried with backoff while the written credentials are still valid.
    /// - Parameter once: Write once and return.
    public func run(_ served: ServedCredentials, once: Bool, onWrite: @Sendable (Credentials) -> Void = { _ in }) async throws {
        try await served.start()
        guard case .success(let first) = served.current() else { return }
        try await write(first.credentials)
        onWrite(first.credentials)
        if once { return }
        try await served.run { credentials in
            try await write(credentials)
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
