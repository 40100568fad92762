import ArgumentParser
import RoleKitCredentials
import RoleKitIdentity

/// `--serial-number` and `--token-code` of the STS commands; a code that is not given is asked
/// for on the terminal.
struct MFAOptions: ParsableArguments {
    @Option(name: .customLong("serial-number"), help: ArgumentHelp("MFA device ARN or serial.", valueName: "arn"))
    var serialNumber: String?

    @Option(name: .customLong("token-code"), help: ArgumentHelp("MFA code (asked on the terminal when --serial-number is given without it).", valueName: "code"))
    var tokenCode: String?

    /// For AssumeRole: the given code once, else the terminal at each refresh; `nil` without a device.
    var assumeRoleMFA: AssumeRoleCredentialProvider.MFA? {
        guard let serialNumber else { return nil }
        if let tokenCode { return .init(serialNumber: serialNumber, tokenCode: .oneTime(tokenCode)) }
        return .init(serialNumber: serialNumber, tokenCode: .provider { serial in try Self.ask(serial: serial) })
    }

    /// For GetSessionToken: the given code, else asked on the terminal; `nil` without a device.
    func code() throws -> String? {
        if let tokenCode { return tokenCode }
        return try serialNumber.map(Self.ask)
    }

    /// Reads an MFA code from the terminal.
    static func ask(serial: String) throws -> String {
        let passphrase = try TerminalPrompt.readSecret(prompt: "MFA code for \(serial): ")
        return String(decoding: passphrase.bytes, as: UTF8.self).filter { !$0.isWhitespace }
    }
}
