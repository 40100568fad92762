import Crypto
import Foundation
import RoleKitCredentials
import RoleKitEmulator
import RoleKitServices
import RoleKitSigning
import RoleKitTesting
import RoleKitTestSupport
import RoleKitTransport
import Testing

/// Every case of Tests/Fixtures/profiles resolved by RoleKit and by botocore
/// (scripts/reference/botocore_resolve.py, same harness): both must agree on the method, the
/// keys (or, for STS, the assumed-role ARN at moto) and on failing.
@Suite("Profiles: RoleKit agrees with botocore")
struct ProfileCorpusTests {
    static let corpus = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/Fixtures/profiles")

    static let cases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: corpus.appendingPathComponent($0).appendingPathComponent("case.json").path) }.sorted()
    }()

    struct Outcome: Codable, Equatable, CustomStringConvertible {
        var method: String?
        var access_key: String?
        var secret_key_sha256: String?
        var token_present: Bool
        var arn: String?
        var error: String?
        var description: String {
            "method=\(method ?? "nil") key=\(access_key ?? "nil") token=\(token_present) arn=\(arn ?? "nil") error=\(error ?? "nil")"
        }
    }

    /// The emulator whose IAM Identity Center serves the SSO cases, configured by the corpus's
    /// `sso-emulator.json` (accounts, and the tokens the cases' cache files hold). Started once.
    static let emulator = Task<EmulatorFixture?, Never> {
        guard let configuration = try? EmulatorConfiguration.load(path: corpus.appendingPathComponent("sso-emulator.json").path) else { return nil }
        return try? await EmulatorFixture(sso: configuration.sso)
    }

    /// botocore's answers for the whole corpus, computed once (about 15 s of Python). A task,
    /// not a lazy `static let`: the 99 cases wait for it suspended, instead of each holding a
    /// cooperative thread, which stalled every other suite of the process for as long.
    static let botocoreAnswers = Task<[String: Outcome], Never> {
        guard let emulator = await emulator.value else { fatalError("the corpus emulator did not start") }
        let result = try? await Subprocess.runAsync([
            TestEnvironment.python, TestEnvironment.referenceScript("botocore_resolve.py"), "--all", corpus.path, MotoServer.endpoint.absoluteString, emulator.endpoint.absoluteString,
        ])
        guard let result, result.status == 0 else { fatalError("botocore_resolve.py failed: \(result?.stderr ?? "did not run")") }
        var answers: [String: Outcome] = [:]
        struct Line: Decodable {
            var `case`: String
        }
        for line in result.stdout.split(separator: UInt8(ascii: "\n")) {
            let data = Data(line)
            if let name = try? JSONDecoder().decode(Line.self, from: data).case, let outcome = try? JSONDecoder().decode(Outcome.self, from: data) {
                answers[name] = outcome
            }
        }
        return answers
    }

    struct Spec: Decodable {
        var profile: String?
        var env: [String: String]?
        /// Session name (or legacy start URL) → a token file of the case, for ~/.aws/sso/cache.
        var sso_cache: [String: String]?
    }

    /// `${NOW+N}` / `${NOW-N}` → that UTC time, N seconds from now (as the Python harness).
    static func substitutingTimes(_ text: String) -> String {
        text.replacing(/\$\{NOW([+-])(\d+)\}/) { match in
            let seconds = TimeInterval(Int(match.output.2) ?? 0)
            return ISO8601Timestamp.format(Date().addingTimeInterval(match.output.1 == "+" ? seconds : -seconds))
        }
    }

    /// The same staging as the Python harness: a copy with `${CASE}` substituted.
    static func stage(_ name: String) throws -> (staged: String, home: String, spec: Spec, workspace: String) {
        let workspace = NSTemporaryDirectory() + "rolekit-profile-\(UUID().uuidString)"
        let staged = workspace + "/case"
        let home = workspace + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: corpus.appendingPathComponent(name).path, toPath: staged)
        for file in ["config", "credentials"] {
            let path = staged + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let replaced = Data(Array(data).replacing(Array("${CASE}".utf8), with: Array(staged.utf8)))
            try replaced.write(to: URL(fileURLWithPath: path))
        }
        var spec = try JSONDecoder().decode(Spec.self, from: Data(contentsOf: URL(fileURLWithPath: staged + "/case.json")))
        spec.env = spec.env?.mapValues { $0.replacingOccurrences(of: "${CASE}", with: staged) }
        if let caches = spec.sso_cache {
            let directory = home + "/.aws/sso/cache"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for (name, file) in caches {
                let text = substitutingTimes(try String(contentsOfFile: staged + "/" + file, encoding: .utf8))
                let target = directory + "/" + SSOTokenCache.fileName(sessionName: name, startUrl: name)
                FileManager.default.createFile(atPath: target, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            }
        }
        return (staged, home, spec, workspace)
    }

    static func errorName(_ error: any Error) -> String {
        if let error = error as? CredentialsError {
            switch error.code {
            case .profileNotFound: return "ProfileNotFound"
            case .invalidConfiguration: return "InvalidConfigError"
            case .infiniteLoop: return "InfiniteLoopConfigError"
            case .partialCredentials: return "PartialCredentialsError"
            case .processFailed, .retrievalFailed:
                // botocore leaks json's JSONDecodeError for output that is not JSON; RoleKit
                // reports it as the process failing (a known, deliberate difference).
                return error.message.contains("output that is not JSON") ? "JSONDecodeError" : "CredentialRetrievalError"
            case .io, .programNotFound: return "FileNotFoundError"
            // botocore: "Credentials were refreshed, but the refreshed credentials are still expired."
            case .expired: return "RuntimeError"
            case .malformed: return "ConfigParseError"
            case .invalidCredentials: return "InvalidCredentials"
            case .ssoTokenNotFound: return "SSOTokenLoadError"
            case .ssoTokenExpired: return "UnauthorizedSSOTokenError"
            case .ssoTokenRefreshFailed: return "TokenRetrievalError"
            default: return "CredentialsError.\(error.code)"
            }
        }
        if let error = error as? STSError {
            switch error.code {
            // Without a terminal botocore's getpass prompt ends in EOFError; RoleKit says a code
            // is needed and cannot be asked for.
            case .mfaCodeRequired: return "EOFError"
            default: return "STSError.\(error.code)"
            }
        }
        // botocore raises ClientError for portal errors it has no class for (ForbiddenException).
        if error is SSOError { return "ClientError" }
        return String(describing: type(of: error))
    }

    @Test(arguments: cases)
    func agreesWithBotocore(_ name: String) async throws {
        var expected = try #require(await Self.botocoreAnswers.value[name], "botocore gave no answer for \(name)")
        // A deliberate difference: botocore hands out keys from a file whatever their shape (an
        // inline "# comment" becomes part of the key id, an empty secret is accepted); RoleKit
        // validates every credential before use. Decided here from botocore's own answer: a
        // key id outside [A-Z0-9]{16,128} or the SHA-256 of an empty secret.
        let emptySecretSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        if let key = expected.access_key, key.wholeMatch(of: /[A-Z0-9]{16,128}/) == nil || expected.secret_key_sha256 == emptySecretSHA256 {
            expected = Outcome(method: nil, access_key: nil, secret_key_sha256: nil, token_present: false, arn: nil, error: "InvalidCredentials")
        }
        let (staged, home, spec, workspace) = try Self.stage(name)
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let emulator = try #require(await Self.emulator.value)
        var environment = [
            "HOME": home, "AWS_CONFIG_FILE": staged + "/config", "AWS_SHARED_CREDENTIALS_FILE": staged + "/credentials",
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL_STS": MotoServer.endpoint.absoluteString,
            "AWS_ENDPOINT_URL_SSO": emulator.endpoint.absoluteString, "AWS_ENDPOINT_URL_SSO_OIDC": emulator.endpoint.absoluteString,
        ]
        environment.merge(spec.env ?? [:]) { $1 }
        let lookup = environment
        let transport = try HTTPTransport(configuration: .init(retry: .none))
        var outcome = Outcome(method: nil, access_key: nil, secret_key_sha256: nil, token_present: false, arn: nil, error: nil)
        do {
            let chain = DefaultCredentialChain(transport: transport, cache: nil, environment: AWSEnvironment(lookup))
            if let resolution = try await chain.resolve(profile: spec.profile) {
                outcome.method = resolution.method
                let credentials = try await resolution.provider.credentials()
                outcome.token_present = credentials.sessionToken?.isEmpty == false
                if resolution.method == "assume-role" || resolution.method == "assume-role-with-web-identity" || resolution.method == "sso" {
                    // SSO role credentials are the emulator's: only its STS knows them.
                    let client = STSClient(transport: transport, region: "us-east-1", endpoint: resolution.method == "sso" ? emulator.endpoint : MotoServer.endpoint)
                    outcome.arn = try await client.getCallerIdentity(credentials: credentials.signingCredentials).arn
                } else {
                    outcome.access_key = credentials.accessKeyId
                    outcome.secret_key_sha256 = SHA256.hash(data: Array(credentials.secretAccessKey.utf8)).map { String(format: "%02x", $0) }.joined()
                }
            }
        } catch {
            outcome.error = Self.errorName(error)
        }
        try await transport.shutdown()
        #expect(outcome == expected, "\(name): RoleKit \(outcome) vs botocore \(expected)")
    }
}

extension Array where Element == UInt8 {
    func replacing(_ pattern: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        guard !pattern.isEmpty else { return self }
        var result: [UInt8] = []
        var index = 0
        while index < count {
            if index + pattern.count <= count, Array(self[index..<(index + pattern.count)]) == pattern {
                result += replacement
                index += pattern.count
            } else {
                result.append(self[index])
                index += 1
            }
        }
        return result
    }
}
