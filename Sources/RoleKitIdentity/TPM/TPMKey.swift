public import RoleKitSigning
import RoleKitSupport
public import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Private keys held by a TPM 2.0, as `aws_signing_helper` takes them: a `TSS2 PRIVATE KEY`
/// PEM file (tpm2-openssl, tpm2-tss-engine) or a persistent handle (`handle:0x81000001`).
///
/// The TPM software stack (libtss2-esys, -tctildr, -mu) is opened at run time. Each signature
/// opens the TPM, (re-creates the parent,) loads the key, signs and flushes, so a TPM reset or
/// a restarted swtpm between refreshes costs nothing.
///
/// Not supported (as in the helper): parent or hierarchy passwords, key policies
/// (`[1] policy`, `[3] authPolicy`), importable and sealed keys, restricted signing keys and
/// keys without the `sign` attribute.
public struct TPMKey: Sendable {
    /// Which TPM, and how the key's password is had.
    public struct Options: Sendable {
        /// A TCTI configuration (`device:/dev/tpmrm0`, `swtpm:host=127.0.0.1,port=2321`,
        /// `tabrmd:`…). When `nil`: `TPM2TOOLS_TCTI`, else `TPM_DEVICE` as a device path, else
        /// `/dev/tpmrm0`, then `/dev/tpm0`. The TSS's own default list is never used: it would
        /// try a simulator on a loopback port that any local user can open.
        public var tcti: String?
        /// The key password (flag, environment, file, or `.prompt`). A key file marked
        /// `emptyAuth` refuses a given password, as the helper does; `.prompt` is only used when
        /// a password is needed, and asks again (up to three times) after a wrong one.
        public var password: PassphraseSource?
        /// `--no-tpm-key-password`: the key (a `handle:` one) has the empty password.
        public var noPassword: Bool

        public init(tcti: String? = nil, password: PassphraseSource? = nil, noPassword: Bool = false) {
            self.tcti = tcti
            self.password = password
            self.noPassword = noPassword
        }
    }

    /// `true` for `handle:0x81…` references.
    public static func isHandle(_ reference: String) -> Bool { reference.hasPrefix("handle:") }

    /// The key at persistent `handle` (`handle:0x81000001`, the `0x` optional), checked against
    /// `certificate` by a test signature.
    public static func privateKey(handle reference: String, certificate: Certificate, options: Options = .init()) throws(IdentityError) -> X509SigningKey {
        let handle = try parseHandle(reference)
        let password: PassphraseSource? = options.noPassword ? nil : options.password
        if !options.noPassword && options.password == nil {
            throw IdentityError(.tpmPasswordRequired, "give the password of TPM key handle:0x\(String(handle, radix: 16)) (--tpm-key-password-env, --tpm-key-password-file, the prompt) or --no-tpm-key-password if it has none")
        }
        let library = try TSS2Library.load()
        let tcti = try resolveTCTI(options.tcti)
        let publicBytes = try library.withContext(tcti: tcti) { (context) throws(IdentityError) -> [UInt8] in
            try context.readPublic(try context.persistent(handle))
        }
        return try make(.persistent(handle), publicBytes: publicBytes, tcti: tcti, password: password, library: library, certificate: certificate)
    }

    /// The key in a `TSS2 PRIVATE KEY` file's DER, checked against `certificate` by a test
    /// signature.
    public static func privateKey(tss2KeyDER der: [UInt8], certificate: Certificate, options: Options = .init()) throws(IdentityError) -> X509SigningKey {
        let file = try TPMKeyFile(der: der)
        var password = options.password
        if file.emptyAuth {
            if let given = password, !given.isPrompt {
                throw IdentityError(.tpmPasswordRejected, "password is provided but TPM key file indicates that one isn't required; leave out the TPM key password")
            }
            password = nil
        } else if options.noPassword {
            password = nil
        } else if password == nil {
            throw IdentityError(.tpmPasswordRequired, "the TPM key file needs its password: give it with --tpm-key-password-env, --tpm-key-password-file or at the prompt")
        }
        let library = try TSS2Library.load()
        let tcti = try resolveTCTI(options.tcti)
        return try make(.file(file), publicBytes: file.publicBlob, tcti: tcti, password: password, library: library, certificate: certificate)
    }

    private static func make(
        _ source: TPMPrivateKey.Source, publicBytes: [UInt8], tcti: String, password: PassphraseSource?, library: TSS2Library, certificate: Certificate
    ) throws(IdentityError) -> X509SigningKey {
        let area = try TPMPublicArea(tpm2bPublic: publicBytes)
        guard area.canSign, !area.isRestricted else {
            throw IdentityError(
                .invalidTPMKey,
                area.canSign ? "the TPM key is a restricted signing key, which signs only TPM-made data" : "the TPM key is not a signing key (it lacks the sign attribute); make it with a signing scheme or none"
            )
        }
        let publicKey = try area.publicKey()
        guard publicKey == certificate.publicKey else {
            throw IdentityError(
                .keyCertificateMismatch,
                "the TPM key (\(CertificateKeyInfo.describe(publicKey))) does not belong to the certificate \(certificate.subject) (whose key is \(CertificateKeyInfo.describe(certificate.publicKey))); pass the certificate issued for this TPM key"
            )
        }
        let prompting = password?.isPrompt ?? false
        var attempt = 0
        while true {
            attempt += 1
            let secret = try password.map { source throws(IdentityError) in
                try source.resolve(prompt: attempt == 1 ? "Please enter your TPM key password: " : "Incorrect TPM key password. Please try again: ")
            }
            let key = TPMPrivateKey(source: source, tcti: tcti, area: area, publicKey: publicKey, password: secret, library: library)
            let probe = Array("RoleKit TPM key check".utf8)
            let outcome = Result { () throws(IdentityError) -> [UInt8] in try key.sign(probe, digest: .sha256) }
            switch outcome {
            case .success(let signature):
                guard ExternalKeySupport.verifies(signature, probe, publicKey, isRSA: key.isRSA) else {
                    throw IdentityError(.tpmFailure, "the TPM's test signature does not verify with the certificate's key")
                }
                return X509SigningKey(external: key)
            case .failure(let error):
                if error.code == .tpmWrongPassword, prompting, attempt < 3 { continue }
                throw error
            }
        }
    }

    package static func parseHandle(_ reference: String) throws(IdentityError) -> UInt32 {
        var text = reference.dropFirst("handle:".count)
        if text.hasPrefix("0x") || text.hasPrefix("0X") { text = text.dropFirst(2) }
        guard !text.isEmpty, text.count <= 8, let handle = UInt32(text, radix: 16) else {
            throw IdentityError(.invalidTPMKey, "\(SafeText.excerpt(reference, limit: 40)) is not a TPM handle; write handle:0x81000001")
        }
        guard handle >> 24 == 0x81 else {
            throw IdentityError(.invalidTPMKey, "handle:0x\(String(handle, radix: 16)) is not a persistent key handle (0x81000000-0x81ffffff); persist the key with tpm2_evictcontrol")
        }
        return handle
    }

    /// The TCTI configuration to open: the option, `TPM2TOOLS_TCTI`, `TPM_DEVICE`, or the
    /// kernel's resource manager, then the raw device.
    static func resolveTCTI(_ given: String?) throws(IdentityError) -> String {
        func checked(_ value: String, _ origin: String) throws(IdentityError) -> String {
            guard !value.isEmpty, value.utf8.count <= 512, SafeText.isPrintableASCII(value) else {
                throw IdentityError(.tpmUnavailable, "the TCTI from \(origin) is empty, too long or not printable; give e.g. device:/dev/tpmrm0")
            }
            return value
        }
        if let given { return try checked(given, "--tpm-tcti") }
        if let value = SystemEnvironment.value("TPM2TOOLS_TCTI"), !value.isEmpty { return try checked(value, "TPM2TOOLS_TCTI") }
        if let value = SystemEnvironment.value("TPM_DEVICE"), !value.isEmpty { return try checked("device:" + value, "TPM_DEVICE") }
        for device in ["/dev/tpmrm0", "/dev/tpm0"] where access(device, F_OK) == 0 {
            return "device:" + device
        }
        throw IdentityError(
            .tpmUnavailable,
            "no TPM: /dev/tpmrm0 and /dev/tpm0 do not exist; give the TPM with --tpm-tcti (e.g. swtpm:host=127.0.0.1,port=2321), TPM2TOOLS_TCTI or TPM_DEVICE"
        )
    }
}

extension PassphraseSource {
    var isPrompt: Bool {
        if case .prompt = self { return true }
        return false
    }
}
