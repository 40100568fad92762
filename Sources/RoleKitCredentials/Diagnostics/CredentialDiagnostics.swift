public import FoundationEssentials
public import RoleKitIdentity
public import RoleKitTransport
public import RoleKitServices
import RoleKitSigning
import RoleKitSupport
import SwiftASN1
public import X509
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The checks of `rolekit doctor`: why credentials would fail, found before AWS is called.
/// Each check gives one ``Check`` with a status and a one-line detail (never a secret, never
/// file contents).
public enum CredentialDiagnostics {
    public enum Status: String, Sendable, Codable, Comparable {
        case ok, warning, failed, skipped

        var rank: Int {
            switch self {
            case .ok: 0
            case .skipped: 1
            case .warning: 2
            case .failed: 3
            }
        }

        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
    }

    public struct Check: Sendable, Equatable {
        public var name: String
        public var status: Status
        public var detail: String

        public init(_ name: String, _ status: Status, _ detail: String) {
            self.name = name
            self.status = status
            self.detail = SafeText.excerpt(detail, limit: 300)
        }
    }

    /// Certificates that expire sooner than this are a warning.
    public static let expiryWarning: TimeInterval = 30 * 86_400

    // MARK: - Certificate and key

    /// Loads the identity: the key matches the certificate (or the error that says why not).
    public static func identity(
        certificate: String, privateKey: String?, intermediates: String?, passphrase: PassphraseSource?, pkcs11: PKCS11Token.Options, tpm: TPMKey.Options
    ) -> (Check, SigningIdentity?) {
        do {
            let identity = try SigningIdentity.load(certificate: certificate, privateKey: privateKey, intermediates: intermediates, passphrase: passphrase, pkcs11: pkcs11, tpm: tpm)
            return (Check("certificate and key", .ok, "the \(identity.key.keyDescription) key matches the certificate (serial \(identity.serialNumber))"), identity)
        } catch {
            return (Check("certificate and key", .failed, "\(error)"), nil)
        }
    }

    /// Validity of the leaf and every intermediate: expired or not yet valid fails; under 30 days warns.
    public static func expiry(_ identity: SigningIdentity, now: Date) -> Check {
        var soonest: (Certificate, TimeInterval)?
        for certificate in [identity.certificate] + identity.intermediates {
            if now < certificate.notValidBefore {
                return Check("expiry", .failed, "\(certificate.subject) is not valid before \(ISO8601Timestamp.format(certificate.notValidBefore))")
            }
            let left = certificate.notValidAfter.timeIntervalSince(now)
            if left <= 0 { return Check("expiry", .failed, "\(certificate.subject) expired at \(ISO8601Timestamp.format(certificate.notValidAfter))") }
            if soonest.map({ left < $0.1 }) ?? true { soonest = (certificate, left) }
        }
        guard let (certificate, left) = soonest else { return Check("expiry", .skipped, "no certificate") }
        let days = Int(left / 86_400)
        if left < expiryWarning { return Check("expiry", .warning, "\(certificate.subject) expires in \(days) days (\(ISO8601Timestamp.format(certificate.notValidAfter))); renew it") }
        return Check("expiry", .ok, "valid for \(days) more days")
    }

    /// The chain from the leaf (with its intermediates) to one of the trust anchor's
    /// certificates: those of `bundle` (a PEM file), else `roots` (read through the control plane).
    public static func chain(_ identity: SigningIdentity, bundle: String?, roots given: [Certificate]? = nil, now: Date) async -> Check {
        let roots: [Certificate]
        if let bundle {
            do {
                roots = try SigningIdentity.loadCertificates(path: bundle)
            } catch {
                return Check("chain to trust anchor", .failed, "cannot read the trust anchor bundle: \(error)")
            }
        } else if let given {
            roots = given
        } else {
            return Check("chain to trust anchor", .skipped, "give --trust-anchor-bundle (the trust anchor's CA certificates) or --control-plane to check it")
        }
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) { RFC5280Policy(validationTime: now) }
        let result = await verifier.validate(leaf: identity.certificate, intermediates: CertificateStore(identity.intermediates))
        switch result {
        case .validCertificate(let path):
            return Check("chain to trust anchor", .ok, "\(path.count) certificates up to \(path.last?.subject.description ?? "the anchor")")
        case .couldNotValidate:
            return Check(
                "chain to trust anchor", .failed,
                "the certificate does not chain to any of the \(roots.count) bundle certificates\(identity.intermediates.isEmpty ? " (no intermediates given: --intermediates)" : ""); CreateSession would answer Untrusted signing certificate"
            )
        }
    }

    /// The CA certificates of a trust anchor whose source is a certificate bundle; `nil` for
    /// other sources (a Private CA) or a bundle that does not parse.
    public static func trustAnchorCertificates(_ anchor: RolesAnywhere.TrustAnchorDetail) -> [Certificate]? {
        guard case .x509CertificateData(let pem)? = anchor.source?.sourceData, pem.utf8.count <= 1 << 20,
            let documents = try? PEMDocument.parseMultiple(pemString: pem)
        else { return nil }
        let certificates = documents.compactMap { try? Certificate(derEncoded: $0.derBytes) }
        return certificates.isEmpty ? nil : certificates
    }

    // MARK: - ARNs and regions

    /// The ARNs parse as the right resources, and the trust anchor, profile and region agree.
    public static func arns(trustAnchorArn: String?, profileArn: String?, roleArn: String?, region: String?) -> Check {
        var problems: [String] = []
        func parse(_ text: String?, _ what: String, service: String, prefix: String, kind: String) -> ARN? {
            guard let text else { return nil }
            guard let arn = try? ARN(parsing: text) else {
                problems.append("\(what) is not an ARN")
                return nil
            }
            if arn.service != service || !arn.resource.hasPrefix(prefix) { problems.append("\(what) is not \(kind) ARN") }
            return arn
        }
        let anchor = parse(trustAnchorArn, "--trust-anchor-arn", service: "rolesanywhere", prefix: "trust-anchor/", kind: "a Roles Anywhere trust anchor")
        let profile = parse(profileArn, "--profile-arn", service: "rolesanywhere", prefix: "profile/", kind: "a Roles Anywhere profile")
        let role = parse(roleArn, "--role-arn", service: "iam", prefix: "role/", kind: "an IAM role")
        if let anchor, let profile {
            if anchor.region != profile.region { problems.append("the trust anchor is in \(anchor.region) but the profile in \(profile.region)") }
            if anchor.accountId != profile.accountId { problems.append("the trust anchor (account \(anchor.accountId)) and the profile (\(profile.accountId)) are in different accounts") }
            if anchor.partition != profile.partition { problems.append("the trust anchor and the profile are in different partitions") }
        }
        if let anchor, let region, anchor.region != region { problems.append("--region \(region) differs from the trust anchor's \(anchor.region); CreateSession must go to \(anchor.region)") }
        if let role, let anchor, role.partition != anchor.partition { problems.append("the role is in partition \(role.partition), the trust anchor in \(anchor.partition)") }
        if trustAnchorArn == nil && profileArn == nil && roleArn == nil { return Check("ARNs and regions", .skipped, "no Roles Anywhere ARNs given") }
        if problems.isEmpty { return Check("ARNs and regions", .ok, "trust anchor, profile and role agree\(anchor.map { " (region \($0.region))" } ?? "")") }
        return Check("ARNs and regions", .failed, problems.joined(separator: "; "))
    }

    // MARK: - Clock

    /// The difference between this clock and the endpoint's `Date` (any answer carries one).
    public static func clockSkew(endpoint: URL, transport: HTTPTransport, now: @Sendable () -> Date) async -> Check {
        guard let host = endpoint.host() else { return Check("clock", .skipped, "the endpoint has no host") }
        let request = SigningRequest(method: "GET", path: "/", headers: [.init("Host", endpoint.port.map { "\(host):\($0)" } ?? host)])
        let sent = now()
        var dateHeader: String?
        do {
            let response = try await transport.send(request, to: endpoint, maxAttempts: 1, sign: { request, _ in request }, parseError: { _ in ServiceErrorInfo(code: nil, message: nil) })
            dateHeader = response.header("Date")
        } catch let error as TransportError {
            guard let response = error.response else { return Check("clock", .failed, "cannot reach \(EndpointURL.display(endpoint)): \(error.message)") }
            dateHeader = response.header("Date")
        } catch {
            return Check("clock", .failed, "cannot reach \(EndpointURL.display(endpoint))")
        }
        guard let dateHeader, let serverTime = HTTPDate.parse(dateHeader) else { return Check("clock", .skipped, "\(EndpointURL.display(endpoint)) sent no Date header") }
        let received = now()
        let local = sent.addingTimeInterval(received.timeIntervalSince(sent) / 2)
        let skew = local.timeIntervalSince(serverTime)
        let text = "this clock is \(Int(abs(skew).rounded())) s \(skew >= 0 ? "ahead of" : "behind") \(EndpointURL.display(endpoint))"
        if abs(skew) > 300 { return Check("clock", .failed, text + "; signatures more than 5 minutes off are refused: fix the time (NTP)") }
        if abs(skew) > 60 { return Check("clock", .warning, text) }
        return Check("clock", .ok, text)
    }

    // MARK: - Files

    /// Secret files must be readable by their owner only.
    public static func fileModes(_ paths: [(what: String, path: String)]) -> Check {
        var problems: [String] = []
        var checked = 0
        for (what, path) in paths {
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            checked += 1
            if (status.st_mode & S_IFMT) == S_IFLNK { continue }
            let mode = status.st_mode & 0o777
            if mode & 0o077 != 0 { problems.append("\(what) \(path) is mode \(String(mode, radix: 8)); chmod 600 it") }
        }
        if checked == 0 { return Check("file modes", .skipped, "none of the key, cache or credentials files exist") }
        if problems.isEmpty { return Check("file modes", .ok, "\(checked) files readable by their owner only") }
        return Check("file modes", .failed, problems.joined(separator: "; "))
    }

    // MARK: - Profiles and SSO

    /// Every profile of the config resolves to a source (nothing is fetched).
    public static func profiles(configuration: SharedConfiguration, transport: HTTPTransport, environment: AWSEnvironment) -> Check {
        let resolver = ProfileCredentialResolver(configuration: configuration, transport: transport, cache: nil, environment: environment)
        var broken: [String] = []
        var empty: [String] = []
        for name in configuration.profiles.keys.sorted() {
            do {
                if try resolver.resolve(profile: name) == nil { empty.append(name) }
            } catch {
                broken.append("\(SafeText.excerpt(name, limit: 64)): \(error)")
            }
        }
        if configuration.profiles.isEmpty { return Check("profiles", .skipped, "no profiles in \(configuration.configPath) or \(configuration.credentialsPath)") }
        if !broken.isEmpty { return Check("profiles", .failed, broken.joined(separator: "; ")) }
        let note = empty.isEmpty ? "" : " (\(empty.count) configure no credentials: \(empty.prefix(5).joined(separator: ", ")))"
        return Check("profiles", .ok, "\(configuration.profiles.count - empty.count) profiles resolve\(note)")
    }

    /// The cached token of every SSO profile: missing or expired fails, under an hour warns.
    public static func ssoTokens(configuration: SharedConfiguration, cache: SSOTokenCache, now: Date) -> Check {
        var problems: [String] = []
        var soon: [String] = []
        var count = 0
        var seen: Set<String> = []
        for name in configuration.profiles.keys.sorted() {
            guard let profile = configuration.profiles[name], let sso = try? SSOProfileConfiguration.resolve(profile, in: configuration) else { continue }
            guard seen.insert((sso.sessionName ?? "") + "\n" + sso.startUrl).inserted else { continue }
            count += 1
            let label = sso.sessionName.map { "sso-session \($0)" } ?? "profile \(name)"
            guard let token = try? cache.token(sessionName: sso.sessionName, startUrl: sso.startUrl) else {
                problems.append("\(label): no token; run rolekit sso login --profile \(name)")
                continue
            }
            let left = token.expiresAt.timeIntervalSince(now)
            if left <= 0 && token.refreshToken == nil {
                problems.append("\(label): the token expired at \(ISO8601Timestamp.format(token.expiresAt)); run rolekit sso login --profile \(name)")
            } else if left < 3600 && token.refreshToken == nil {
                soon.append("\(label): the token expires in \(Int(max(left, 0) / 60)) minutes")
            }
        }
        if count == 0 { return Check("SSO tokens", .skipped, "no SSO profiles") }
        if !problems.isEmpty { return Check("SSO tokens", .failed, problems.joined(separator: "; ")) }
        if !soon.isEmpty { return Check("SSO tokens", .warning, soon.joined(separator: "; ")) }
        return Check("SSO tokens", .ok, "\(count) SSO sessions have fresh tokens")
    }
}
