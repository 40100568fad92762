import Foundation
import RoleKitIdentity
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// Bad inputs: each gives one specific, typed error with an actionable message, and no crash.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var certificate: @Sendable (TestPKI) throws -> String
        var key: (@Sendable (TestPKI) throws -> String)? = nil
        var chain: (@Sendable (TestPKI) throws -> String)? = nil
        var passphrase: PassphraseSource? = nil
        var code: IdentityError.Code
        var mentions: String
        var testDescription: String { name }
    }

    static func file(_ name: String) -> @Sendable (TestPKI) throws -> String { { $0.path(name) } }
    static func scratch(_ name: String, _ text: String) -> @Sendable (TestPKI) throws -> String { { try $0.scratchFile(name, text: text) } }
    static func scratchBytes(_ name: String, _ bytes: [UInt8]) -> @Sendable (TestPKI) throws -> String { { try $0.scratchFile(name, bytes) } }
    /// A fixture with its PEM body replaced.
    static func corruptBlock(_ label: String) -> @Sendable (TestPKI) throws -> String {
        { try $0.scratchFile("corrupt.pem", text: "-----BEGIN \(label)-----\nMIIBAAAAAAAAAAAAAAAAAAAA\n-----END \(label)-----\n") }
    }

    static let wrong: PassphraseSource = .value(Passphrase("not-the-passphrase"))
    static let right: PassphraseSource = .value(Passphrase(TestPKI.passphrase))

    static let cases: [Case] = [
        // Files.
        Case(name: "missing certificate file", certificate: { $0.path("does-not-exist.pem") }, code: .fileNotFound, mentions: "does not exist"),
        Case(name: "missing key file", certificate: file("p256.pem"), key: { $0.path("nope.key") }, code: .fileNotFound, mentions: "private key file does not exist"),
        Case(name: "missing chain file", certificate: file("p256.pem"), key: file("p256.pkcs8.key"), chain: { $0.path("nope-chain.pem") }, code: .fileNotFound, mentions: "intermediates file"),
        Case(name: "directory as certificate", certificate: { $0.directory.path }, code: .isDirectory, mentions: "is a directory"),
        Case(name: "directory as key", certificate: file("p256.pem"), key: { $0.directory.path }, code: .isDirectory, mentions: "is a directory"),
        Case(name: "empty certificate", certificate: file("empty.pem"), code: .emptyFile, mentions: "empty"),
        Case(name: "empty key", certificate: file("p256.pem"), key: file("empty.pem"), code: .emptyFile, mentions: "empty"),
        Case(name: "whitespace-only key", certificate: file("p256.pem"), key: scratch("blank.key", "  \n\n\t\n"), code: .emptyFile, mentions: "empty"),
        Case(name: "/dev/null as certificate", certificate: { _ in "/dev/null" }, code: .notRegularFile, mentions: "not a regular file"),
        Case(name: "empty chain", certificate: file("p256.pem"), key: file("p256.pkcs8.key"), chain: file("empty.pem"), code: .emptyFile, mentions: "empty"),
        Case(name: "oversized certificate", certificate: scratchBytes("huge.pem", [UInt8](repeating: 0x41, count: 5 * 1024 * 1024)), code: .fileTooLarge, mentions: "larger than"),
        // PEM structure.
        Case(name: "garbage text certificate", certificate: file("garbage.pem"), code: .malformedPEM, mentions: "neither PEM"),
        Case(name: "garbage DER certificate", certificate: scratchBytes("garbage.der", [UInt8](repeating: 0xde, count: 64)), code: .malformedPEM, mentions: "neither PEM"),
        Case(name: "truncated certificate", certificate: file("truncated-cert.pem"), code: .unterminatedPEM, mentions: "truncated"),
        Case(name: "truncated key", certificate: file("p256.pem"), key: file("truncated-key.pem"), code: .unterminatedPEM, mentions: "truncated"),
        Case(name: "unterminated certificate", certificate: file("unterminated.pem"), code: .unterminatedPEM, mentions: "no END line"),
        Case(name: "invalid base64", certificate: file("bad-base64.pem"), code: .invalidBase64, mentions: "not valid base64"),
        Case(name: "empty PEM block", certificate: scratch("empty-block.pem", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"), code: .invalidBase64, mentions: "is empty"),
        Case(name: "wrong label", certificate: file("wrong-label.pem"), code: .unexpectedPEMBlock, mentions: "FOO"),
        Case(name: "mismatched BEGIN/END", certificate: scratch("mismatch.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n"), code: .malformedPEM, mentions: "ends as PRIVATE KEY"),
        Case(name: "END without BEGIN", certificate: scratch("end-only.pem", "hello\n-----BEGIN X-----\nAAAA\n-----END X-----\n-----END CERTIFICATE-----\n"), code: .malformedPEM, mentions: "no matching BEGIN"),
        Case(name: "nested BEGIN", certificate: scratch("nested.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), code: .unterminatedPEM, mentions: "before the next BEGIN"),
        Case(name: "garbage certificate DER in PEM", certificate: corruptBlock("CERTIFICATE"), code: .malformedCertificate, mentions: "not a valid X.509 certificate"),
        // Wrong kind of file in a slot.
        Case(name: "key given as certificate", certificate: file("p256.pkcs8.key"), code: .noCertificate, mentions: "as the private key"),
        Case(name: "certificate given as key", certificate: file("p256.pem"), key: file("cert-as-key.pem"), code: .noPrivateKey, mentions: "holds a certificate, not a private key"),
        Case(name: "certificate without any key", certificate: file("p256.pem"), code: .noPrivateKey, mentions: "give the private key file"),
        Case(name: "two keys in key file", certificate: file("p256.pem"), key: file("two-keys.pem"), code: .multiplePrivateKeys, mentions: "2 private keys"),
        Case(name: "two keys in combined file", certificate: { try $0.scratchFile("combo2.pem", try $0.bytes("p256.pem") + $0.bytes("two-keys.pem")) }, code: .multiplePrivateKeys, mentions: "2 private keys"),
        Case(name: "PKCS#12 as key", certificate: file("p256.pem"), key: file("p256.p12"), code: .malformedPrivateKey, mentions: "give it as the certificate"),
        Case(name: "non-key PEM block as key", certificate: file("p256.pem"), key: file("wrong-label.pem"), code: .unexpectedPEMBlock, mentions: "not a private key"),
        // Chains.
        Case(name: "chain with a key", certificate: file("p256.pem"), key: file("p256.pkcs8.key"), chain: file("chain-with-key.pem"), code: .chainContainsNonCertificate, mentions: "PRIVATE KEY"),
        Case(name: "key as chain", certificate: file("p256.pem"), key: file("p256.pkcs8.key"), chain: file("p256.pkcs8.key"), code: .chainContainsNonCertificate, mentions: "certificates only"),
        Case(name: "PKCS#12 as chain", certificate: file("p256.pem"), key: file("p256.pkcs8.key"), chain: file("p256.p12"), code: .chainContainsNonCertificate, mentions: "PKCS#12"),
        Case(name: "garbage chain", certificate: file("p256.pem"), key: file("p256.pkcs8.key"), chain: file("garbage.pem"), code: .malformedPEM, mentions: "neither PEM"),
        Case(name: "chain with foreign block", certificate: file("p256.pem"), key: file("p256.pkcs8.key"), chain: file("wrong-label.pem"), code: .chainContainsNonCertificate, mentions: "FOO"),
        // Key/certificate mismatch.
        Case(name: "RSA key of another certificate", certificate: file("rsa2048.pem"), key: file("rsa3072.pkcs8.key"), code: .keyCertificateMismatch, mentions: "RSA-3072"),
        Case(name: "P-384 key for P-256 certificate", certificate: file("p256.pem"), key: file("p384.pkcs8.key"), code: .keyCertificateMismatch, mentions: "EC P-384"),
        Case(name: "RSA key for EC certificate", certificate: file("p256.pem"), key: file("rsa2048.pkcs1.key"), code: .keyCertificateMismatch, mentions: "does not belong"),
        Case(name: "EC key for RSA certificate", certificate: file("rsa2048.pem"), key: file("p256.sec1.key"), code: .keyCertificateMismatch, mentions: "does not belong"),
        Case(name: "intermediate CA key for leaf", certificate: file("p256.pem"), key: file("intermediate-ca.key"), code: .keyCertificateMismatch, mentions: "does not belong"),
        // Passphrases.
        Case(name: "encrypted PKCS#8 without passphrase", certificate: file("p256.pem"), key: file("p256.pbes2-sha256-aes256.key"), code: .passphraseRequired, mentions: "give its passphrase"),
        Case(name: "legacy encrypted without passphrase", certificate: file("rsa2048.pem"), key: file("rsa2048.legacy-aes256.key"), code: .passphraseRequired, mentions: "encrypted"),
        Case(name: "PKCS#12 with password, none given", certificate: file("p256.p12"), code: .passphraseRequired, mentions: "password-protected"),
        Case(name: "wrong passphrase PBES2 sha256/aes256", certificate: file("p256.pem"), key: file("p256.pbes2-sha256-aes256.key"), passphrase: wrong, code: .wrongPassphrase, mentions: "wrong passphrase"),
        Case(name: "wrong passphrase PBES2 sha1/aes128", certificate: file("p256.pem"), key: file("p256.pbes2-sha1-aes128.key"), passphrase: wrong, code: .wrongPassphrase, mentions: "wrong passphrase"),
        Case(name: "wrong passphrase PBES2 sha384/aes192", certificate: file("p256.pem"), key: file("p256.pbes2-sha384-aes192.key"), passphrase: wrong, code: .wrongPassphrase, mentions: "wrong passphrase"),
        Case(name: "wrong passphrase PBES2 RSA", certificate: file("rsa2048.pem"), key: file("rsa2048.pbes2-sha256-aes256.key"), passphrase: wrong, code: .wrongPassphrase, mentions: "wrong passphrase"),
        Case(name: "wrong passphrase scrypt", certificate: file("p256.pem"), key: file("p256.pbes2-scrypt.key"), passphrase: wrong, code: .wrongPassphrase, mentions: "wrong passphrase"),
        Case(name: "wrong passphrase PBES2 3DES", certificate: file("p256.pem"), key: file("p256.pbes2-des3.key"), passphrase: wrong, code: .wrongPassphrase, mentions: "passphrase is wrong"),
        Case(name: "wrong passphrase PBES1", certificate: file("p256.pem"), key: file("p256.pbes1-sha1-3des.key"), passphrase: wrong, code: .wrongPassphrase, mentions: "passphrase is wrong"),
        Case(name: "wrong passphrase legacy AES-128", certificate: file("rsa2048.pem"), key: file("rsa2048.legacy-aes128.key"), passphrase: wrong, code: .wrongPassphrase, mentions: "wrong passphrase"),
        Case(name: "wrong passphrase legacy AES-256 EC", certificate: file("p256.pem"), key: file("p256.legacy-aes256.key"), passphrase: wrong, code: .wrongPassphrase, mentions: "wrong passphrase"),
        Case(name: "wrong passphrase legacy 3DES", certificate: file("rsa2048.pem"), key: file("rsa2048.legacy-des3.key"), passphrase: wrong, code: .wrongPassphrase, mentions: "passphrase is wrong"),
        Case(name: "unicode passphrase, ASCII given", certificate: file("p256.pem"), key: file("p256.pbes2-unicode.key"), passphrase: right, code: .wrongPassphrase, mentions: "wrong passphrase"),
        Case(name: "wrong PKCS#12 password", certificate: file("p256.p12"), passphrase: wrong, code: .pkcs12WrongPassword, mentions: "wrong password"),
        Case(name: "wrong legacy PKCS#12 password", certificate: file("rsa2048.legacy.p12"), passphrase: wrong, code: .pkcs12WrongPassword, mentions: "wrong password"),
        Case(name: "passphrase variable unset", certificate: file("p256.pem"), key: file("p256.pbes2-sha256-aes256.key"), passphrase: .environment("ROLEKIT_SURELY_UNSET_VAR"), code: .passphraseUnavailable, mentions: "ROLEKIT_SURELY_UNSET_VAR"),
        Case(name: "passphrase file missing", certificate: file("p256.pem"), key: file("p256.pbes2-sha256-aes256.key"), passphrase: .file("/nonexistent/pass.txt"), code: .fileNotFound, mentions: "passphrase file"),
        // Damaged containers and keys.
        Case(name: "truncated PKCS#12", certificate: file("truncated.p12"), code: .malformedDER, mentions: "truncated"),
        Case(name: "garbage PKCS#8 body", certificate: file("p256.pem"), key: corruptBlock("PRIVATE KEY"), code: .malformedPrivateKey, mentions: "PKCS#8"),
        Case(name: "garbage PKCS#1 body", certificate: file("rsa2048.pem"), key: corruptBlock("RSA PRIVATE KEY"), code: .malformedPrivateKey, mentions: "RSA"),
        Case(name: "garbage SEC1 body", certificate: file("p256.pem"), key: corruptBlock("EC PRIVATE KEY"), code: .malformedPrivateKey, mentions: "SEC1"),
        Case(name: "garbage encrypted PKCS#8", certificate: file("p256.pem"), key: corruptBlock("ENCRYPTED PRIVATE KEY"), passphrase: right, code: .malformedPrivateKey, mentions: "malformed"),
        Case(name: "garbage DER key", certificate: file("p256.pem"), key: scratchBytes("k.der", [0x30, 0x03, 0x02, 0x01, 0x05]), code: .malformedPrivateKey, mentions: "PKCS#1, PKCS#8 or SEC1"),
        Case(name: "legacy PEM without DEK-Info", certificate: file("rsa2048.pem"), key: scratch("nodek.key", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"), passphrase: right, code: .malformedPrivateKey, mentions: "DEK-Info"),
        Case(name: "legacy PEM with bad IV", certificate: file("rsa2048.pem"), key: scratch("badiv.key", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,XYZ\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"), passphrase: right, code: .malformedPrivateKey, mentions: "DEK-Info"),
        // Unsupported key types.
        Case(name: "Ed25519 key", certificate: file("p256.pem"), key: file("ed25519.key"), code: .unsupportedKeyType, mentions: "Ed25519"),
        Case(name: "Ed25519 certificate", certificate: file("ed25519.pem"), key: file("ed25519.key"), code: .unsupportedKeyType, mentions: "Ed25519"),
        Case(name: "Ed448 key", certificate: file("p256.pem"), key: file("ed448.key"), code: .unsupportedKeyType, mentions: "Ed448"),
        Case(name: "DSA key", certificate: file("p256.pem"), key: file("dsa.key"), code: .unsupportedKeyType, mentions: "DSA"),
        Case(name: "DSA certificate", certificate: file("dsa.pem"), key: file("dsa.key"), code: .unsupportedKeyType, mentions: "DSA"),
        Case(name: "P-521 key", certificate: file("p256.pem"), key: file("p521.key"), code: .unsupportedKeyType, mentions: "P-521"),
        Case(name: "P-521 certificate", certificate: file("p521.pem"), key: file("p521.key"), code: .unsupportedKeyType, mentions: "P-521"),
        Case(name: "secp256k1 key", certificate: file("p256.pem"), key: file("secp256k1.key"), code: .unsupportedKeyType, mentions: "secp256k1"),
        Case(name: "RSA-1024 key", certificate: file("rsa2048.pem"), key: file("rsa1024.key"), code: .keyTooSmall, mentions: "RSA-1024"),
        Case(name: "RSA-1024 certificate", certificate: file("rsa1024.pem"), key: file("rsa1024.key"), code: .keyTooSmall, mentions: "RSA-1024"),
        Case(name: "OpenSSH key", certificate: file("p256.pem"), key: scratch("id.key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"), code: .unsupportedKeyType, mentions: "OpenSSH"),
    ]

    @Test func thereAreAtLeastFiftyCases() {
        #expect(Self.cases.count >= 50)
    }

    @Test(arguments: cases)
    func fails(_ c: Case) throws {
        let pki = TestPKI.shared
        let certificate = try c.certificate(pki)
        let key = try c.key?(pki)
        let chain = try c.chain?(pki)
        let error = #expect(throws: IdentityError.self) {
            try SigningIdentity.load(certificate: certificate, privateKey: key, intermediates: chain, passphrase: c.passphrase)
        }
        guard let error else { return }
        #expect(error.code == c.code, "\(c.name): got \(error.code): \(error)")
        #expect(error.description.contains(c.mentions), "\(c.name): message was: \(error)")
        #expect(error.description.count < 400)
        // Never a passphrase in a message, nor BoringSSL's internal text.
        #expect(!error.description.contains("not-the-passphrase"))
        #expect(!error.description.contains(TestPKI.passphrase))
        #expect(!error.description.contains(".cc:"))
    }

    @Test func errorsNameTheFile() throws {
        let pki = TestPKI.shared
        let error = #expect(throws: IdentityError.self) {
            try SigningIdentity.load(certificate: pki.path("p256.pem"), privateKey: pki.path("p384.pkcs8.key"))
        }
        #expect(error?.path == pki.path("p384.pkcs8.key"))
        #expect(error?.description.hasPrefix(pki.path("p384.pkcs8.key")) == true)
    }
}
