import RoleKitSigning

extension CredentialFile.KeyCandidate {
    /// Decodes the key, asking `passphrase` only when it is encrypted.
    func decode(passphrase: () throws(IdentityError) -> Passphrase?) throws(IdentityError) -> X509SigningKey {
        switch self {
        case .der(let der):
            if case .supported = (try? PBES2.parse(der)) ?? .other("") {
                return try decryptPKCS8(der, passphrase: passphrase)
            }
            return try PrivateKeyDecoder.decodeUnknownDER(der)
        case .pem(let block, let curveHint):
            if block.label == "ENCRYPTED PRIVATE KEY" {
                return try decryptPKCS8(block.der, pem: block, passphrase: passphrase)
            }
            guard let format = PrivateKeyDecoder.format(ofLabel: block.label) else {
                throw IdentityError(.malformedPrivateKey, "PEM block \(block.index) (\(block.label)) is not a private key")
            }
            if LegacyPEMEncryption.isEncrypted(block) {
                let secret = try required(passphrase)
                if let parameters = try LegacyPEMEncryption.parameters(block) {
                    let der = try LegacyPEMEncryption.decrypt(block, parameters: parameters, passphrase: secret)
                    return try PrivateKeyDecoder.decode(der, format: format, curveHint: curveHint)
                }
                let cipher = block.headers["DEK-Info"]?.split(separator: ",").first.map(String.init) ?? "unknown cipher"
                let der = try BoringSSLKeyDecryptor.decrypt(pem: block.pemText, passphrase: secret, scheme: "traditional PEM, \(cipher)")
                return try PrivateKeyDecoder.decodeUnknownDER(der)
            }
            return try PrivateKeyDecoder.decode(block.der, format: format, curveHint: curveHint)
        }
    }

    private func decryptPKCS8(_ der: [UInt8], pem: PEMBlock? = nil, passphrase: () throws(IdentityError) -> Passphrase?) throws(IdentityError) -> X509SigningKey {
        switch try PBES2.parse(der) {
        case .supported(let parameters):
            let plaintext = try PBES2.decrypt(parameters, passphrase: try required(passphrase))
            return try PrivateKeyDecoder.decodePKCS8(plaintext)
        case .other(let scheme):
            let secret = try required(passphrase)
            let text = pem?.pemText ?? PEMBlock(label: "ENCRYPTED PRIVATE KEY", headers: [:], der: der, index: 1).pemText
            let plain = try BoringSSLKeyDecryptor.decrypt(pem: text, passphrase: secret, scheme: scheme)
            return try PrivateKeyDecoder.decodeUnknownDER(plain)
        }
    }

    private func required(_ passphrase: () throws(IdentityError) -> Passphrase?) throws(IdentityError) -> Passphrase {
        guard let secret = try passphrase() else {
            throw IdentityError(
                .passphraseRequired,
                "the private key is encrypted; give its passphrase (or run on a terminal to be asked)"
            )
        }
        return secret
    }
}

extension PEMBlock {
    /// The block as PEM text again, headers included.
    var pemText: String {
        var text = "-----BEGIN \(label)-----\n"
        if !headers.isEmpty {
            // Proc-Type must precede DEK-Info.
            for name in headers.keys.sorted(by: { $0 == "Proc-Type" ? true : ($1 == "Proc-Type" ? false : $0 < $1) }) {
                text += "\(name): \(headers[name]!)\n"
            }
            text += "\n"
        }
        let encoded = Array(Base64Text.encode(der).utf8)
        var index = 0
        while index < encoded.count {
            let end = min(index + 64, encoded.count)
            text += String(decoding: encoded[index..<end], as: UTF8.self) + "\n"
            index = end
        }
        return text + "-----END \(label)-----\n"
    }
}

import FoundationEssentials

enum Base64Text {
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
