import ArgumentParser
import RoleKitArgumentParser
import FoundationEssentials
import Logging
import RoleKitCredentials
import RoleKitEmulator
import RoleKitIdentity
import RoleKitServices
import RoleKitSigning
import RoleKitTransport
import RoleKitCLI

/// `rolekit quickstart`: the whole Roles Anywhere flow, offline, in one command.
struct QuickstartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quickstart",
        abstract: "Watch IAM Roles Anywhere work end to end against a local emulator (no AWS account needed).",
        discussion: """
            Makes a throwaway PKI (root CA, intermediate CA, leaf), starts the emulator on a free
            loopback port, gets credentials through the same code as credential-process, shows
            that a certificate from another CA is refused, and cleans up.
            """
    )

    @Option(name: .customLong("key-type"), help: ArgumentHelp("Leaf key: P-256, P-384 or RSA-2048.", valueName: "type"))
    var keyType: String = "P-256"

    @Flag(help: "Also print credential-process's --debug log (secrets redacted).")
    var debug = false

    func run() async throws {
        guard let leafType = ThrowawayPKI.KeyType(rawValue: keyType.uppercased()) else {
            throw ValidationError("--key-type must be P-256, P-384 or RSA-2048")
        }
        try await StandardError.failingWithOneLine { try await quickstart(leafType) }
    }

    private func step(_ number: Int, _ title: String) {
        print("\n\(number). \(title)")
    }

    private func quickstart(_ leafType: ThrowawayPKI.KeyType) async throws {
        let roleArn = "arn:aws:iam::123456789012:role/rolekit-quickstart"
        print("RoleKit quickstart: IAM Roles Anywhere against a local emulator")

        step(1, "Make a throwaway PKI with swift-certificates")
        let pki = try ThrowawayPKI.make(leafKeyType: leafType)
        let stranger = try ThrowawayPKI.make(leafKeyType: .p256, commonName: "someone-else")
        defer {
            pki.remove()
            stranger.remove()
        }
        print("   root CA       \(pki.rootCertificatePath)")
        print("   intermediate  \(pki.intermediatePath)")
        print("   leaf          \(pki.leafCertificatePath)  (\(leafType.rawValue), serial \(pki.leafSerial))")
        print("   leaf key      \(pki.leafKeyPath)  (mode 0600)")

        step(2, "Start the Roles Anywhere emulator on loopback; register a trust anchor and a profile")
        let admin = EmulatorConfiguration.AdminKey.generate()
        let server = EmulatorServer(rolesAnywhere: try RolesAnywhereEmulator(configuration: EmulatorConfiguration(adminKeys: [admin])))
        let port = try await server.start()
        do {
            let endpoint = "http://127.0.0.1:\(port)"
            print("   endpoint      \(endpoint)")
            // The way a user does it against AWS: the control-plane API, signed with SigV4.
            let transport = try HTTPTransport()
            let anchorArn: String
            let profileArn: String
            do {
                let credentials = SigningCredentials(accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey)
                let client = RolesAnywhereControlPlane(transport: transport, region: "us-east-1", endpoint: URL(string: endpoint)) { credentials }
                let rootPEM = String(decoding: try SecureFileReader.readFile(pki.rootCertificatePath, what: "root CA"), as: UTF8.self)
                let anchor = try await client.createTrustAnchor(.init(enabled: true, name: "quickstart", source: .init(sourceData: .x509CertificateData(rootPEM), sourceType: .certificateBundle)))
                let profile = try await client.createProfile(.init(enabled: true, name: "quickstart", roleArns: [roleArn]))
                guard let trustAnchorArn = anchor.trustAnchor.trustAnchorArn, let arn = profile.profile?.profileArn else {
                    throw QuickstartFailure(message: "the emulator did not return the new ARNs")
                }
                anchorArn = trustAnchorArn
                profileArn = arn
                try? await transport.shutdown()
            } catch {
                try? await transport.shutdown()
                throw error
            }
            print("   $ rolekit trust-anchors create --name quickstart --certificate-bundle root-ca.pem --enabled --endpoint-url \(endpoint)")
            print("   trust anchor  \(anchorArn)")
            print("   $ rolekit profiles create --name quickstart --role-arn \(roleArn) --enabled --endpoint-url \(endpoint)")
            print("   profile       \(profileArn)")
            print("   role          \(roleArn)")

            step(3, "Sign CreateSession with the leaf key (SigV4-X509) and get credentials")
            let arguments = [
                "--certificate", pki.leafCertificatePath, "--private-key", pki.leafKeyPath, "--intermediates", pki.intermediatePath,
                "--trust-anchor-arn", anchorArn, "--profile-arn", profileArn,
                "--role-arn", roleArn, "--endpoint", endpoint,
            ]
            print("   $ rolekit credential-process \\")
            for pair in stride(from: 0, to: arguments.count, by: 2) {
                print("       \(arguments[pair]) \(arguments[pair + 1])" + (pair + 2 < arguments.count ? " \\" : ""))
            }
            let options = try RolesAnywhereOptions.parse(arguments + (debug ? ["--debug"] : []))
            let json = try await CredentialProcessOutput.json(options: options)
            let credentials = try Credentials(credentialProcessJSON: Array(json.utf8))
            print("   credential_process JSON (secrets shortened here):")
            print("   {\"Version\":1,\"AccessKeyId\":\"\(credentials.accessKeyId)\",\"SecretAccessKey\":\"\(Self.shorten(credentials.secretAccessKey))\",")
            print("    \"SessionToken\":\"\(Self.shorten(credentials.sessionToken ?? ""))\",\"Expiration\":\"\(credentials.expiration.map(ISO8601Timestamp.format) ?? "-")\"}")

            step(4, "A certificate from another CA is refused")
            let refused = try RolesAnywhereOptions.parse([
                "--certificate", stranger.leafCertificatePath, "--private-key", stranger.leafKeyPath, "--intermediates", stranger.intermediatePath,
                "--trust-anchor-arn", anchorArn, "--profile-arn", profileArn,
                "--role-arn", roleArn, "--endpoint", endpoint,
            ])
            do {
                _ = try await CredentialProcessOutput.json(options: refused)
                throw QuickstartFailure(message: "the emulator accepted a certificate it does not trust")
            } catch let error as QuickstartFailure {
                throw error
            } catch {
                print("   refused as expected: \(StandardError.oneLine(error))")
            }

            step(5, "Clean up: stop the emulator, delete the PKI")
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
        print("""

            Done. With a real trust anchor, profile and role in your account, put this in ~/.aws/config:
              [profile roles-anywhere]
              credential_process = rolekit credential-process --certificate CERT --private-key KEY --trust-anchor-arn ARN --profile-arn ARN --role-arn ARN --cache
            """)
    }

    static func shorten(_ secret: String) -> String {
        secret.count <= 8 ? "…" : String(secret.prefix(4)) + "…(\(secret.count) characters)"
    }
}

struct QuickstartFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
