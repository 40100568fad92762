import ArgumentParser
import FoundationEssentials
import RoleKitArgumentParser
import RoleKitCredentials
import RoleKitIdentity
import RoleKitServices
import RoleKitSupport
import RoleKitTransport
import X509

/// `rolekit doctor`: why credentials would fail, before AWS is called.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check certificates, keys, ARNs, the clock, file modes, profiles and SSO tokens, and say what to fix.",
        discussion: """
            --region and --role-session-name are the values you will pass; they are checked
            against the trust anchor and, with --control-plane, the profile.
            Every check prints one line: ok, warning, failed or skipped (with why). The exit
            status is 1 when a check failed, else 0. --output json for scripts.
              rolekit doctor --certificate leaf.pem --private-key leaf.key --intermediates chain.pem \\
                  --trust-anchor-bundle ca.pem --trust-anchor-arn … --profile-arn … --role-arn …
            Without Roles Anywhere flags it checks the AWS config: every profile resolvable,
            SSO tokens fresh, secret files owner-only.
            """
    )

    @Option(help: ArgumentHelp("Certificate (PEM, DER, combined PEM, PKCS#12 or a pkcs11: URI).", valueName: "path"))
    var certificate: String?
    @Option(name: .customLong("private-key"), help: ArgumentHelp("Its private key (file, pkcs11: URI, TSS2 PRIVATE KEY, handle:0x81…).", valueName: "path|uri"))
    var privateKey: String?
    @Option(help: ArgumentHelp("PEM bundle of intermediate certificates.", valueName: "path"))
    var intermediates: String?
    @Option(name: .customLong("trust-anchor-bundle"), help: ArgumentHelp("The trust anchor's CA certificates (PEM), to check the chain.", valueName: "path"))
    var trustAnchorBundle: String?
    @Option(name: .customLong("trust-anchor-arn"), help: ArgumentHelp("Trust anchor ARN.", valueName: "arn")) var trustAnchorArn: String?
    @Option(name: .customLong("profile-arn"), help: ArgumentHelp("Roles Anywhere profile ARN.", valueName: "arn")) var profileArn: String?
    @Option(name: .customLong("role-arn"), help: ArgumentHelp("Role ARN.", valueName: "arn")) var roleArn: String?
    @Option(help: ArgumentHelp("Roles Anywhere endpoint for the clock check (default: the trust anchor region's).", valueName: "url")) var endpoint: String?
    @Flag(help: "Skip the checks that need the network (the clock, the control plane).") var offline = false
    @Flag(name: .customLong("control-plane"), help: "Read the trust anchor and the profile through the control plane (with the credentials options): enabled, their CA bundle, acceptRoleSessionName.")
    var controlPlane = false
    @OptionGroup(title: "Credentials (--control-plane; --region and --role-session-name are checked too)") var auth: AWSAuthOptions
    @Option(help: "Output: table or json.") var output: Format = .table

    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup(title: "PKCS#11") var pkcs11: PKCS11Options
    @OptionGroup(title: "TPM 2.0") var tpm: TPMOptions
    @OptionGroup var transport: TransportOptions

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    func validate() throws {
        if let endpoint { _ = try RolesAnywhereOptions.parseEndpoint(endpoint) }
    }

    func run() async throws {
        let checks = try await StandardError.failingWithOneLine { try await transport.withTransport { try await diagnose(transport: $0) } }
        switch output {
        case .table:
            let width = checks.map(\.name.count).max() ?? 0
            for check in checks {
                print("\(Self.padded(check.status.rawValue, 8)) \(Self.padded(check.name, width))  \(check.detail)")
            }
        case .json:
            let items = checks.map { JSONValue.object(["check": .string($0.name), "status": .string($0.status.rawValue), "detail": .string($0.detail)]) }
            let worst = checks.map(\.status).max() ?? .ok
            print(JSONWriter.pretty().render(.object(["status": .string(worst == .failed ? "failed" : worst == .warning ? "warning" : "ok"), "checks": .array(items)])))
        }
        if checks.contains(where: { $0.status == .failed }) { throw ExitCode.failure }
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    private func diagnose(transport: HTTPTransport) async throws -> [CredentialDiagnostics.Check] {
        typealias Diagnostics = CredentialDiagnostics
        let environment = AWSEnvironment.process
        let now = Date()
        let region = auth.region
        let roleSessionName = auth.roleSessionName
        var checks: [Diagnostics.Check] = []
        var anchorRoots: [Certificate]?
        var profileAcceptsSessionName: Bool?
        if controlPlane && !offline {
            let (found, roots, accepts) = await controlPlaneChecks(transport: transport)
            checks += found
            anchorRoots = roots
            profileAcceptsSessionName = accepts
        }
        if let certificate {
            let (check, identity) = Diagnostics.identity(
                certificate: certificate, privateKey: privateKey, intermediates: intermediates, passphrase: passphrase.source, pkcs11: pkcs11.options, tpm: tpm.options
            )
            checks.append(check)
            if let identity {
                checks.append(Diagnostics.expiry(identity, now: now))
                checks.append(await Diagnostics.chain(identity, bundle: trustAnchorBundle, roots: anchorRoots, now: now))
            }
        }
        checks.append(Diagnostics.arns(trustAnchorArn: trustAnchorArn, profileArn: profileArn, roleArn: roleArn, region: region))
        if let roleSessionName {
            if let problem = Self.roleSessionNameProblem(roleSessionName) {
                checks.append(.init("role session name", .failed, problem))
            } else if let profileAcceptsSessionName {
                checks.append(
                    profileAcceptsSessionName
                        ? .init("role session name", .ok, "well formed, and the profile accepts it")
                        : .init("role session name", .failed, "the profile does not accept role session names (acceptRoleSessionName is off): rolekit profiles update --accept-role-session-name true, or drop --role-session-name")
                )
            } else {
                checks.append(.init("role session name", .skipped, "well formed; whether the profile accepts it needs --control-plane"))
            }
        }
        if certificate != nil || trustAnchorArn != nil || endpoint != nil {
            if offline {
                checks.append(.init("clock", .skipped, "--offline"))
            } else if let url = try clockEndpoint() {
                checks.append(await Diagnostics.clockSkew(endpoint: url, transport: transport) { Date() })
            } else {
                checks.append(.init("clock", .skipped, "no endpoint: give --endpoint or --trust-anchor-arn"))
            }
        }
        var files: [(String, String)] = []
        if let privateKey, !privateKey.hasPrefix("pkcs11:"), !privateKey.hasPrefix("handle:") { files.append(("private key", SecureFileReader.expandTilde(privateKey))) }
        if privateKey == nil, let certificate, !certificate.hasPrefix("pkcs11:") { files.append(("certificate/key file", SecureFileReader.expandTilde(certificate))) }
        files.append(("credentials file", environment.credentialsFilePath))
        for (what, directory) in [("AWS CLI cache", JSONFileAssumeRoleCache.awsCLIDirectory), ("SSO cache", SSOTokenCache.defaultDirectory(environment: environment)), ("credential-process cache", CredentialProcessCache.defaultDirectory(environment: environment))] {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted().prefix(500) { files.append((what, directory + "/" + name)) }
        }
        checks.append(Diagnostics.fileModes(files))
        do {
            let configuration = try SharedConfiguration.load(environment: environment)
            checks.append(Diagnostics.profiles(configuration: configuration, transport: transport, environment: environment))
            checks.append(Diagnostics.ssoTokens(configuration: configuration, cache: SSOTokenCache(directory: SSOTokenCache.defaultDirectory(environment: environment)), now: now))
        } catch {
            checks.append(.init("profiles", .failed, "\(error)"))
        }
        return checks
    }

    /// Why `name` cannot be a role session name (2–64 of letters, digits and `_+=,.@-`), or `nil`.
    static func roleSessionNameProblem(_ name: String) -> String? {
        guard (2...64).contains(name.count) else { return "a role session name has 2–64 characters, not \(name.count)" }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_+=,.@-".contains($0)) }) else {
            return "a role session name holds only letters, digits and _+=,.@-"
        }
        return nil
    }

    /// The trust anchor and the profile read through the control plane: the checks, the anchor's
    /// CA certificates, and whether the profile accepts role session names.
    private func controlPlaneChecks(transport: HTTPTransport) async -> ([CredentialDiagnostics.Check], [Certificate]?, Bool?) {
        var checks: [CredentialDiagnostics.Check] = []
        guard trustAnchorArn != nil || profileArn != nil else {
            return ([.init("control plane", .skipped, "--control-plane needs --trust-anchor-arn or --profile-arn")], nil, nil)
        }
        let client: RolesAnywhereControlPlane
        do {
            let session = auth.session(transport: transport)
            let provider = try await session.provider()
            let region = (trustAnchorArn ?? profileArn).flatMap { try? ARN(parsing: $0) }?.region ?? session.region
            client = RolesAnywhereControlPlane(transport: transport, region: region, endpoint: try endpoint.map(RolesAnywhereOptions.parseEndpoint)) {
                try await provider.credentials().signingCredentials
            }
        } catch {
            return ([.init("control plane", .failed, "no credentials for the control plane: \(StandardError.oneLine(error))")], nil, nil)
        }
        var roots: [Certificate]?
        var accepts: Bool?
        if let trustAnchorArn {
            do {
                let anchor = try await client.getTrustAnchor(.init(trustAnchorId: ControlPlaneOptions.id(trustAnchorArn))).trustAnchor
                let certificates = CredentialDiagnostics.trustAnchorCertificates(anchor)
                roots = certificates
                if anchor.enabled == false {
                    checks.append(.init("trust anchor", .failed, "the trust anchor is disabled: rolekit trust-anchors enable \(ControlPlaneOptions.id(trustAnchorArn))"))
                } else if certificates == nil {
                    checks.append(.init("trust anchor", .warning, "enabled; its source is not a certificate bundle (a Private CA), so the chain is not checked against it"))
                } else {
                    checks.append(.init("trust anchor", .ok, "enabled, \(certificates?.count ?? 0) CA certificates"))
                }
            } catch {
                checks.append(.init("trust anchor", .failed, "cannot read it: \(StandardError.oneLine(error))"))
            }
        }
        if let profileArn {
            do {
                let profile = try await client.getProfile(.init(profileId: ControlPlaneOptions.id(profileArn))).profile
                accepts = profile?.acceptRoleSessionName ?? false
                if profile?.enabled == false {
                    checks.append(.init("profile", .failed, "the profile is disabled: rolekit profiles enable \(ControlPlaneOptions.id(profileArn))"))
                } else if let roleArn, let roles = profile?.roleArns, !roles.contains(roleArn) {
                    checks.append(.init("profile", .failed, "the profile does not list --role-arn (it has \(roles.count) roles)"))
                } else {
                    checks.append(.init("profile", .ok, "enabled\(roleArn == nil ? "" : ", lists the role")"))
                }
            } catch {
                checks.append(.init("profile", .failed, "cannot read it: \(StandardError.oneLine(error))"))
            }
        }
        return (checks, roots, accepts)
    }

    /// --endpoint, else the trust anchor region's Roles Anywhere endpoint.
    private func clockEndpoint() throws -> URL? {
        if let endpoint { return try RolesAnywhereOptions.parseEndpoint(endpoint) }
        guard let trustAnchorArn, let arn = try? ARN(parsing: trustAnchorArn) else { return nil }
        return try? RolesAnywhereClient.defaultEndpoint(region: arn.region)
    }
}
