import SwiftASN1
import X509

/// The contents of one file given as certificate, private key or intermediates: PEM (any mix
/// of certificates and keys, with comments), DER certificate, DER key, or PKCS#12.
struct CredentialFile {
    /// A private key found in the file, still undecoded (it may need a passphrase).
    enum KeyCandidate {
        case pem(PEMBlock, curveHint: ASN1ObjectIdentifier?)
        case der([UInt8])
    }

    var certificates: [Certificate] = []
    var keys: [KeyCandidate] = []
    /// Raw PKCS#12 bytes, opened later because that needs the passphrase source.
    var pkcs12: [UInt8]?
    /// Labels of PEM blocks that are neither certificates nor keys, with their index.
    var otherBlocks: [(label: String, index: Int)] = []
    /// Labels of unsupported key formats found (DSA, OpenSSH, …).
    var unsupportedKeys: [String] = []
    /// `TSS2 PRIVATE KEY` blocks: keys that live in a TPM.
    var tpmKeys: [PEMBlock] = []

    /// Parses `bytes`. `role` decides how undecorated DER is read ("certificate" or "private key").
    static func parse(_ bytes: [UInt8], role: Role) throws(IdentityError) -> CredentialFile {
        var file = CredentialFile()
        if PEMBlock.looksLikePEM(bytes) {
            let blocks = try PEMBlock.parse(bytes)
            let curveHint = blocks.first { $0.label == "EC PARAMETERS" }.flatMap { try? ASN1ObjectIdentifier(derEncoded: $0.der) }
            for block in blocks {
                switch block.label {
                case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
                    file.certificates.append(try parseCertificate(block.der, where: "PEM block \(block.index)"))
                case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
                    file.keys.append(.pem(block, curveHint: curveHint))
                case "TSS2 PRIVATE KEY":
                    file.tpmKeys.append(block)
                case "EC PARAMETERS":
                    continue
                default:
                    if let unsupported = PrivateKeyDecoder.unsupportedLabel(block.label) {
                        file.unsupportedKeys.append(unsupported)
                    } else {
                        file.otherBlocks.append((block.label, block.index))
                    }
                }
            }
            return file
        }
        if PKCS12Loader.looksLikePKCS12(bytes) {
            file.pkcs12 = bytes
            return file
        }
        guard (try? DER.parse(bytes)) != nil else {
            if bytes.first == 0x30 {
                throw IdentityError(.malformedDER, "DER data that is damaged or truncated (a PKCS#12 bundle, certificate or key cut short?); copy the file again")
            }
            throw IdentityError(.malformedPEM, "neither PEM, DER nor PKCS#12: expected a \(role.rawValue) in one of those formats")
        }
        switch role {
        case .certificate, .chain:
            file.certificates.append(try parseCertificate(bytes, where: "the DER data"))
        case .privateKey:
            file.keys.append(.der(bytes))
        }
        return file
    }

    enum Role: String {
        case certificate = "certificate"
        case privateKey = "private key"
        case chain = "certificate chain"
    }

    static func parseCertificate(_ der: [UInt8], where location: String) throws(IdentityError) -> Certificate {
        do {
            return try Certificate(derEncoded: der)
        } catch {
            if let (name, bits) = CertificateKeyInfo.unparsedKeyAlgorithm(der) {
                if name == "RSA", let bits, bits < 2048 {
                    throw IdentityError(.keyTooSmall, "the certificate's key is RSA-\(bits); RoleKit needs RSA 2048 bits or more (or EC P-256/P-384)")
                }
                if name != "RSA" {
                    throw PrivateKeyDecoder.unsupported(name).withMessagePrefix("the certificate's key: ")
                }
            }
            throw IdentityError(.malformedCertificate, "\(location) is not a valid X.509 certificate (damaged, truncated or not a certificate)")
        }
    }
}
