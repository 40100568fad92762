import Foundation
import RoleKitIdentity
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
import Testing
import X509

/// Every supported key and container format, on keys made by openssl (`scripts/make-test-pki.sh`).
/// A successful load proves the decrypted key matches the certificate's public key.
@Suite struct KeyFormatTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var certificate: String
        var key: String?
        var expected: String
        var passphrase: String? = TestPKI.passphrase
        var testDescription: String { key ?? certificate }
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        for bits in ["2048", "3072", "4096"] {
            for format in ["pkcs1.key", "pkcs8.key", "pkcs1.der", "pkcs8.der"] {
                cases.append(Case(certificate: "rsa\(bits).pem", key: "rsa\(bits).\(format)", expected: "RSA-\(bits)", passphrase: nil))
            }
        }
        for curve in ["p256", "p384"] {
            let name = curve == "p256" ? "EC P-256" : "EC P-384"
            for format in ["sec1.key", "sec1-params.key", "pkcs8.key", "sec1.der", "pkcs8.der"] {
                cases.append(Case(certificate: "\(curve).pem", key: "\(curve).\(format)", expected: name, passphrase: nil))
            }
        }
        for prf in ["sha1", "sha256", "sha384", "sha512"] {
            for cipher in ["aes128", "aes192", "aes256"] {
                cases.append(Case(certificate: "p256.pem", key: "p256.pbes2-\(prf)-\(cipher).key", expected: "EC P-256"))
            }
        }
        cases += [
            Case(certificate: "rsa2048.pem", key: "rsa2048.pbes2-sha256-aes256.key", expected: "RSA-2048"),
            Case(certificate: "rsa2048.pem", key: "rsa2048.pbes2-sha1-aes128.key", expected: "RSA-2048"),
            Case(certificate: "p384.pem", key: "p384.pbes2-sha256-aes256.key", expected: "EC P-384"),
            Case(certificate: "p384.pem", key: "p384.pbes2-sha512-aes192.key", expected: "EC P-384"),
            Case(certificate: "p256.pem", key: "p256.pbes2-scrypt.key", expected: "EC P-256"),
            Case(certificate: "p256.pem", key: "p256.pbes2-des3.key", expected: "EC P-256"),
            Case(certificate: "p256.pem", key: "p256.pbes1-sha1-3des.key", expected: "EC P-256"),
            Case(certificate: "p256.pem", key: "p256.pbes2-highiter.key", expected: "EC P-256"),
            Case(certificate: "p256.pem", key: "p256.pbes2-unicode.key", expected: "EC P-256", passphrase: TestPKI.unicodePassphrase),
            Case(certificate: "rsa2048.pem", key: "rsa2048.legacy-aes128.key", expected: "RSA-2048"),
            Case(certificate: "rsa2048.pem", key: "rsa2048.legacy-aes256.key", expected: "RSA-2048"),
            Case(certificate: "rsa2048.pem", key: "rsa2048.legacy-des3.key", expected: "RSA-2048"),
            Case(certificate: "p256.pem", key: "p256.legacy-aes256.key", expected: "EC P-256"),
            Case(certificate: "p256.pem", key: "p256.legacy-des3.key", expected: "EC P-256"),
            Case(certificate: "p384.pem", key: "p384.legacy-aes192.key", expected: "EC P-384"),
            // DER certificates.
            Case(certificate: "rsa2048.der", key: "rsa2048.pkcs8.key", expected: "RSA-2048", passphrase: nil),
            Case(certificate: "p384.der", key: "p384.sec1.der", expected: "EC P-384", passphrase: nil),
            // A combined file as the key file.
            Case(certificate: "rsa2048.pem", key: "rsa2048.combo.pem", expected: "RSA-2048", passphrase: nil),
        ]
        return cases
    }()

    @Test(arguments: cases)
    func loads(_ c: Case) throws {
        let pki = TestPKI.shared
        let identity = try SigningIdentity.load(
            certificate: pki.path(c.certificate),
            privateKey: c.key.map(pki.path),
            passphrase: c.passphrase.map { .value(Passphrase($0)) }
        )
        #expect(identity.key.keyDescription == c.expected)
        #expect(identity.key.publicKey == identity.certificate.publicKey)
        #expect(identity.serialNumber == pki.serials[c.certificate.replacingOccurrences(of: ".der", with: ".pem")])
    }

    @Test(arguments: [
        ("rsa2048.p12", "RSA-2048", 2, TestPKI.passphrase),
        ("rsa2048.nopass.p12", "RSA-2048", 2, nil),
        ("rsa2048.legacy.p12", "RSA-2048", 2, TestPKI.passphrase),
        ("p256.legacy.p12", "EC P-256", 2, TestPKI.passphrase),
        ("p256.legacy-nopass.p12", "EC P-256", 2, nil),
        ("p256.p12", "EC P-256", 2, TestPKI.passphrase),
    ] as [(String, String, Int, String?)])
    func pkcs12(_ file: String, _ expected: String, _ chainCount: Int, _ passphrase: String?) throws {
        let pki = TestPKI.shared
        let identity = try SigningIdentity.load(certificate: pki.path(file), passphrase: passphrase.map { .value(Passphrase($0)) })
        #expect(identity.key.keyDescription == expected)
        #expect(identity.intermediates.count == chainCount)
        #expect(!identity.intermediates.contains(identity.certificate))
    }

    @Test func combinedFilesHoldKeyAndCertificate() throws {
        let pki = TestPKI.shared
        #expect(try SigningIdentity.load(certificate: pki.path("rsa2048.combo.pem")).key.keyDescription == "RSA-2048")
        #expect(try SigningIdentity.load(certificate: pki.path("p256.combo.pem")).key.keyDescription == "EC P-256")
        let withChain = try SigningIdentity.load(certificate: pki.path("p384.combo-chain.pem"))
        #expect(withChain.key.keyDescription == "EC P-384")
        #expect(withChain.intermediates.count == 1)
    }

    @Test(arguments: [("intermediates.pem", 1), ("chain-2.pem", 2), ("chain-with-comments.pem", 2)])
    func chains(_ file: String, _ count: Int) throws {
        let pki = TestPKI.shared
        let identity = try SigningIdentity.load(certificate: pki.path("p256.pem"), privateKey: pki.path("p256.pkcs8.key"), intermediates: pki.path(file))
        #expect(identity.intermediates.count == count)
        #expect(identity.intermediates[0].subject.description.contains("Intermediate"))
    }

    @Test func leafRepeatedInChainIsDropped() throws {
        let pki = TestPKI.shared
        let bundle = try pki.bytes("p256.pem") + pki.bytes("intermediates.pem")
        let path = try pki.scratchFile("leaf-and-chain.pem", bundle)
        let identity = try SigningIdentity.load(certificate: pki.path("p256.pem"), privateKey: pki.path("p256.pkcs8.key"), intermediates: path)
        #expect(identity.intermediates.count == 1)
    }

    @Test func fullChainCertificateFileBecomesTheChain() throws {
        let pki = TestPKI.shared
        let path = try pki.scratchFile("fullchain.pem", try pki.bytes("p256.pem") + pki.bytes("chain-2.pem"))
        let identity = try SigningIdentity.load(certificate: path, privateKey: pki.path("p256.pkcs8.key"))
        #expect(identity.intermediates.count == 2)
    }

    @Test func crlfAndBOMAreAccepted() throws {
        let pki = TestPKI.shared
        let text = String(decoding: try pki.bytes("p256.pem"), as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n")
        let path = try pki.scratchFile("crlf.pem", Array("\u{FEFF}".utf8) + Array(text.utf8))
        #expect(try SigningIdentity.load(certificate: path, privateKey: pki.path("p256.sec1.key")).key.keyDescription == "EC P-256")
    }

    @Test func inMemoryLoading() throws {
        let pki = TestPKI.shared
        let identity = try SigningIdentity.load(certificateBytes: try pki.bytes("p384.pem"), privateKeyBytes: try pki.bytes("p384.pbes2-sha256-aes256.key"), passphrase: .value(Passphrase(TestPKI.passphrase)))
        #expect(identity.key.keyDescription == "EC P-384")
    }

    @Test func passphraseFromEnvironmentAndFile() throws {
        let pki = TestPKI.shared
        let variable = "ROLEKIT_TEST_PASSPHRASE_\(UInt32.random(in: 0...UInt32.max))"
        setenv(variable, TestPKI.passphrase, 1)
        defer { unsetenv(variable) }
        let fromEnv = try SigningIdentity.load(certificate: pki.path("p256.pem"), privateKey: pki.path("p256.pbes2-sha256-aes256.key"), passphrase: .environment(variable))
        #expect(fromEnv.key.keyDescription == "EC P-256")
        let file = try pki.scratchFile("pass.txt", text: TestPKI.passphrase + "\n")
        let fromFile = try SigningIdentity.load(certificate: pki.path("p256.pem"), privateKey: pki.path("p256.pbes2-sha256-aes256.key"), passphrase: .file(file))
        #expect(fromFile.key.keyDescription == "EC P-256")
        let chained = try SigningIdentity.load(certificate: pki.path("p256.pem"), privateKey: pki.path("p256.pbes2-sha256-aes256.key"), passphrase: .firstAvailable([.environment("ROLEKIT_UNSET_\(variable)"), .file(file)]))
        #expect(chained.key.keyDescription == "EC P-256")
    }

    @Test func unencryptedKeyNeverAsksForAPassphrase() throws {
        let pki = TestPKI.shared
        // An unset variable would fail if it were read.
        let identity = try SigningIdentity.load(certificate: pki.path("p256.pem"), privateKey: pki.path("p256.pkcs8.key"), passphrase: .environment("ROLEKIT_DEFINITELY_UNSET_VARIABLE"))
        #expect(identity.key.keyDescription == "EC P-256")
    }

    @Test func passphraseDescriptionIsRedacted() {
        let passphrase = Passphrase("hunter2")
        #expect(!"\(passphrase)".contains("hunter2"))
        #expect(!String(reflecting: passphrase).contains("hunter2"))
        #expect(!"\(PassphraseSource.value(passphrase))".contains("hunter2"))
    }
}
