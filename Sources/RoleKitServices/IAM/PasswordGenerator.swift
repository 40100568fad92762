public import FoundationEssentials
public import RoleKitSigning
public import RoleKitTransport

/// Generates passwords that satisfy a ``PasswordPolicy`` (awsauthhelper's generator): a length
/// from the minimum up to ⌈1.3 × minimum⌉, at least one character of each required class, the
/// rest from the required classes (letters and digits when none is required), shuffled; all
/// randomness from the system's cryptographically secure generator.
public enum PasswordGenerator {
    public static func generate(for policy: PasswordPolicy) throws(PasswordPolicyError) -> String {
        var generator = SystemRandomNumberGenerator()
        return try generate(for: policy, using: &generator)
    }

    public static func generate(for policy: PasswordPolicy, using generator: inout some RandomNumberGenerator) throws(PasswordPolicyError) -> String {
        guard (1...128).contains(policy.minimumPasswordLength) else {
            throw PasswordPolicyError("the minimum password length must be 1–128 (IAM allows 6–128), not \(policy.minimumPasswordLength)")
        }
        var classes: [[Character]] = []
        if policy.requireLowercaseCharacters { classes.append(PasswordPolicy.lowercase) }
        if policy.requireUppercaseCharacters { classes.append(PasswordPolicy.uppercase) }
        if policy.requireNumbers { classes.append(PasswordPolicy.numbers) }
        if policy.requireSymbols { classes.append(PasswordPolicy.symbols) }
        let pool = classes.isEmpty ? PasswordPolicy.lowercase + PasswordPolicy.uppercase + PasswordPolicy.numbers : classes.flatMap { $0 }
        let minimum = max(policy.minimumPasswordLength, classes.count)
        let maximum = max(minimum, Int((Double(policy.minimumPasswordLength) * 1.3).rounded(.up)))
        let length = Int.random(in: minimum...maximum, using: &generator)
        var characters = classes.map { $0.randomElement(using: &generator)! }
        while characters.count < length { characters.append(pool.randomElement(using: &generator)!) }
        characters.shuffle(using: &generator)
        return String(characters)
    }
}
