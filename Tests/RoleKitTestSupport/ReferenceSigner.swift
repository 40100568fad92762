import Foundation
import RoleKitSupport

/// The independent SigV4-X509 oracle in `scripts/reference/sigv4_x509.py` (Python standard
/// library + the openssl CLI). RoleKit's own code is never used to compute expected values.
public enum ReferenceSigner {
    public struct Signature: Decodable, Sendable {
        public var algorithm: String
        public var serialNumber: String
        public var x509: String
        public var x509Chain: String?
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
        public var authorization: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `sigv4_x509.py sign` for the given inputs.
    public static func sign(
        certificate: String,
        key: String,
        chain: String? = nil,
        date: String,
        region: String,
        host: String,
        body: [UInt8],
        contentType: String = "application/json",
        path: String = "/sessions",
        query: String = ""
    ) async throws -> Signature {
        let bodyFile = FileManager.default.temporaryDirectory.appendingPathComponent("rolekit-body-\(UUID().uuidString)")
        try Data(body).write(to: bodyFile)
        defer { try? FileManager.default.removeItem(at: bodyFile) }
        var arguments = [
            TestEnvironment.python, TestEnvironment.referenceScript("sigv4_x509.py"), "sign",
            "--cert", certificate, "--key", key, "--date", date, "--region", region, "--host", host,
            "--body-file", bodyFile.path, "--content-type", contentType, "--path", path, "--query", query,
        ]
        if let chain { arguments += ["--chain", chain] }
        let result = try await Subprocess.runAsync(arguments)
        guard result.status == 0 else { throw Failure(description: "reference signer failed: \(result.stderr)") }
        return try JSONDecoder().decode(Signature.self, from: Data(result.stdout))
    }

    /// Verifies `signatureHex` over `message` with the certificate's public key, using openssl.
    public static func verify(certificate: String, message: [UInt8], signatureHex: String, digest: String = "sha256") async throws -> Bool {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rolekit-msg-\(UUID().uuidString)")
        try Data(message).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await Subprocess.runAsync([
            TestEnvironment.python, TestEnvironment.referenceScript("sigv4_x509.py"), "verify",
            "--cert", certificate, "--string-to-sign-file", file.path, "--signature-hex", signatureHex, "--digest", digest,
        ])
        return result.status == 0 && result.stdoutText.hasPrefix("OK")
    }

    public struct SignString: Decodable, Sendable {
        public var payload: String
        public var signature: String?
    }

    /// `aws_signing_helper`'s sign-string payload for `certificate`, signed by openssl when `key` is given.
    public static func signString(certificate: String, key: String?, digest: String = "sha256") async throws -> SignString {
        var arguments = [TestEnvironment.python, TestEnvironment.referenceScript("sigv4_x509.py"), "sign-string", "--cert", certificate, "--digest", digest]
        if let key { arguments += ["--key", key] }
        let result = try await Subprocess.runAsync(arguments)
        guard result.status == 0 else { throw Failure(description: "reference sign-string failed: \(result.stderr)") }
        return try JSONDecoder().decode(SignString.self, from: Data(result.stdout))
    }
}

extension Array where Element == UInt8 {
    /// Bytes from a hex string (tests only).
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self = bytes
    }
}
