import Foundation
import RoleKitServices
import RoleKitTesting
import RoleKitTestSupport
import Testing

@Suite("Password generation")
struct PasswordGeneratorTests {
    static let policies: [PasswordPolicy] = [
        PasswordPolicy(minimumPasswordLength: 6),
        PasswordPolicy(minimumPasswordLength: 8, requireSymbols: true),
        PasswordPolicy(minimumPasswordLength: 12, requireSymbols: true, requireNumbers: true, requireUppercaseCharacters: true, requireLowercaseCharacters: true),
        PasswordPolicy(minimumPasswordLength: 6, requireSymbols: true, requireNumbers: true, requireUppercaseCharacters: true, requireLowercaseCharacters: true),
        PasswordPolicy(minimumPasswordLength: 128, requireNumbers: true),
        PasswordPolicy(minimumPasswordLength: 20, requireUppercaseCharacters: true, requireLowercaseCharacters: true),
    ]

    @Test(arguments: policies)
    func tenThousandPasswordsSatisfyThePolicy(_ policy: PasswordPolicy) throws {
        let maximum = Int((Double(policy.minimumPasswordLength) * 1.3).rounded(.up))
        var lengths = Set<Int>()
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let password = try PasswordGenerator.generate(for: policy)
            #expect(policy.isSatisfied(by: password), "\(policy)")
            #expect((policy.minimumPasswordLength...max(maximum, policy.minimumPasswordLength)).contains(password.count))
            lengths.insert(password.count)
            seen.insert(password)
        }
        // Every allowed length occurs, and no password repeats.
        #expect(lengths.count == maximum - policy.minimumPasswordLength + 1)
        #expect(seen.count == 10_000)
    }

    @Test func charactersAreSpreadEvenlyAndRequiredOnesMoveAround() throws {
        let policy = PasswordPolicy(minimumPasswordLength: 10, requireSymbols: true, requireNumbers: true, requireUppercaseCharacters: true, requireLowercaseCharacters: true)
        let pool = PasswordPolicy.lowercase + PasswordPolicy.uppercase + PasswordPolicy.numbers + PasswordPolicy.symbols
        var counts: [Character: Int] = [:]
        var firstIsLowercase = 0
        var total = 0
        for _ in 0..<10_000 {
            let password = try PasswordGenerator.generate(for: policy)
            for character in password { counts[character, default: 0] += 1 }
            total += password.count
            if PasswordPolicy.lowercase.contains(password.first!) { firstIsLowercase += 1 }
        }
        #expect(Set(counts.keys).isSubset(of: Set(pool)))
        #expect(counts.count == pool.count, "every character of the pool is used")
        // The four required characters are drawn per class, the rest uniformly from the pool, so
        // each character's share stays within a loose band around 1/pool.
        let expected = Double(total) / Double(pool.count)
        for (character, count) in counts {
            #expect(Double(count) > expected * 0.6 && Double(count) < expected * 1.9, "\(character): \(count) vs \(expected)")
        }
        // Shuffled: the first character is not always the required lowercase one.
        #expect(firstIsLowercase > 1_000 && firstIsLowercase < 5_000)
    }

    @Test func invalidLengthIsAnError() {
        #expect(throws: PasswordPolicyError.self) { try PasswordGenerator.generate(for: PasswordPolicy(minimumPasswordLength: 0)) }
        #expect(throws: PasswordPolicyError.self) { try PasswordGenerator.generate(for: PasswordPolicy(minimumPasswordLength: 129)) }
    }

    @Test func accountPolicyFromIAMAtMoto() async throws {
        // Set the account policy with boto3 (a real client), then let rolekit fetch it.
        let setup = """
            import boto3, sys
            iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x")
            iam.update_account_password_policy(MinimumPasswordLength=24, RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=False, RequireLowercaseCharacters=True)
            """
        let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", setup, MotoServer.endpoint.absoluteString], environment: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()])
        #expect(result.status == 0, "\(result.stderr)")
        let environment = [
            "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "x",
            "AWS_ENDPOINT_URL_IAM": MotoServer.endpoint.absoluteString,
        ]
        for _ in 0..<5 {
            let password = try await Subprocess.rolekitAsync(["password", "--from-account"], environment: environment)
            #expect(password.status == 0, "\(password.stderr)")
            let text = password.stdoutText.trimmingCharacters(in: .newlines)
            #expect(PasswordPolicy(minimumPasswordLength: 24, requireSymbols: true, requireNumbers: true, requireLowercaseCharacters: true).isSatisfied(by: text))
            #expect(text.count <= 32)
        }
        let flags = try await Subprocess.rolekitAsync(["password", "--minimum-length", "10", "--require-symbols", "--require-numbers"])
        #expect(flags.status == 0)
        #expect(PasswordPolicy(minimumPasswordLength: 10, requireSymbols: true, requireNumbers: true).isSatisfied(by: flags.stdoutText.trimmingCharacters(in: .newlines)))
        let bad = try await Subprocess.rolekitAsync(["password", "--minimum-length", "3"])
        #expect(bad.status != 0 && bad.stderr.contains("6–128"))
    }
}
