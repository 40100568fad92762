import Foundation
import RoleKitIdentity
import RoleKitSigning
import RoleKitTestSupport
import SwiftASN1
import Testing
import X509

/// TSS2 key files and persistent handles: the parsers on crafted input (no TPM needed), and
/// keys in a real software TPM (swtpm, started by scripts/test with scripts/make-test-tpm.sh:
/// keys made by tpm2-tools and tpm2-openssl, certificates issued for their public keys).
/// Signatures are verified by openssl with the public key the TPM stack exported.
// Serialized: swtpm without a resource manager serves one connection at a time.
@Suite("TPM 2.0: TSS2 keys, handles and swtpm", .serialized)
struct TPMTests {
    static var hasTPM: Bool { TestTPM.isAvailable }
    static let skipReason = Comment(rawValue: TestTPM.skipReason)

    // MARK: - Parsing (no TPM needed)

    /// Minimal DER: tag, definite length, body.
    static func tlv(_ tag: UInt8, _ body: [UInt8]) -> [UInt8] {
        let count = body.count
        let length: [UInt8] = count < 0x80 ? [UInt8(count)] : count < 0x100 ? [0x81, UInt8(count)] : [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
        return [tag] + length + body
    }

    static let loadableOID: [UInt8] = [0x06, 0x06, 0x67, 0x81, 0x05, 0x0A, 0x01, 0x03]
    static let publicBlob = TPMPublicArea.parentTemplate
    static let privateBlob: [UInt8] = [0x00, 0x04, 0xDE, 0xAD, 0xBE, 0xEF]

    static func keyFile(oid: [UInt8] = loadableOID, fields: [[UInt8]] = [tlv(0xA0, [0x01, 0x01, 0x01])], parent: [UInt8] = [0x40, 0x00, 0x00, 0x01], blobs: [[UInt8]] = [publicBlob, privateBlob]) -> [UInt8] {
        tlv(0x30, oid + fields.flatMap { $0 } + tlv(0x02, parent) + blobs.flatMap { tlv(0x04, $0) })
    }

    @Test func aLoadableKeyFileParsesAsTheHelperReadsIt() throws {
        let file = try TPMKeyFile(der: Self.keyFile())
        #expect(file.emptyAuth)  // tpm2-openssl's non-DER BOOLEAN 01 counts as true
        #expect(file.parent == 0x4000_0001 && !file.parentIsPersistent)
        #expect(file.publicBlob == Self.publicBlob && file.privateBlob == Self.privateBlob)
        let persistent = try TPMKeyFile(der: Self.keyFile(fields: [Self.tlv(0xA0, [0x01, 0x01, 0x00])], parent: [0x00, 0x81, 0x00, 0x00, 0x02]))
        #expect(!persistent.emptyAuth && persistent.parentIsPersistent && persistent.parent == 0x8100_0002)
        #expect((try TPMKeyFile(der: Self.keyFile(fields: []))).emptyAuth == false)
    }

    @Test(arguments: [
        ("policy", keyFile(fields: [tlv(0xA1, tlv(0x30, []))]), "policy not implemented"),
        ("authPolicy", keyFile(fields: [tlv(0xA3, tlv(0x30, []))]), "policy not implemented"),
        ("secret", keyFile(fields: [tlv(0xA2, tlv(0x04, [1]))]), "'secret' field"),
        ("importable OID", keyFile(oid: [0x06, 0x06, 0x67, 0x81, 0x05, 0x0A, 0x01, 0x04]), "invalid OID"),
        ("transient parent", keyFile(parent: [0x00, 0x80, 0x00, 0x00, 0x00]), "invalid parent"),
        ("lockout parent", keyFile(parent: [0x40, 0x00, 0x00, 0x0A]), "invalid parent"),
        ("public size prefix", keyFile(blobs: [[0x00, 0x30] + Array(publicBlob.dropFirst(2)), privateBlob]), "PUBLIC blob"),
        ("private size prefix", keyFile(blobs: [publicBlob, [0x00, 0x09, 0x01]]), "PRIVATE blob"),
        ("third blob", keyFile(blobs: [publicBlob, privateBlob, privateBlob]), "blobs"),
        ("no blobs", keyFile(blobs: []), "blobs"),
        ("not DER", [0x30, 0x82, 0xFF, 0xFF, 0x00], "not valid DER"),
    ])
    func badKeyFilesAreRefused(_ name: String, _ der: [UInt8], _ mentions: String) {
        let error = #expect(throws: IdentityError.self, "\(name)") { try TPMKeyFile(der: der) }
        #expect(error?.code == .invalidTPMKey, "\(name)")
        #expect(error?.message.contains(mentions) == true, "\(name): \(error?.message ?? "")")
    }

    @Test func everyTruncationOfAPublicAreaIsATypedError() throws {
        // The template is a complete TPM2B_PUBLIC (ECC, empty point): it parses; no prefix does.
        let area = try TPMPublicArea(tpm2bPublic: TPMPublicArea.parentTemplate)
        #expect(area.isRestricted && !area.canSign)
        #expect(throws: IdentityError.self) { try area.publicKey() }  // the empty point is on no curve
        for count in 0..<TPMPublicArea.parentTemplate.count {
            var cut = Array(TPMPublicArea.parentTemplate.prefix(count))
            let error = #expect(throws: IdentityError.self) { try TPMPublicArea(tpm2bPublic: cut) }
            #expect(error?.code == .invalidTPMKey)
            if cut.count >= 2 {  // with a size prefix that matches the cut body
                cut[0] = UInt8((cut.count - 2) >> 8)
                cut[1] = UInt8((cut.count - 2) & 0xFF)
                #expect(throws: IdentityError.self) { try TPMPublicArea(tpm2bPublic: cut) }
            }
        }
    }

    @Test(arguments: ["handle:0x81000001", "handle:81000001", "handle:0X810000FF"])
    func persistentHandlesParse(_ text: String) throws {
        #expect(try TPMKey.parseHandle(text) >> 24 == 0x81)
    }

    @Test(arguments: ["handle:", "handle:0x", "handle:0x40000001", "handle:0x80000001", "handle:0x1810000001", "handle:zz", "handle:-1"])
    func badHandlesAreRefused(_ text: String) {
        let error = #expect(throws: IdentityError.self) { try TPMKey.parseHandle(text) }
        #expect(error?.code == .invalidTPMKey)
    }

    /// Runs with or without the TSS libraries: either way the answer is "no TPM", never a hang.
    @Test func aTPMThatIsNotThereIsATypedError() throws {
        // Port 1 on loopback: nothing listens there (the TCTI's control port 2 neither).
        let certificate = try Certificate(pemEncoded: String(contentsOfFile: TestPKI.shared.directory.path + "/p256.pem", encoding: .utf8))
        // A signing key's public area for the certificate's P-256 point (the SPKI's last 65 bytes).
        let point = Array(certificate.publicKey.subjectPublicKeyInfoBytes.suffix(64))
        let area: [UInt8] = [0x00, 0x23, 0x00, 0x0B, 0x00, 0x06, 0x00, 0x72, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00, 0x03, 0x00, 0x10, 0x00, 0x20] + point.prefix(32) + [0x00, 0x20] + point.suffix(32)
        let key = Self.keyFile(blobs: [[UInt8(area.count >> 8), UInt8(area.count & 0xFF)] + area, Self.privateBlob])
        let error = #expect(throws: IdentityError.self) {
            try TPMKey.privateKey(tss2KeyDER: key, certificate: certificate, options: .init(tcti: "swtpm:host=127.0.0.1,port=1", noPassword: true))
        }
        #expect(error?.code == .tpmUnavailable, "\(error?.message ?? "")")
    }

    // MARK: - swtpm

    static func options(password: String? = nil, noPassword: Bool = false) -> TPMKey.Options {
        TPMKey.Options(tcti: TestTPM.tcti, password: password.map { .value(Passphrase($0)) }, noPassword: noPassword)
    }

    static func certificate(_ name: String, in directory: String) throws -> Certificate {
        try Certificate(pemEncoded: String(contentsOfFile: directory + "/\(name).pem", encoding: .utf8))
    }

    @Test(.enabled(if: hasTPM, skipReason), arguments: [
        ("handle", "handle:0x81000001", X509SigningKey.Digest.sha256, "sha256"),
        ("p256", "p256.key.pem", .sha256, "sha256"),
        ("p384", "p384.key.pem", .sha256, "sha256"),
        ("p384", "p384.key.pem", .sha384, "sha384"),
        ("rsa", "rsa.key.pem", .sha256, "sha256"),
        ("rsa", "rsa.key.pem", .sha512, "sha512"),
    ])
    func tpmKeysSignWhatOpenSSLVerifies(_ name: String, _ key: String, _ digest: X509SigningKey.Digest, _ opensslDigest: String) async throws {
        try await TestTPM.exclusive {
            let directory = try #require(TestTPM.directory)
            let options = name == "p384" ? Self.options(password: TestTPM.password) : Self.options(noPassword: name == "handle")
            let identity = try SigningIdentity.load(
                certificate: directory + "/\(name).pem", privateKey: key.hasPrefix("handle:") ? key : directory + "/" + key, tpm: options
            )
            #expect(identity.key.keyType == (name == "rsa" ? "RSA" : "EC"))
            #expect(identity.key.keyDescription.contains("TPM"))
            let message = Array("AWS4-X509-ECDSA-SHA256\n20261202T000000Z\n20261202/us-east-1/rolesanywhere/aws4_request\n\(name)".utf8)
            let signature = try identity.key.signature(for: message, digest: digest)
            #expect(try await HardwareKeyFixtures.opensslVerifies(signature, message, publicKey: directory + "/\(name).pub.pem", digest: opensslDigest))
            // The key's description never shows the password.
            #expect(!String(describing: identity.key).contains(TestTPM.password))
        }
    }

    @Test(.enabled(if: hasTPM, skipReason))
    func passwordsAreCheckedAsTheHelperChecksThem() async throws {
        try await TestTPM.exclusive {
            let directory = try #require(TestTPM.directory)
            let p384 = try Self.certificate("p384", in: directory)
            let key = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/p384.key.pem")))
            let wrong = #expect(throws: IdentityError.self) {
                try SigningIdentity.load(certificateBytes: Array(p384.pemString().utf8), privateKeyBytes: key, tpm: Self.options(password: "not-the-password"))
            }
            #expect(wrong?.code == .tpmWrongPassword)
            #expect(wrong?.message.contains("not-the-password") == false)
            let missing = #expect(throws: IdentityError.self) { try SigningIdentity.load(certificate: directory + "/p384.pem", privateKey: directory + "/p384.key.pem", tpm: Self.options()) }
            #expect(missing?.code == .tpmPasswordRequired)
            // An emptyAuth key refuses a password; a handle needs one or --no-tpm-key-password.
            let rejected = #expect(throws: IdentityError.self) { try SigningIdentity.load(certificate: directory + "/p256.pem", privateKey: directory + "/p256.key.pem", tpm: Self.options(password: "x")) }
            #expect(rejected?.code == .tpmPasswordRejected)
            let handle = #expect(throws: IdentityError.self) { try SigningIdentity.load(certificate: directory + "/handle.pem", privateKey: "handle:0x81000001", tpm: Self.options()) }
            #expect(handle?.code == .tpmPasswordRequired)
        }
    }

    @Test(.enabled(if: hasTPM, skipReason))
    func wrongPairingsAndMissingObjectsAreTypedErrors() async throws {
        try await TestTPM.exclusive {
            let directory = try #require(TestTPM.directory)
            let mismatch = #expect(throws: IdentityError.self) {
                try SigningIdentity.load(certificate: directory + "/p256.pem", privateKey: "handle:0x81000001", tpm: Self.options(noPassword: true))
            }
            #expect(mismatch?.code == .keyCertificateMismatch)
            let absent = #expect(throws: IdentityError.self) {
                try SigningIdentity.load(certificate: directory + "/handle.pem", privateKey: "handle:0x81000009", tpm: Self.options(noPassword: true))
            }
            #expect(absent?.code == .invalidTPMKey)
            #expect(absent?.message.contains("0x81000009") == true)
            // A key file whose blobs this TPM did not make (the private part altered).
            var pem = try String(contentsOfFile: directory + "/p256.key.pem", encoding: .utf8)
            let der = try #require(Data(base64Encoded: pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()))
            var bytes = Array(der)
            bytes[bytes.count - 10] ^= 0xFF
            pem = "-----BEGIN TSS2 PRIVATE KEY-----\n" + Data(bytes).base64EncodedString(options: .lineLength64Characters) + "\n-----END TSS2 PRIVATE KEY-----\n"
            let altered = #expect(throws: IdentityError.self) {
                try SigningIdentity.load(certificateBytes: Array(try Self.certificate("p256", in: directory).pemString().utf8), privateKeyBytes: Array(pem.utf8), tpm: Self.options())
            }
            #expect(altered?.code == .invalidTPMKey || altered?.code == .tpmFailure, "\(altered?.message ?? "")")
        }
    }
}

extension Certificate {
    fileprivate func pemString() throws -> String { try serializeAsPEM().pemString }
}
