import Foundation
import RoleKitIdentity
import RoleKitSigning
import RoleKitTestSupport
import SwiftASN1
import Testing
import X509

/// PKCS#11 URIs, and keys on a real SoftHSM2 token (scripts/make-test-token.sh, made by
/// scripts/test: keys generated on the token, certificates issued for them). Signatures are
/// verified by openssl with the certificate's public key.
// Serialized: a token stays logged in while any session of the process is, so a wrong-PIN
// check needs no other session open at the time.
@Suite("PKCS#11: URIs and SoftHSM2", .serialized)
struct PKCS11Tests {
    static let module = TestToken.module
    static var tokenDirectory: String? { TestToken.directory }
    static var hasToken: Bool { TestToken.isAvailable }
    static let skipReason = Comment(rawValue: TestToken.skipReason)

    // MARK: - URIs (no token needed)

    @Test func urisParseAsTheHelperReadsThem() throws {
        let uri = try PKCS11URI(parsing: "pkcs11:token=rk%20test;object=ec256;id=%02%ff;slot-id=3?pin-value=12%2634&module-path=/usr/lib/x.so")
        #expect(uri.token == "rk test")
        #expect(uri.object == "ec256")
        #expect(uri.id == [0x02, 0xFF])
        #expect(uri.slotId == 3)
        #expect(uri.pinValue == "12&34")
        #expect(uri.modulePath == "/usr/lib/x.so")
        #expect(!uri.description.contains("12"))
        #expect(uri.description.contains("pin-value=<redacted>"))
    }

    @Test(arguments: [
        "pkcs11:token=a;token=b", "pkcs11:slot-id=abc", "pkcs11:type=key", "pkcs11:object=a?pin-value=1&pin-source=file:/x", "pkcs11:object=a?module-path=lib.so",
        "pkcs11:object=%zz", "pkcs11:object", "pkcs12:object=a", "pkcs11:" + String(repeating: "a", count: 5000),
    ])
    func badURIsAreRefused(_ text: String) {
        let error = #expect(throws: IdentityError.self) { try PKCS11URI(parsing: text) }
        #expect(error?.code == .invalidPKCS11URI)
        #expect(error?.message.contains("pin-value=1") == false)
    }

    @Test func aModuleThatIsNotThereSaysSo() throws {
        let uri = try PKCS11URI(parsing: "pkcs11:token=rk-test;object=ec256?pin-value=1234")
        let error = #expect(throws: IdentityError.self) { try PKCS11Token.certificate(uri, options: .init(modulePath: "/nonexistent/libnothing.so")) }
        #expect(error?.code == .pkcs11ModuleUnavailable)
        #expect(error?.message.contains("/nonexistent/libnothing.so") == true)
        #expect(error?.message.contains("1234") == false)
    }

    // MARK: - SoftHSM2

    static func opensslVerifies(_ signature: [UInt8], _ message: [UInt8], label: String, directory: String) async throws -> Bool {
        try await HardwareKeyFixtures.opensslVerifies(signature, message, publicKey: directory + "/\(label).pub.pem")
    }

    @Test(.enabled(if: hasToken, skipReason), arguments: ["rsa2048", "ec256", "ec384"])
    func keysOnTheTokenSignWhatOpenSSLVerifies(_ label: String) async throws {
        let directory = try #require(Self.tokenDirectory)
        let uri = try PKCS11URI(parsing: "pkcs11:token=rk-test;object=\(label)?pin-value=1234")
        let options = PKCS11Token.Options(modulePath: Self.module)
        let (certificate, id, objectLabel) = try PKCS11Token.certificate(uri, options: options)
        #expect(objectLabel == label)
        #expect(id?.isEmpty == false)
        #expect(certificate == (try Certificate(pemEncoded: String(contentsOfFile: directory + "/\(label).pem", encoding: .utf8))))
        let key = try PKCS11Token.privateKey(uri.with(id: id, object: objectLabel), certificate: certificate, options: options)
        let identity = try SigningIdentity(certificate: certificate, key: key)
        #expect(identity.key.keyType == (label == "rsa2048" ? "RSA" : "EC"))
        let message = Array("AWS4-X509-ECDSA-SHA256\n20261202T000000Z\n20261202/us-east-1/rolesanywhere/aws4_request\nabc".utf8)
        let signature = try identity.key.signature(for: message)
        #expect(try await Self.opensslVerifies(signature, message, label: label, directory: directory))
    }

    @Test(.enabled(if: hasToken, skipReason))
    func aCertificateFileWithAKeyOnTheToken() async throws {
        let directory = try #require(Self.tokenDirectory)
        let certificate = try Certificate(pemEncoded: String(contentsOfFile: directory + "/ec256.pem", encoding: .utf8))
        // The PIN from a file (as --pin-file would give it), the key by CKA_ID alone.
        let pinFile = NSTemporaryDirectory() + "rolekit-pin-\(UUID().uuidString)"
        try "1234\n".write(toFile: pinFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: pinFile) }
        let key = try PKCS11Token.privateKey(try PKCS11URI(parsing: "pkcs11:token=rk-test;id=%02"), certificate: certificate, options: .init(modulePath: Self.module, pin: .file(pinFile)))
        let message = Array("hybrid".utf8)
        #expect(try await Self.opensslVerifies(try key.signature(for: message), message, label: "ec256", directory: directory))
    }

    @Test(.enabled(if: hasToken, skipReason))
    func tokenFailuresAreTypedAndListWithoutSecrets() throws {
        let options = PKCS11Token.Options(modulePath: Self.module)
        let directory = try #require(Self.tokenDirectory)
        let certificate = try Certificate(pemEncoded: String(contentsOfFile: directory + "/ec256.pem", encoding: .utf8))
        let wrongPIN = #expect(throws: IdentityError.self) {
            try PKCS11Token.privateKey(try PKCS11URI(parsing: "pkcs11:token=rk-test;object=ec256?pin-value=9999"), certificate: certificate, options: options)
        }
        #expect(wrongPIN?.code == .pkcs11WrongPIN)
        #expect(wrongPIN?.message.contains("9999") == false)
        // No description of a token key shows its PIN.
        let key = try PKCS11Token.privateKey(try PKCS11URI(parsing: "pkcs11:token=rk-test;object=ec256?pin-value=1234"), certificate: certificate, options: options)
        for text in [String(describing: key), String(reflecting: key), "\(Mirror(reflecting: key).children.map { "\($0.value)" })"] {
            #expect(!text.contains("1234") && !text.contains("49, 50, 51, 52"), "\(text)")
        }
        let missing = #expect(throws: IdentityError.self) { try PKCS11Token.certificate(try PKCS11URI(parsing: "pkcs11:token=rk-test;object=nothing?pin-value=1234"), options: options) }
        #expect(missing?.code == .pkcs11NotFound)
        let noToken = #expect(throws: IdentityError.self) { try PKCS11Token.certificate(try PKCS11URI(parsing: "pkcs11:token=absent"), options: options) }
        #expect(noToken?.code == .pkcs11NotFound)
        // Four certificates match a URI naming only the token: all listed, by label and id.
        let several = #expect(throws: IdentityError.self) { try PKCS11Token.certificate(try PKCS11URI(parsing: "pkcs11:token=rk-test?pin-value=1234"), options: options) }
        #expect(several?.code == .pkcs11Ambiguous)
        for label in ["rsa2048", "ec256", "ec384", "always"] { #expect(several?.message.contains("label \(label)") == true, "\(several?.message ?? "")") }
        #expect(several?.message.contains("1234") == false)
        // Two keys labelled "dup", neither the certificate's: both named in the error.
        let dup = #expect(throws: IdentityError.self) {
            try PKCS11Token.privateKey(try PKCS11URI(parsing: "pkcs11:token=rk-test;object=dup?pin-value=1234"), certificate: certificate, options: options)
        }
        #expect(dup?.code == .keyCertificateMismatch)
        #expect(dup?.message.contains("id 05") == true && dup?.message.contains("id 06") == true, "\(dup?.message ?? "")")
        let noPIN = #expect(throws: IdentityError.self) {
            try PKCS11Token.privateKey(try PKCS11URI(parsing: "pkcs11:token=rk-test;object=ec256"), certificate: certificate, options: options)
        }
        #expect(noPIN?.code == .pkcs11PINRequired)
    }

    /// A key made with CKA_ALWAYS_AUTHENTICATE (pkcs11-tool --always-auth) needs the PIN again at
    /// every signature: refused without --reuse-pin, as by the helper; with it, each signature
    /// logs in again (CKU_CONTEXT_SPECIFIC) and verifies.
    @Test(.enabled(if: hasToken, skipReason))
    func keysThatAlwaysAuthenticateNeedReusePIN() async throws {
        let directory = try #require(Self.tokenDirectory)
        let certificate = try Certificate(pemEncoded: String(contentsOfFile: directory + "/always.pem", encoding: .utf8))
        let uri = try PKCS11URI(parsing: "pkcs11:token=rk-test;object=always?pin-value=1234")
        let refused = #expect(throws: IdentityError.self) { try PKCS11Token.privateKey(uri, certificate: certificate, options: .init(modulePath: Self.module)) }
        #expect(refused?.code == .pkcs11PINRequired)
        #expect(refused?.message.contains("--reuse-pin") == true, "\(refused?.message ?? "")")
        let key = try PKCS11Token.privateKey(uri, certificate: certificate, options: .init(modulePath: Self.module, reusePIN: true))
        for index in 0..<3 {
            let message = Array("always-authenticate \(index)".utf8)
            #expect(try await Self.opensslVerifies(try key.signature(for: message), message, label: "always", directory: directory))
        }
    }
}
