public import RoleKitSigning
public import X509

extension SigningIdentity {
    /// Loads an identity from files, as `aws_signing_helper` takes them.
    ///
    /// - Parameters:
    ///   - certificate: PEM or DER certificate, a PEM file with the key too, or PKCS#12. Extra
    ///     certificates in a PEM file become the chain when `intermediates` is not given.
    ///   - privateKey: PKCS#1, PKCS#8 (plain or encrypted), SEC1 or traditional encrypted PEM,
    ///     or DER. `nil` when `certificate` holds the key (combined PEM or PKCS#12).
    ///   - intermediates: A PEM bundle of chain certificates (any number, comments allowed).
    ///   - passphrase: Where the passphrase comes from, asked only for encrypted files.
    ///   - tpm: The TPM and key password for a `TSS2 PRIVATE KEY` file or a `handle:0x81…`
    ///     private key (see ``TPMKey``).
    ///
    /// Paths starting with `~` are expanded.
    public static func load(
        certificate: String,
        privateKey: String? = nil,
        intermediates: String? = nil,
        passphrase: PassphraseSource? = nil,
        tpm: TPMKey.Options = .init()
    ) throws(IdentityError) -> SigningIdentity {
        if let privateKey, TPMKey.isHandle(privateKey) {
            let certificates = try loadCertificates(path: certificate, passphrase: passphrase)
            guard let leaf = certificates.first else { throw IdentityError(.noCertificate, "no certificate found in the file", path: SecureFileReader.expandTilde(certificate)) }
            let chain = try intermediates.map { path throws(IdentityError) in try loadCertificates(path: path) } ?? Array(certificates.dropFirst())
            let key = try TPMKey.privateKey(handle: privateKey, certificate: leaf, options: tpm)
            return try SigningIdentity(certificate: leaf, intermediates: chain, key: key)
        }
        let certificateBytes = try SecureFileReader.readFile(certificate, what: "certificate")
        let keyBytes = try privateKey.map { path throws(IdentityError) in try SecureFileReader.readFile(path, what: "private key") }
        let chainBytes = try intermediates.map { path throws(IdentityError) in try SecureFileReader.readFile(path, what: "intermediates") }
        return try load(
            certificateBytes: certificateBytes,
            privateKeyBytes: keyBytes,
            intermediatesBytes: chainBytes,
            passphrase: passphrase,
            tpm: tpm,
            paths: (SecureFileReader.expandTilde(certificate), privateKey.map(SecureFileReader.expandTilde), intermediates.map(SecureFileReader.expandTilde))
        )
    }

    /// Loads an identity from file contents already in memory (for example from stdin or an
    /// environment variable). Same formats as ``load(certificate:privateKey:intermediates:passphrase:)``.
    public static func load(
        certificateBytes: [UInt8],
        privateKeyBytes: [UInt8]? = nil,
        intermediatesBytes: [UInt8]? = nil,
        passphrase: PassphraseSource? = nil,
        tpm: TPMKey.Options = .init()
    ) throws(IdentityError) -> SigningIdentity {
        try load(certificateBytes: certificateBytes, privateKeyBytes: privateKeyBytes, intermediatesBytes: intermediatesBytes, passphrase: passphrase, tpm: tpm, paths: (nil, nil, nil))
    }

    /// Reads only the certificate side of `path` (PEM, DER or PKCS#12): the leaf and any other
    /// certificates in the file. Used by `read-certificate-data`.
    public static func loadCertificates(path: String, passphrase: PassphraseSource? = nil) throws(IdentityError) -> [Certificate] {
        let bytes = try SecureFileReader.readFile(path, what: "certificate")
        let expanded = SecureFileReader.expandTilde(path)
        do throws(IdentityError) {
            let file = try CredentialFile.parse(bytes, role: .certificate)
            if let pkcs12 = file.pkcs12 {
                let contents = try PKCS12Loader.load(pkcs12, passphrase: PassphraseCache(passphrase, path: expanded).get)
                return [contents.certificate] + contents.others
            }
            guard !file.certificates.isEmpty else { throw noCertificate(file) }
            try CertificateKeyInfo.checkSupported(file.certificates[0])
            return file.certificates
        } catch {
            throw error.at(expanded)
        }
    }

    private static func load(
        certificateBytes: [UInt8],
        privateKeyBytes: [UInt8]?,
        intermediatesBytes: [UInt8]?,
        passphrase: PassphraseSource?,
        tpm: TPMKey.Options,
        paths: (certificate: String?, key: String?, chain: String?)
    ) throws(IdentityError) -> SigningIdentity {
        let cache = PassphraseCache(passphrase, path: paths.key ?? paths.certificate)
        var leaf: Certificate
        var chain: [Certificate]
        var key: X509SigningKey?

        // Certificate file.
        do throws(IdentityError) {
            let file = try CredentialFile.parse(certificateBytes, role: .certificate)
            if let pkcs12 = file.pkcs12 {
                let contents = try PKCS12Loader.load(pkcs12, passphrase: cache.get)
                leaf = contents.certificate
                chain = contents.others
                if privateKeyBytes == nil {
                    key = try PrivateKeyDecoder.decodeUnknownDER(contents.keyDER)
                }
            } else {
                guard let first = file.certificates.first else { throw noCertificate(file) }
                if let label = file.otherBlocks.first {
                    throw IdentityError(.unexpectedPEMBlock, "PEM block \(label.index) is \(label.label), which does not belong in a certificate file")
                }
                leaf = first
                chain = Array(file.certificates.dropFirst())
                if privateKeyBytes == nil {
                    if file.keys.count + file.tpmKeys.count > 1 {
                        throw IdentityError(.multiplePrivateKeys, "the file holds \(file.keys.count + file.tpmKeys.count) private keys; keep one")
                    }
                    if let candidate = file.keys.first {
                        key = try candidate.decode(passphrase: cache.get)
                    } else if let block = file.tpmKeys.first {
                        key = try TPMKey.privateKey(tss2KeyDER: block.der, certificate: first, options: tpm)
                    } else if let unsupported = file.unsupportedKeys.first {
                        throw PrivateKeyDecoder.unsupported(unsupported + " key")
                    }
                }
            }
            try CertificateKeyInfo.checkSupported(leaf)
        } catch {
            throw error.at(paths.certificate)
        }

        // Private key file.
        if let privateKeyBytes {
            do throws(IdentityError) {
                let file = try CredentialFile.parse(privateKeyBytes, role: .privateKey)
                if file.pkcs12 != nil {
                    throw IdentityError(.malformedPrivateKey, "this is a PKCS#12 bundle; give it as the certificate and leave out the private key")
                }
                if let unsupported = file.unsupportedKeys.first, file.keys.isEmpty, file.tpmKeys.isEmpty {
                    throw PrivateKeyDecoder.unsupported(unsupported + " key")
                }
                if file.keys.count + file.tpmKeys.count > 1 {
                    throw IdentityError(.multiplePrivateKeys, "the private key file holds \(file.keys.count + file.tpmKeys.count) private keys; keep one")
                }
                if let block = file.tpmKeys.first {
                    key = try TPMKey.privateKey(tss2KeyDER: block.der, certificate: leaf, options: tpm)
                } else {
                guard let candidate = file.keys.first else {
                    if !file.certificates.isEmpty {
                        throw IdentityError(.noPrivateKey, "this file holds a certificate, not a private key; check which file is the certificate and which the key")
                    }
                    if let other = file.otherBlocks.first {
                        throw IdentityError(.unexpectedPEMBlock, "PEM block \(other.index) is \(other.label), not a private key")
                    }
                    throw IdentityError(.noPrivateKey, "no private key found in the file")
                }
                key = try candidate.decode(passphrase: cache.get)
                }
            } catch {
                throw error.at(paths.key)
            }
        }

        // Intermediates file.
        if let intermediatesBytes {
            do throws(IdentityError) {
                let file = try CredentialFile.parse(intermediatesBytes, role: .chain)
                if file.pkcs12 != nil {
                    throw IdentityError(.chainContainsNonCertificate, "the intermediates file is PKCS#12; give a PEM bundle of certificates")
                }
                if case .pem(let block, _)? = file.keys.first {
                    throw IdentityError(.chainContainsNonCertificate, "PEM block \(block.index) of the intermediates file is a \(block.label); it must hold certificates only (never a key)")
                }
                if !file.keys.isEmpty || !file.unsupportedKeys.isEmpty {
                    throw IdentityError(.chainContainsNonCertificate, "the intermediates file holds a private key; it must hold certificates only")
                }
                if let other = file.otherBlocks.first {
                    throw IdentityError(.chainContainsNonCertificate, "PEM block \(other.index) of the intermediates file is \(other.label); it must hold certificates only")
                }
                guard !file.certificates.isEmpty else {
                    throw IdentityError(.emptyChain, "the intermediates file holds no certificate")
                }
                chain = file.certificates
            } catch {
                throw error.at(paths.chain)
            }
        }

        guard let key else {
            throw IdentityError(
                .noPrivateKey,
                "no private key: give the private key file, or a certificate file that also holds the key (combined PEM or PKCS#12)",
                path: paths.certificate
            )
        }
        do throws(IdentityError) {
            return try SigningIdentity(certificate: leaf, intermediates: chain, key: key)
        } catch {
            throw error.at(paths.key ?? paths.certificate)
        }
    }

    private static func noCertificate(_ file: CredentialFile) -> IdentityError {
        if !file.keys.isEmpty {
            return IdentityError(.noCertificate, "this file holds a private key but no certificate; give the certificate file as the certificate and this file as the private key")
        }
        if let other = file.otherBlocks.first {
            return IdentityError(.unexpectedPEMBlock, "PEM block \(other.index) is \(other.label), not a CERTIFICATE")
        }
        return IdentityError(.noCertificate, "no certificate found in the file")
    }
}

/// Resolves a passphrase source at most once per load, and only when something is encrypted.
final class PassphraseCache: @unchecked Sendable {
    private let source: PassphraseSource?
    private let path: String?
    private var value: Passphrase?

    init(_ source: PassphraseSource?, path: String?) {
        self.source = source
        self.path = path
    }

    func get() throws(IdentityError) -> Passphrase? {
        if let value { return value }
        guard let source else { return nil }
        let resolved = try source.resolve(prompt: "Passphrase for \(path ?? "the private key"): ")
        value = resolved
        return resolved
    }
}
