import Foundation
import RoleKitEmulator
import Testing

/// The emulator's JSON configuration: members with defaults may be left out, and the session
/// lifetime override is bounded.
@Suite("Emulator configuration files")
struct EmulatorConfigurationTests {
    @Test func membersWithDefaultsMayBeLeftOut() throws {
        let json = #"{"trustAnchors":[{"name":"t","certificateBundle":"/x.pem"}],"profiles":[{"name":"p","roleArns":["arn:aws:iam::123456789012:role/r"]}],"crls":[{"name":"c","trustAnchorId":"t","crl":"/c.pem"}],"sessionLifetimeSeconds":20}"#
        let configuration = try JSONDecoder().decode(EmulatorConfiguration.self, from: Data(json.utf8))
        let anchor = try #require(configuration.trustAnchors.first)
        #expect(anchor.enabled && !anchor.id.isEmpty && anchor.certificateBundle == "/x.pem")
        let profile = try #require(configuration.profiles.first)
        #expect(profile.enabled && profile.durationSeconds == 3600 && !profile.acceptRoleSessionName)
        #expect(configuration.crls.first?.enabled == true)
        #expect(configuration.sessionLifetimeSeconds == 20)
        // What is encoded decodes to the same configuration.
        #expect(try JSONDecoder().decode(EmulatorConfiguration.self, from: JSONEncoder().encode(configuration)) == configuration)
    }

    @Test(arguments: ["0", "-5", "43201"])
    func aSessionLifetimeOutOfRangeIsRefused(_ value: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EmulatorConfiguration.self, from: Data(#"{"sessionLifetimeSeconds":\#(value)}"#.utf8)) }
    }

    @Test func requiredMembersAreStillRequired() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EmulatorConfiguration.self, from: Data(#"{"trustAnchors":[{"name":"t"}]}"#.utf8)) }
    }
}
