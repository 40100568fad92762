import Foundation
import RoleKitCredentials
import RoleKitEndpoints
import RoleKitTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Files of secrets: caches are not read through planted symlinks, from other owners, with open
/// modes or when oversized; writers keep what they must and refuse what they must not write.
@Suite("Private files: caches, locks and the credentials file")
struct PrivateFileTests {
    static let valid = Credentials(accessKeyId: "ASIAPRIVATEFILE00001", secretAccessKey: "cache-secret", sessionToken: "cache-token", expiration: Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 3600).rounded(.down)))

    func withDirectory(_ body: (String) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "rolekit-private-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    @Test func credentialProcessCacheRefusesPlantedFiles() throws {
        try withDirectory { directory in
            let cache = CredentialProcessCache(directory: directory)
            let key = ["inputs"]
            try cache.write(Self.valid, key: key)
            #expect(cache.read(key: key)?.0 == Self.valid)
            let path = cache.path(for: key)
            let planted = directory + "/planted.json"
            try Data(Self.valid.credentialProcessJSON().utf8).write(to: URL(fileURLWithPath: planted))
            chmod(planted, 0o600)
            // A symlink to a file of valid credentials: not followed.
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: planted)
            #expect(cache.read(key: key) == nil)
            // Readable by others: refused.
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.copyItem(atPath: planted, toPath: path)
            chmod(path, 0o644)
            #expect(cache.read(key: key) == nil)
            chmod(path, 0o600)
            #expect(cache.read(key: key)?.0 == Self.valid)
            // Another owner (only root can make one).
            if geteuid() == 0 {
                chown(path, 65534, 65534)
                #expect(cache.read(key: key) == nil)
                chown(path, 0, 0)
            }
            // Oversized: refused.
            try Data(repeating: 0x20, count: 70 * 1024).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o600)
            #expect(cache.read(key: key) == nil)
            // A planted lock symlink makes the lock fail with a typed error, not follow it.
            let lockTarget = directory + "/elsewhere"
            FileManager.default.createFile(atPath: lockTarget, contents: nil)
            try FileManager.default.createSymbolicLink(atPath: path + ".lock", withDestinationPath: lockTarget)
            #expect(throws: CredentialsError.self) { try AtomicFile.withLock(path + ".lock") { () throws(CredentialsError) in } }
        }
    }

    @Test func cachesAndWritersRefuseInvalidCredentials() throws {
        try withDirectory { directory in
            let cache = CredentialProcessCache(directory: directory)
            let injected = Credentials(accessKeyId: "ASIAPRIVATEFILE00001", secretAccessKey: "s", sessionToken: "t\n[evil]\ncredential_process = sh -c id", expiration: Date().addingTimeInterval(3600))
            #expect(throws: CredentialsError.self) { try cache.write(injected, key: ["k"]) }
            let file = directory + "/credentials"
            let updater = CredentialsFileUpdater(profile: "default", path: file)
            #expect(throws: CredentialsError.self) { try updater.write(injected) }
            #expect(!FileManager.default.fileExists(atPath: file))
            let expired = Credentials(accessKeyId: "ASIAPRIVATEFILE00001", secretAccessKey: "s", sessionToken: "t", expiration: Date().addingTimeInterval(-1))
            #expect(throws: CredentialsError.self) { try updater.write(expired) }
            for name in ["a]b", "x\n[evil", "", " lead", "tab\there", "semi;colon"] {
                #expect(throws: CredentialsError.self, "\(name.debugDescription)") { try CredentialsFileUpdater(profile: name, path: file).write(Self.valid) }
            }
        }
    }

    @Test func updateKeepsASymlinkAndForeignBytes() throws {
        try withDirectory { directory in
            let real = directory + "/real-credentials"
            // Latin-1 bytes (not UTF-8) in another profile's comment must survive byte for byte.
            let original: [UInt8] = Array("[other]\n# caf".utf8) + [0xE9] + Array("\naws_access_key_id = AKIAOTHERPROFILE0001\n".utf8)
            try Data(original).write(to: URL(fileURLWithPath: real))
            chmod(real, 0o600)
            let link = directory + "/credentials"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
            try CredentialsFileUpdater(profile: "default", path: link).write(Self.valid)
            let attributes = try FileManager.default.attributesOfItem(atPath: link)
            #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink || (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == real)
            let written = try #require(FileManager.default.contents(atPath: real))
            #expect(Array(written).starts(with: original))
            #expect(String(decoding: written, as: UTF8.self).contains("aws_access_key_id = ASIAPRIVATEFILE00001"))
            // A stale temporary of a killed writer (older than ten minutes) is swept.
            let stale = real + ".tmp-1-2"
            FileManager.default.createFile(atPath: stale, contents: Data("old secret".utf8))
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: stale)
            try CredentialsFileUpdater(profile: "default", path: link).write(Self.valid)
            #expect(!FileManager.default.fileExists(atPath: stale))
        }
    }
}
