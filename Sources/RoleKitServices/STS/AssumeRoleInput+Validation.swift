import FoundationEssentials

extension AssumeRoleInput {
    /// Checks what STS would reject, before any call: the role ARN, session name, duration,
    /// tags (at most 50; keys ≤ 128, values ≤ 256 characters; transitive keys among them), the
    /// external id, source identity, MFA serial and code shapes.
    public func validate() throws(STSError) {
        do {
            try ARN(parsing: roleArn).requireIAMRole(parameter: "roleArn")
        } catch {
            throw STSError(.invalidInput, error.description, parameter: error.parameter)
        }
        guard RoleSessionName.isValid(roleSessionName) else {
            throw STSError(.invalidInput, "the role session name \"\(roleSessionName)\" must be 2–64 characters of letters, digits and + = , . @ _ -")
        }
        if let durationSeconds, !(900...43_200).contains(durationSeconds) {
            throw STSError(.invalidInput, "the duration \(durationSeconds) s is outside 900–43200 s (the role's maximum session duration may be lower)")
        }
        guard tags.count <= 50 else { throw STSError(.invalidInput, "\(tags.count) session tags; STS accepts at most 50") }
        for tag in tags {
            guard (1...128).contains(tag.key.count) else { throw STSError(.invalidInput, "the tag key \"\(tag.key)\" must be 1–128 characters") }
            guard tag.value.count <= 256 else { throw STSError(.invalidInput, "the value of tag \"\(tag.key)\" is longer than 256 characters") }
            guard Self.isTagText(tag.key), Self.isTagText(tag.value) else {
                throw STSError(.invalidInput, "the tag \"\(tag.key)\" uses characters STS refuses (letters, digits, spaces and _ . : / = + - @ only)")
            }
        }
        let keys = Set(tags.map { $0.key.lowercased() })
        for key in transitiveTagKeys where !keys.contains(key.lowercased()) {
            throw STSError(.invalidInput, "the transitive tag key \"\(key)\" is not among the session tags")
        }
        guard policyArns.count <= 10 else { throw STSError(.invalidInput, "\(policyArns.count) managed session policies; STS accepts at most 10") }
        for arn in policyArns {
            let parsed: ARN
            do {
                parsed = try ARN(parsing: arn)
            } catch {
                throw STSError(.invalidInput, error.description)
            }
            guard parsed.service == "iam", parsed.resource.hasPrefix("policy/") else {
                throw STSError(.invalidInput, "invalid ARN \"\(arn)\": a session policy ARN looks like arn:aws:iam::ACCOUNT:policy/NAME")
            }
        }
        if let policy, policy.text.utf8.count > 2048 {
            throw STSError(.invalidInput, "the inline session policy is \(policy.text.utf8.count) characters; STS accepts at most 2048")
        }
        if let externalId {
            guard (2...1224).contains(externalId.count), externalId.unicodeScalars.allSatisfy(Self.isIdentifierScalar) else {
                throw STSError(.invalidInput, "the external id must be 2–1224 characters of letters, digits and + = , . @ : / -")
            }
        }
        if let sourceIdentity {
            guard (2...64).contains(sourceIdentity.count), sourceIdentity.unicodeScalars.allSatisfy(Self.isIdentifierScalar),
                !sourceIdentity.lowercased().hasPrefix("aws:")
            else {
                throw STSError(.invalidInput, "the source identity must be 2–64 characters of letters, digits and + = , . @ -, not starting with aws:")
            }
        }
        try MFA.validate(serialNumber: serialNumber, tokenCode: tokenCode)
    }

    static func isIdentifierScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 128 && (CharacterSetASCII.isAlphanumeric(scalar) || "_+=,.@:/-".unicodeScalars.contains(scalar))
    }

    static func isTagText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil || " _.:/=+-@".unicodeScalars.contains(scalar)
        }
    }
}

/// MFA serial numbers and token codes.
public enum MFA {
    /// A serial is a virtual device ARN (`arn:aws:iam::ACCOUNT:mfa/NAME`) or a hardware serial
    /// (9–256 characters of letters, digits and `+=/:,.@-`); a code is six digits.
    public static func validate(serialNumber: String?, tokenCode: String?) throws(STSError) {
        if let serialNumber {
            guard (9...256).contains(serialNumber.count), serialNumber.unicodeScalars.allSatisfy(AssumeRoleInput.isIdentifierScalar) else {
                throw STSError(.invalidInput, "the MFA serial \"\(serialNumber)\" is not a device ARN (arn:aws:iam::ACCOUNT:mfa/NAME) or serial")
            }
        }
        if let tokenCode {
            guard tokenCode.count == 6, tokenCode.allSatisfy(\.isASCIIDigit) else {
                throw STSError(.invalidInput, "the MFA code must be the 6 digits your device shows")
            }
            guard serialNumber != nil else { throw STSError(.invalidInput, "an MFA code needs the device's serial number", parameter: "serialNumber") }
        }
    }
}

extension RoleSessionName {
    /// A valid session name: `prefix-<unix seconds>-<random>` trimmed to 64 characters.
    public static func generate(prefix: String = "rolekit", now: Date = Date()) -> String {
        let random = (0..<6).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! }
        let name = "\(prefix)-\(Int(now.timeIntervalSince1970))-\(String(random))"
        let cleaned = String(name.unicodeScalars.filter { $0.value < 128 && (CharacterSetASCII.isAlphanumeric($0) || "_+=,.@-".unicodeScalars.contains($0)) }.map(Character.init))
        return String(cleaned.prefix(64))
    }
}

extension ARN {
    /// The role ARN of an assumed-role session ARN
    /// (`arn:aws:sts::A:assumed-role/NAME/SESSION` → `arn:aws:iam::A:role/NAME`); the role's path
    /// is not part of a session ARN, so it is lost.
    public var roleArnOfAssumedRoleSession: ARN? {
        guard service == "sts", resource.hasPrefix("assumed-role/") else { return nil }
        let parts = resource.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, !parts[1].isEmpty else { return nil }
        return ARN(partition: partition, service: "iam", region: "", accountId: accountId, resource: "role/\(parts[1])")
    }

    /// The session ARN for this role ARN and `sessionName` (the role's path dropped).
    public func assumedRoleSessionArn(sessionName: String) -> ARN? {
        guard service == "iam", resource.hasPrefix("role/") else { return nil }
        let name = resource.split(separator: "/").last.map(String.init) ?? ""
        return ARN(partition: partition, service: "sts", region: "", accountId: accountId, resource: "assumed-role/\(name)/\(sessionName)")
    }
}
