import Crypto
import _CryptoExtras
public import FoundationEssentials
import RoleKitSupport
import SwiftASN1
import RoleKitSigning
import X509
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A root CA, an intermediate CA and a leaf certificate made on the spot with
/// swift-certificates, written as PEM files: enough PKI to try Roles Anywhere locally.
///
/// Never use these for anything real: the keys sit unencrypted in a temporary folder.
public struct ThrowawayPKI: Sendable {
    /// The leaf key algorithm.
    public enum KeyType: String, Sendable, CaseIterable {
        case p256 = "P-256"
        case p384 = "P-384"
        case rsa2048 = "RSA-2048"
    }

    /// The folder holding the files (mode 0700).
    public let directory: String
    /// `root-ca.pem`: the trust anchor.
    public let rootCertificatePath: String
    /// `intermediate-ca.pem`: pass as `--intermediates`.
    public let intermediatePath: String
    /// `leaf.pem` and `leaf.key` (PKCS#8): pass as `--certificate` and `--private-key`.
    public let leafCertificatePath: String
    public let leafKeyPath: String
    /// The leaf's serial number in decimal, as it appears in the SigV4-X509 credential.
    public let leafSerial: String
    public let leafSubject: String
    /// `server.pem` (server certificate then the intermediate) and `server.key`, for serving
    /// HTTPS on the names given to ``make(leafKeyType:commonName:serverNames:parent:now:)``;
    /// `nil` when none were given.
    public let serverCertificateChainPath: String?
    public let serverKeyPath: String?

    /// Makes the PKI in a new folder under `parent` (default: the system temporary folder).
    public static func make(leafKeyType: KeyType = .p256, commonName: String = "rolekit-quickstart", serverNames: [String] = [], parent: String? = nil, now: Date = Date()) throws -> ThrowawayPKI {
        let base = parent ?? SystemEnvironment.temporaryDirectory
        var template = Array("\(base)/rolekit-pki-XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw EmulatorError.configuration("cannot create a temporary folder in \(base) (errno \(errno))")
        }
        let directory = String(cString: created)

        let rootKey = P256.Signing.PrivateKey()
        let rootName = try DistinguishedName { CommonName("RoleKit Throwaway Root CA"); OrganizationName("RoleKit") }
        let root = try certificate(
            subject: rootName, publicKey: .init(rootKey.publicKey), issuer: rootName, issuerKey: .init(rootKey),
            isCA: true, pathLength: 1, now: now, days: 2
        )
        let intermediateKey = P256.Signing.PrivateKey()
        let intermediateName = try DistinguishedName { CommonName("RoleKit Throwaway Intermediate CA"); OrganizationName("RoleKit") }
        let intermediate = try certificate(
            subject: intermediateName, publicKey: .init(intermediateKey.publicKey), issuer: rootName, issuerKey: .init(rootKey),
            isCA: true, pathLength: 0, now: now, days: 2
        )
        let leafKey: Certificate.PrivateKey
        switch leafKeyType {
        case .p256: leafKey = .init(P256.Signing.PrivateKey())
        case .p384: leafKey = .init(P384.Signing.PrivateKey())
        case .rsa2048: leafKey = .init(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        }
        let leafName = try DistinguishedName { CommonName(commonName); OrganizationName("RoleKit") }
        let leaf = try certificate(
            subject: leafName, publicKey: leafKey.publicKey, issuer: intermediateName, issuerKey: .init(intermediateKey),
            isCA: false, pathLength: nil, now: now, days: 1
        )

        var server: (certificate: Certificate, key: Certificate.PrivateKey)?
        if !serverNames.isEmpty {
            let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
            let name = try DistinguishedName { CommonName(serverNames[0]); OrganizationName("RoleKit") }
            let certificate = try certificate(
                subject: name, publicKey: key.publicKey, issuer: intermediateName, issuerKey: .init(intermediateKey),
                isCA: false, pathLength: nil, now: now, days: 1, serverNames: serverNames
            )
            server = (certificate, key)
        }
        let pki = ThrowawayPKI(
            directory: directory,
            rootCertificatePath: directory + "/root-ca.pem",
            intermediatePath: directory + "/intermediate-ca.pem",
            leafCertificatePath: directory + "/leaf.pem",
            leafKeyPath: directory + "/leaf.key",
            leafSerial: leaf.serialNumber.decimalString,
            leafSubject: String(describing: leafName),
            serverCertificateChainPath: server == nil ? nil : directory + "/server.pem",
            serverKeyPath: server == nil ? nil : directory + "/server.key"
        )
        try write(try root.serializeAsPEM().pemString, to: pki.rootCertificatePath)
        try write(try intermediate.serializeAsPEM().pemString, to: pki.intermediatePath)
        try write(try leaf.serializeAsPEM().pemString, to: pki.leafCertificatePath)
        try write(try leafKey.serializeAsPEM().pemString, to: pki.leafKeyPath)
        if let server, let chainPath = pki.serverCertificateChainPath, let keyPath = pki.serverKeyPath {
            try write(try server.certificate.serializeAsPEM().pemString + "\n" + intermediate.serializeAsPEM().pemString, to: chainPath)
            try write(try server.key.serializeAsPEM().pemString, to: keyPath)
        }
        return pki
    }

    /// Deletes the folder and its files.
    public func remove() {
        for path in [rootCertificatePath, intermediatePath, leafCertificatePath, leafKeyPath, serverCertificateChainPath, serverKeyPath].compactMap({ $0 }) { unlink(path) }
        rmdir(directory)
    }

    private static func certificate(
        subject: DistinguishedName, publicKey: Certificate.PublicKey, issuer: DistinguishedName, issuerKey: Certificate.PrivateKey,
        isCA: Bool, pathLength: Int?, now: Date, days: Int, serverNames: [String] = []
    ) throws -> Certificate {
        var serial = [UInt8](repeating: 0, count: 16)
        for index in serial.indices { serial[index] = UInt8.random(in: 0...255) }
        serial[0] &= 0x7F
        if serial[0] == 0 { serial[0] = 1 }
        let extensions = try Certificate.Extensions {
            Critical(isCA ? BasicConstraints.isCertificateAuthority(maxPathLength: pathLength) : BasicConstraints.notCertificateAuthority)
            Critical(isCA ? KeyUsage(keyCertSign: true, cRLSign: true) : KeyUsage(digitalSignature: true))
            if !isCA { try ExtendedKeyUsage(serverNames.isEmpty ? [.clientAuth] : [.serverAuth]) }
            if !serverNames.isEmpty {
                SubjectAlternativeNames(serverNames.map { name -> GeneralName in
                    if let address = IPv4Address.parse(name) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(address))) }
                    return .dnsName(name)
                })
            }
            SubjectKeyIdentifier(hash: publicKey)
        }
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(bytes: serial),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(TimeInterval(days) * 86_400),
            issuer: issuer,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: issuerKey
        )
    }

    private static func write(_ text: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw EmulatorError.configuration("cannot create \(path) (errno \(errno))") }
        defer { close(descriptor) }
        guard SystemCall.writeAll(descriptor, Array((text.hasSuffix("\n") ? text : text + "\n").utf8)) else {
            throw EmulatorError.configuration("cannot write \(path) (errno \(errno))")
        }
    }
}



/// Dotted-quad IPv4 parsing for subject alternative names.
enum IPv4Address {
    static func parse(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }
}
