/// An error loading a certificate, chain or private key.
///
/// Every error says which file and what to do. Compare errors by ``code``; messages are for
/// people. No message ever contains a passphrase or key material.
public struct IdentityError: Error, Hashable, CustomStringConvertible, Sendable {
    /// An extensible set of error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Backing: String, Hashable, Sendable {
            case fileNotFound, isDirectory, permissionDenied, emptyFile, fileTooLarge, unreadable, notRegularFile
            case malformedPEM, malformedDER, unterminatedPEM, invalidBase64, unexpectedPEMBlock
            case noCertificate, malformedCertificate
            case noPrivateKey, multiplePrivateKeys, malformedPrivateKey
            case unsupportedKeyType, keyTooSmall, keyCertificateMismatch
            case passphraseRequired, wrongPassphrase, unsupportedEncryption, passphraseUnavailable
            case malformedPKCS12, pkcs12WrongPassword, pkcs12WithoutKey
            case chainContainsNonCertificate, emptyChain
            case invalidPKCS11URI, pkcs11ModuleUnavailable, pkcs11Failure, pkcs11NotFound, pkcs11Ambiguous, pkcs11PINRequired, pkcs11WrongPIN
            case tpmUnavailable, tpmFailure, tpmBusy, tpmLockout, tpmWrongPassword, tpmPasswordRequired, tpmPasswordRejected, invalidTPMKey
        }

        fileprivate let backing: Backing

        public static let fileNotFound = Code(backing: .fileNotFound)
        public static let isDirectory = Code(backing: .isDirectory)
        public static let permissionDenied = Code(backing: .permissionDenied)
        public static let emptyFile = Code(backing: .emptyFile)
        public static let fileTooLarge = Code(backing: .fileTooLarge)
        public static let unreadable = Code(backing: .unreadable)
        /// A FIFO, socket or device where a file was expected (never read: it could block).
        public static let notRegularFile = Code(backing: .notRegularFile)
        /// Not PEM and not a DER structure we recognise.
        public static let malformedPEM = Code(backing: .malformedPEM)
        /// DER data that does not parse (a truncated PKCS#12, certificate or key).
        public static let malformedDER = Code(backing: .malformedDER)
        /// A `BEGIN` line without its `END` line.
        public static let unterminatedPEM = Code(backing: .unterminatedPEM)
        public static let invalidBase64 = Code(backing: .invalidBase64)
        /// A PEM block of a type that does not belong in this file (e.g. `BEGIN FOO`).
        public static let unexpectedPEMBlock = Code(backing: .unexpectedPEMBlock)
        public static let noCertificate = Code(backing: .noCertificate)
        public static let malformedCertificate = Code(backing: .malformedCertificate)
        public static let noPrivateKey = Code(backing: .noPrivateKey)
        public static let multiplePrivateKeys = Code(backing: .multiplePrivateKeys)
        public static let malformedPrivateKey = Code(backing: .malformedPrivateKey)
        /// Ed25519, Ed448, DSA, P-521, secp256k1, …: named in the message.
        public static let unsupportedKeyType = Code(backing: .unsupportedKeyType)
        /// RSA below 2048 bits.
        public static let keyTooSmall = Code(backing: .keyTooSmall)
        public static let keyCertificateMismatch = Code(backing: .keyCertificateMismatch)
        /// The key is encrypted and no passphrase source was given.
        public static let passphraseRequired = Code(backing: .passphraseRequired)
        public static let wrongPassphrase = Code(backing: .wrongPassphrase)
        /// An encryption or key-derivation scheme RoleKit cannot decrypt (named in the message).
        public static let unsupportedEncryption = Code(backing: .unsupportedEncryption)
        /// The passphrase source failed: unset variable, unreadable file, no terminal.
        public static let passphraseUnavailable = Code(backing: .passphraseUnavailable)
        public static let malformedPKCS12 = Code(backing: .malformedPKCS12)
        public static let pkcs12WrongPassword = Code(backing: .pkcs12WrongPassword)
        public static let pkcs12WithoutKey = Code(backing: .pkcs12WithoutKey)
        /// An intermediates file holding something other than certificates.
        public static let chainContainsNonCertificate = Code(backing: .chainContainsNonCertificate)
        public static let emptyChain = Code(backing: .emptyChain)
        /// A PKCS#11 URI that RFC 7512 (as `aws_signing_helper` reads it) refuses.
        public static let invalidPKCS11URI = Code(backing: .invalidPKCS11URI)
        /// The PKCS#11 module could not be opened or is not a PKCS#11 module.
        public static let pkcs11ModuleUnavailable = Code(backing: .pkcs11ModuleUnavailable)
        /// A PKCS#11 call failed (the `CKR_` name is in the message).
        public static let pkcs11Failure = Code(backing: .pkcs11Failure)
        /// No slot, token, certificate or key matches the URI.
        public static let pkcs11NotFound = Code(backing: .pkcs11NotFound)
        /// Several slots, certificates or keys match; the message lists them (labels and ids only).
        public static let pkcs11Ambiguous = Code(backing: .pkcs11Ambiguous)
        /// The token needs a PIN and none can be had.
        public static let pkcs11PINRequired = Code(backing: .pkcs11PINRequired)
        /// The token refused the PIN (`CKR_PIN_INCORRECT`).
        public static let pkcs11WrongPIN = Code(backing: .pkcs11WrongPIN)

        /// No TPM software stack, no TPM at the TCTI, or the TPM stopped answering.
        public static let tpmUnavailable = Code(backing: .tpmUnavailable)
        /// A TPM command failed (the TSS2_RC is in the message).
        public static let tpmFailure = Code(backing: .tpmFailure)
        /// The TPM asked to be asked again (TPM_RC_RETRY, YIELDED, TESTING) too many times.
        public static let tpmBusy = Code(backing: .tpmBusy)
        /// The TPM's dictionary-attack protection is locked out (TPM_RC_LOCKOUT).
        public static let tpmLockout = Code(backing: .tpmLockout)
        /// The TPM refused the key password (TPM_RC_AUTH_FAIL, TPM_RC_BAD_AUTH).
        public static let tpmWrongPassword = Code(backing: .tpmWrongPassword)
        /// The TPM key needs a password and no source for it was given.
        public static let tpmPasswordRequired = Code(backing: .tpmPasswordRequired)
        /// A password was given for a key file marked emptyAuth (as `aws_signing_helper` refuses it).
        public static let tpmPasswordRejected = Code(backing: .tpmPasswordRejected)
        /// A TSS2 key file or handle RoleKit cannot use (policy, bad parent, not a signing key, …).
        public static let invalidTPMKey = Code(backing: .invalidTPMKey)

        public var description: String { backing.rawValue }
    }

    public let code: Code
    public let message: String
    /// The file concerned, if any (already `~`-expanded).
    public let path: String?

    public init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }

    public static func == (lhs: IdentityError, rhs: IdentityError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The same error, attributed to `path` when it has none yet.
    func at(_ path: String?) -> IdentityError {
        self.path == nil ? IdentityError(code, message, path: path) : self
    }
}
