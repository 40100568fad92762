import Crypto
import _CryptoExtras
public import FoundationEssentials
public import RoleKitSigning
import RoleKitSupport
import SwiftASN1
public import X509

/// Certificates and keys on a PKCS#11 token, found as `aws_signing_helper` finds them: the
/// slots whose slot and token match the URI; certificates without login (then with the PIN
/// when one slot matched and nothing was found); keys by `CKA_ID` and label (the
/// certificate's when the key URI names none), each candidate checked by signing a test
/// string that the certificate's public key must verify.
///
/// Errors list what matched by label and id only; PINs never appear.
public struct PKCS11Token: Sendable {
    /// Where the module comes from and how the PIN is had.
    public struct Options: Sendable {
        /// `--pkcs11-lib`; else the URI's `module-path`; else `p11-kit-proxy.so`.
        public var modulePath: String?
        /// The user PIN when the URI has no `pin-value` (flag, environment, file, prompt).
        public var pin: PassphraseSource?
        /// Use the user PIN for keys that ask for it again (`CKA_ALWAYS_AUTHENTICATE`).
        public var reusePIN: Bool

        public init(modulePath: String? = nil, pin: PassphraseSource? = nil, reusePIN: Bool = false) {
            self.modulePath = modulePath
            self.pin = pin
            self.reusePIN = reusePIN
        }
    }

    static let classCertificate: UInt = 1, classPrivateKey: UInt = 3
    static let attributeClass: UInt = 0x0, attributeLabel: UInt = 0x3, attributeValue: UInt = 0x11, attributeKeyType: UInt = 0x100, attributeId: UInt = 0x102
    static let attributeAlwaysAuthenticate: UInt = 0x202

    static func ulong(_ value: UInt) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

    static func module(for uri: PKCS11URI, options: Options) throws(IdentityError) -> PKCS11Module {
        try PKCS11Module.open(options.modulePath ?? uri.modulePath ?? "p11-kit-proxy.so")
    }

    /// The slots of `module` matching `uri`.
    static func matchingSlots(_ module: PKCS11Module, _ uri: PKCS11URI) throws(IdentityError) -> [PKCS11Module.SlotInfo] {
        try module.slots().filter { slot in
            (uri.token.map { $0 == slot.token.label } ?? true) && (uri.manufacturer.map { $0 == slot.token.manufacturer } ?? true)
                && (uri.serial.map { $0 == slot.token.serial } ?? true) && (uri.model.map { $0 == slot.token.model } ?? true)
                && (uri.slotDescription.map { $0 == slot.description } ?? true) && (uri.slotManufacturer.map { $0 == slot.manufacturer } ?? true)
                && (uri.slotId.map { $0 == 0 || $0 == slot.id } ?? true)
        }
    }

    static func pin(_ uri: PKCS11URI, _ options: Options, token: String) throws(IdentityError) -> [UInt8] {
        if let value = uri.pinValue { return Array(value.utf8) }
        guard let source = options.pin else {
            throw IdentityError(.pkcs11PINRequired, "token \(SafeText.excerpt(token, limit: 64)) needs its user PIN: give pin-value in the URI, or a PIN flag, variable or file")
        }
        return try source.resolve(prompt: "Please enter your user PIN: ").bytes
    }

    static func template(class objectClass: UInt, _ uri: PKCS11URI) -> [(UInt, [UInt8])] {
        var template: [(UInt, [UInt8])] = [(attributeClass, ulong(objectClass))]
        if let id = uri.id { template.append((attributeId, id)) }
        if let label = uri.object { template.append((attributeLabel, Array(label.utf8))) }
        return template
    }

    static func describe(_ id: [UInt8]?, _ label: [UInt8]?) -> String {
        "label \(label.map { SafeText.excerpt(String(decoding: $0, as: UTF8.self), limit: 64) } ?? "-"), id \(id.map { Hex.encode($0) } ?? "-")"
    }

    /// The one certificate `uri` names, with its `CKA_ID` and label.
    public static func certificate(_ uri: PKCS11URI, options: Options = .init()) throws(IdentityError) -> (certificate: Certificate, id: [UInt8]?, label: String?) {
        let module = try module(for: uri, options: options)
        let slots = try matchingSlots(module, uri)
        guard !slots.isEmpty else { throw IdentityError(.pkcs11NotFound, "no matching slots for \(uri)") }
        var found: [(der: [UInt8], id: [UInt8]?, label: [UInt8]?)] = []
        for slot in slots {
            try module.withSession(slot: slot.id) { (session) throws(IdentityError) in
                for object in try session.find(template(class: classCertificate, uri)) {
                    if let der = try session.attribute(object, attributeValue) {
                        found.append((der, try session.attribute(object, attributeId), try session.attribute(object, attributeLabel)))
                    }
                }
            }
        }
        if found.isEmpty, slots.count == 1, let slot = slots.first {
            let pin = try pin(uri, options, token: slot.token.label)
            try module.withSession(slot: slot.id) { (session) throws(IdentityError) in
                try session.login(pin: pin)
                for object in try session.find(template(class: classCertificate, uri)) {
                    if let der = try session.attribute(object, attributeValue) {
                        found.append((der, try session.attribute(object, attributeId), try session.attribute(object, attributeLabel)))
                    }
                }
            }
        }
        guard let first = found.first else { throw IdentityError(.pkcs11NotFound, "no matching certificates for \(uri)") }
        guard found.count == 1 else {
            throw IdentityError(.pkcs11Ambiguous, "multiple matching certificates for \(uri): \(found.map { describe($0.id, $0.label) }.joined(separator: "; ")); add id= or object= to the URI")
        }
        guard let certificate = try? Certificate(derEncoded: first.der) else {
            throw IdentityError(.malformedCertificate, "error parsing certificate \(describe(first.id, first.label)) on the token")
        }
        return (certificate, first.id, first.label.map { String(decoding: $0, as: UTF8.self) })
    }

    /// The private key `uri` names that belongs to `certificate`.
    public static func privateKey(_ uri: PKCS11URI, certificate: Certificate, options: Options = .init()) throws(IdentityError) -> X509SigningKey {
        let module = try module(for: uri, options: options)
        let slots = try matchingSlots(module, uri)
        guard let slot = slots.first else { throw IdentityError(.pkcs11NotFound, "no matching slots for \(uri)") }
        guard slots.count == 1 else {
            throw IdentityError(.pkcs11Ambiguous, "Could not identify unique slot for PKCS#11 key: \(slots.map { "token \(SafeText.excerpt($0.token.label, limit: 64)) (slot \($0.id))" }.joined(separator: ", "))")
        }
        let pin = slot.token.loginRequired ? try pin(uri, options, token: slot.token.label) : nil
        let isRSA = CertificateKeyInfo.describe(certificate.publicKey).hasPrefix("RSA")
        struct Candidate {
            var id: [UInt8]?
            var label: [UInt8]?
            var alwaysAuthenticate: Bool
        }
        var candidates: [Candidate] = []
        try module.withSession(slot: slot.id) { (session) throws(IdentityError) in
            if let pin { try session.login(pin: pin) }
            for object in try session.find(template(class: classPrivateKey, uri)) {
                let type = try session.attribute(object, attributeKeyType).map { bytes in bytes.reversed().reduce(UInt(0)) { $0 << 8 | UInt($1) } }
                guard type == (isRSA ? 0 : 3) else { continue }
                let always = try session.attribute(object, attributeAlwaysAuthenticate).map { $0.first == 1 } ?? false
                candidates.append(Candidate(id: try session.attribute(object, attributeId), label: try session.attribute(object, attributeLabel), alwaysAuthenticate: always))
            }
        }
        guard !candidates.isEmpty else { throw IdentityError(.pkcs11NotFound, "unable to find matching private key for \(uri)") }
        for candidate in candidates {
            let key = PKCS11PrivateKey(
                module: module, tokenLabel: slot.token.label, id: candidate.id, label: candidate.label, isRSA: isRSA, publicKey: certificate.publicKey,
                pin: pin.map { Passphrase(bytes: $0) }, contextPIN: candidate.alwaysAuthenticate ? (options.reusePIN ? pin.map { Passphrase(bytes: $0) } : nil) : nil, alwaysAuthenticate: candidate.alwaysAuthenticate, uri: uri
            )
            if candidate.alwaysAuthenticate && key.contextPIN == nil {
                throw IdentityError(.pkcs11PINRequired, "the key (\(describe(candidate.id, candidate.label))) asks for its PIN at every signature; pass --reuse-pin to use the user PIN")
            }
            let probe = Array("RoleKit PKCS#11 key check".utf8)
            guard let signature = try? key.signature(for: probe, digest: .sha256), ExternalKeySupport.verifies(signature, probe, certificate.publicKey, isRSA: isRSA) else { continue }
            return X509SigningKey(external: key)
        }
        throw IdentityError(.keyCertificateMismatch, "no private key on token \(SafeText.excerpt(slot.token.label, limit: 64)) matching \(uri) belongs to the certificate \(certificate.subject) (\(candidates.map { describe($0.id, $0.label) }.joined(separator: "; ")))")
    }
}

/// A private key on a PKCS#11 token. Each signature opens its own session (finding the slot
/// by token label again, so a token pulled and put back works at the next signature), logs in,
/// signs and closes: RSA with `CKM_SHA256_RSA_PKCS` (and its SHA-384/512 forms), EC with the
/// digest taken here and `CKM_ECDSA`, the raw `r‖s` turned into DER.
struct PKCS11PrivateKey: X509ExternalKey, CustomStringConvertible, CustomReflectable {
    let module: PKCS11Module
    let tokenLabel: String
    let id: [UInt8]?
    let label: [UInt8]?
    let isRSA: Bool
    let publicKey: Certificate.PublicKey
    /// PINs are kept as ``Passphrase`` values: every description of this key shows them redacted.
    let pin: Passphrase?
    let contextPIN: Passphrase?
    let alwaysAuthenticate: Bool
    let uri: PKCS11URI

    var description: String { "PKCS11PrivateKey(\(keyDescription), \(PKCS11Token.describe(id, label)))" }
    var customMirror: Mirror { Mirror(self, children: [:]) }

    var keyDescription: String { "\(CertificateKeyInfo.describe(publicKey)) on PKCS#11 token \(SafeText.excerpt(tokenLabel, limit: 64))" }

    var rawPublicKeyBytes: [UInt8] { ExternalKeySupport.rawBytes(of: publicKey) }

    /// Signs; when the token is gone or the module fails, initialises the module again (it
    /// rescans its slots) and tries once more. A refused PIN is never retried.
    func signature(for message: [UInt8], digest: X509SigningKey.Digest) throws -> [UInt8] {
        let first = Result { () throws(IdentityError) -> [UInt8] in try signOnce(message, digest: digest) }
        switch first {
        case .success(let signature):
            return signature
        case .failure(let error):
            guard error.code == .pkcs11NotFound || error.code == .pkcs11Failure else { throw error }
            try module.reinitialize()
            return try signOnce(message, digest: digest)
        }
    }

    private func signOnce(_ message: [UInt8], digest: X509SigningKey.Digest) throws(IdentityError) -> [UInt8] {
        let slots = try PKCS11Module.slotsNamed(tokenLabel, in: module)
        guard let slot = slots.first else {
            throw IdentityError(.pkcs11NotFound, "token \(SafeText.excerpt(tokenLabel, limit: 64)) is not present; put it back")
        }
        return try module.withSession(slot: slot) { (session) throws(IdentityError) -> [UInt8] in
            if let pin { try session.login(pin: pin.bytes) }
            var template: [(UInt, [UInt8])] = [(PKCS11Token.attributeClass, PKCS11Token.ulong(PKCS11Token.classPrivateKey))]
            if let id { template.append((PKCS11Token.attributeId, id)) }
            if let label { template.append((PKCS11Token.attributeLabel, label)) }
            guard let key = try session.find(template).first else {
                throw IdentityError(.pkcs11NotFound, "the key \(PKCS11Token.describe(id, label)) is no longer on token \(SafeText.excerpt(tokenLabel, limit: 64))")
            }
            if isRSA {
                let mechanism: UInt = switch digest {
                case .sha256: 0x40
                case .sha384: 0x41
                case .sha512: 0x42
                }
                return try session.sign(key: key, mechanism: mechanism, data: message, contextPIN: contextPIN?.bytes)
            }
            let hashed: [UInt8] = switch digest {
            case .sha256: Array(SHA256.hash(data: message))
            case .sha384: Array(SHA384.hash(data: message))
            case .sha512: Array(SHA512.hash(data: message))
            }
            let raw = try session.sign(key: key, mechanism: 0x1041, data: hashed, contextPIN: contextPIN?.bytes)
            guard let der = ExternalKeySupport.derECDSASignature(raw) else {
                throw IdentityError(.pkcs11Failure, "the token returned an ECDSA signature of \(raw.count) bytes")
            }
            return der
        }
    }
}

extension PKCS11Module {
    /// The ids of present slots whose token has `label`.
    static func slotsNamed(_ label: String, in module: PKCS11Module) throws(IdentityError) -> [UInt64] {
        try module.slots().filter { $0.token.label == label }.map(\.id)
    }
}
