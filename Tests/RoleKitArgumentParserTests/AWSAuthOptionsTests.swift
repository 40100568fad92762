import ArgumentParser
import RoleKitArgumentParser
import RoleKitCredentials
import RoleKitTransport
import Testing

/// The embeddable option groups, parsed as a third-party command would parse them.
@Suite("AWSAuthOptions and its siblings")
struct AWSAuthOptionsTests {
    /// A tool that embeds the groups, as Examples/EmbeddedAuth does.
    struct Tool: ParsableCommand {
        @OptionGroup var auth: AWSAuthOptions
        @OptionGroup var transport: TransportOptions
    }

    @Test func flagsWinOverTheEnvironmentWhichFillsTheRest() throws {
        let tool = try Tool.parse(["--aws-access-key-id", "AKIAFLAG00000000001", "--region", "eu-west-1", "--role", "arn:aws:iam::123456789012:role/r"])
        let environment: AWSEnvironment = ["AWS_SECRET_ACCESS_KEY": "from-env", "AWS_SESSION_TOKEN": "token-env", "AWS_REGION": "us-west-2"]
        let settings = tool.auth.settings(environment: environment)
        #expect(settings.accessKeyId == "AKIAFLAG00000000001")
        #expect(settings.secretAccessKey == "from-env")
        #expect(settings.sessionToken == "token-env")
        #expect(settings.region == "eu-west-1")
        #expect(settings.roleArn == "arn:aws:iam::123456789012:role/r")
        // Without a flag, the region comes from AWS_REGION before AWS_DEFAULT_REGION.
        let plain = try Tool.parse([]).auth.settings(environment: ["AWS_DEFAULT_REGION": "ap-south-1", "AWS_REGION": "sa-east-1"])
        #expect(plain.region == "sa-east-1")
        #expect(plain.secretAccessKey == nil, "environment keys without --aws-access-key-id belong to the chain, not the flags")
    }

    @Test func invalidCombinationsAreValidationErrors() {
        #expect(throws: (any Error).self) { try Tool.parse(["--mfa-token", "12"]) }
        #expect(throws: (any Error).self) { try Tool.parse(["--mfa-token", "123456"]) }
        #expect(throws: (any Error).self) { try Tool.parse(["--aws-access-key-id", "AKIAFLAG00000000001", "--profile", "p"]) }
        #expect(throws: (any Error).self) { try Tool.parse(["--connect-timeout", "0"]) }
        #expect(throws: (any Error).self) { try Tool.parse(["--auth-type", "profile"]) }
        #expect((try? Tool.parse(["--profile", "p", "--auth-type", "profile"])) != nil)
    }

    @Test func theSessionUsesTheInjectedEnvironment() async throws {
        let tool = try Tool.parse(["--aws-access-key-id", "AKIAFLAG00000000001"])
        let transport = try HTTPTransport()
        let session = tool.auth.session(transport: transport, environment: ["AWS_SECRET_ACCESS_KEY": "from-injected-env", "AWS_REGION": "eu-north-1"])
        let credentials = try await session.freeze()
        try await transport.shutdown()
        #expect(credentials.secretAccessKey == "from-injected-env")
        #expect(session.region == "eu-north-1")
        #expect(session.source == .explicitKeys)
        #expect(session.method == "explicit-keys")
    }
}
