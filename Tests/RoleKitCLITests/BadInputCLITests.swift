import Crypto
import Foundation
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// The table-driven bad-input suite: hostile files, environment, flags, ARNs and crafted HTTP
/// answers given to the real `rolekit` binary. Each case must end with a clean non-zero exit
/// (no signal), exactly one `rolekit:` line on standard error, nothing secret anywhere in its
/// output (every secret in a case contains the canary), and its files unchanged on disk.
@Suite("Bad inputs: the rolekit binary")
struct BadInputCLITests {
    static let canary = "CANARYSECRET"

    struct Case: Sendable {
        var group: String
        var name: String
        var arguments: [String]
        var environment: [String: String] = [:]
        /// Files written into the case's directory; `$DIR` in arguments and values is replaced.
        var files: [String: [UInt8]] = [:]
        /// Words the error line must contain (lowercased), when the cause is certain.
        var mentions: String? = nil
    }

    static let pki = TestPKI.shared
    static let anchor = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/a1b2c3d4-0000-0000-0000-000000000000"
    static let profile = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/a1b2c3d4-0000-0000-0000-000000000001"
    static let role = "arn:aws:iam::123456789012:role/demo"

    static func credentialProcess(certificate: String? = nil, key: String? = nil, anchor: String = anchor, profile: String = profile, role: String = role, extra: [String] = []) -> [String] {
        ["credential-process", "--certificate", certificate ?? pki.path("p256.pem"), "--private-key", key ?? pki.path("p256.pkcs8.key"),
         "--trust-anchor-arn", anchor, "--profile-arn", profile, "--role-arn", role] + extra
    }

    /// Keys given on flags, so a command needs no files; the secret carries the canary.
    static let keyFlags = ["--aws-access-key-id", "AKIAEXAMPLEBADINPUT1", "--aws-secret-access-key", "secret-\(canary)"]
    static let quietEnvironment = ["AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials"]

    static let badRegions = [
        "", " ", "us east 1", "us-east-1\n", "us-east-1/../x", String(repeating: "a", count: 64), "-us", "us-", "12345", "us_east_1",
        "ü-1", "us-east-1?x=1", "us-east-1#f", "us-east-1@evil.example", "evil.example/", "%00", "us-east-1\r\nX-Injected: y", "..", ".", "a..b",
        "\u{202E}us-east-1", "us-east-1:443", "[::1]", "\t", String(repeating: "x", count: 1000), "us-east-1\u{1}", "us.east.1", "us-east-1 ", "*", "\u{1B}[2Jus-east-1",
    ]

    static let badEndpoints = [
        "http://127.0.0.1:99999", "http://127.0.0.1:0", "ftp://127.0.0.1/", "127.0.0.1:99999", "http://", "http://user:\(canary)@127.0.0.1:70000",
        "http://[::1", "http://127.0.0.1:-1", "javascript:alert(1)", "http://127.0.0.1:80\r\nX-Injected: y", "http:// 127.0.0.1", "file:///etc/passwd", " ",
        "http://127.0.0.1:100000000000000000000000", "https://user:\(canary)@", "http://a b/", "http://127.0.0.1:65536/", "gopher://127.0.0.1/",
        String(repeating: "h", count: 3000), "http://\u{0}127.0.0.1/",
    ]

    /// A PEM-looking key whose body carries the canary (garbage DER), in damaged shapes.
    static func damagedPEMs(label: String) -> [(String, [UInt8])] {
        let body = (0..<12).map { _ in "MIIB" + canary + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        let good = ([begin] + body + [end]).joined(separator: "\n") + "\n"
        var shapes: [(String, String)] = [
            ("collapsed with spaces", ([begin] + body + [end]).joined(separator: " ")),
            ("no separators", ([begin] + body + [end]).joined()),
            ("CR-only line ends", ([begin] + body + [end]).joined(separator: "\r")),
            ("CRLF line ends", ([begin] + body + [end]).joined(separator: "\r\n")),
            ("no END line", ([begin] + body).joined(separator: "\n")),
            ("no END, collapsed", ([begin] + body).joined(separator: " ")),
            ("END mismatched", ([begin] + body + ["-----END OTHER KEY-----"]).joined(separator: "\n")),
            ("END without BEGIN", (body + [end]).joined(separator: "\n")),
            ("label with control character", good.replacingOccurrences(of: label, with: label + "\u{7}")),
            ("label of canary length 1000", good.replacingOccurrences(of: label, with: String(repeating: canary, count: 80))),
            ("lowercase label", good.replacingOccurrences(of: label, with: label.lowercased())),
            ("nested BEGIN", ([begin] + body + [begin] + body + [end]).joined(separator: "\n")),
            ("invalid base64 character", good.replacingOccurrences(of: "MIIB", with: "MI*B")),
            ("body with NUL", good.replacingOccurrences(of: "MIIB", with: "MI\u{0}B")),
            ("headers only", "\(begin)\nProc-Type: 4,ENCRYPTED\nDEK-Info: \(canary)\n\n\(end)\n"),
            ("headers collapsed", "\(begin) Proc-Type: 4,ENCRYPTED DEK-Info: AES-256-CBC,\(canary) \(body[0]) \(end)"),
            ("BEGIN without dashes", good.replacingOccurrences(of: "-----BEGIN \(label)-----", with: "-----BEGIN \(label)")),
            ("garbage DER", good),
        ]
        for fraction in [0.1, 0.3, 0.5, 0.7, 0.9, 0.99] {
            shapes.append(("truncated at \(Int(fraction * 100))%", String(good.prefix(Int(Double(good.count) * fraction)))))
        }
        return shapes.map { ($0.0, Array($0.1.utf8)) }
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        // Regions from a flag, the environment, a config file and ARNs.
        for (index, region) in badRegions.enumerated() {
            cases.append(Case(group: "region", name: "--region #\(index)", arguments: credentialProcess(extra: ["--region", region, "--endpoint", "http://127.0.0.1:9"]), environment: quietEnvironment, mentions: "region"))
            // An STS endpoint on loopback: even a region wrongly accepted never reaches AWS.
            cases.append(Case(group: "region", name: "AWS_REGION #\(index)", arguments: ["assume-role", "--role-arn", role] + keyFlags, environment: quietEnvironment.merging(["AWS_REGION": region, "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"]) { $1 }, mentions: region.isEmpty ? nil : "region"))  // empty is unset, as in botocore
            cases.append(Case(group: "region", name: "trust-anchor ARN region #\(index)", arguments: credentialProcess(anchor: "arn:aws:rolesanywhere:\(region):123456789012:trust-anchor/x", extra: ["--endpoint", "http://127.0.0.1:9"]), environment: quietEnvironment))
            cases.append(Case(
                group: "region", name: "config region #\(index)", arguments: ["assume-role", "--role-arn", role, "--profile", "p"],
                environment: quietEnvironment.merging(["AWS_CONFIG_FILE": "$DIR/config", "AWS_SHARED_CREDENTIALS_FILE": "$DIR/credentials", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"]) { $1 },
                files: ["config": Array("[profile p]\nregion = \(region.replacingOccurrences(of: "\n", with: " "))\n".utf8),
                        "credentials": Array("[p]\naws_access_key_id = AKIAEXAMPLEBADINPUT1\naws_secret_access_key = secret-\(canary)\n".utf8)]
            ))
        }
        // Endpoint URLs from a flag and from AWS_ENDPOINT_URL*.
        for (index, endpoint) in badEndpoints.enumerated() {
            // Each error names where the bad URL came from (never the URL: it may hold a password).
            cases.append(Case(group: "endpoint", name: "--endpoint #\(index)", arguments: credentialProcess(extra: ["--endpoint", endpoint]), environment: quietEnvironment, mentions: "--endpoint"))
            cases.append(Case(group: "endpoint", name: "AWS_ENDPOINT_URL_STS #\(index)", arguments: ["assume-role", "--role-arn", role, "--region", "us-east-1"] + keyFlags, environment: quietEnvironment.merging(["AWS_ENDPOINT_URL_STS": endpoint]) { $1 }, mentions: "aws_endpoint_url_sts"))
            cases.append(Case(group: "endpoint", name: "AWS_ENDPOINT_URL #\(index)", arguments: ["whoami", "--region", "us-east-1"] + keyFlags, environment: quietEnvironment.merging(["AWS_ENDPOINT_URL": endpoint]) { $1 }, mentions: "aws_endpoint_url"))
            cases.append(Case(group: "endpoint", name: "AWS_ENDPOINT_URL_ROLESANYWHERE #\(index)", arguments: ["trust-anchors", "list", "--region", "us-east-1"] + keyFlags, environment: quietEnvironment.merging(["AWS_ENDPOINT_URL_ROLESANYWHERE": endpoint]) { $1 }, mentions: "aws_endpoint_url_rolesanywhere"))
        }
        // Damaged keys and certificates.
        for (shape, bytes) in damagedPEMs(label: "PRIVATE KEY") {
            cases.append(Case(group: "key", name: "key: \(shape)", arguments: credentialProcess(key: "$DIR/key.pem", extra: ["--endpoint", "http://127.0.0.1:9"]), environment: quietEnvironment, files: ["key.pem": bytes]))
            cases.append(Case(group: "key", name: "sign-string key: \(shape)", arguments: ["sign-string", "--certificate", pki.path("p256.pem"), "--private-key", "$DIR/key.pem"], files: ["key.pem": bytes]))
        }
        for (shape, bytes) in damagedPEMs(label: "CERTIFICATE") {
            cases.append(Case(group: "certificate", name: "certificate: \(shape)", arguments: ["read-certificate-data", "--certificate", "$DIR/cert.pem"], files: ["cert.pem": bytes]))
            cases.append(Case(group: "certificate", name: "chain: \(shape)", arguments: credentialProcess(extra: ["--intermediates", "$DIR/chain.pem", "--endpoint", "http://127.0.0.1:9"]), environment: quietEnvironment, files: ["chain.pem": bytes]))
        }
        for (shape, bytes) in damagedPEMs(label: "ENCRYPTED PRIVATE KEY") {
            cases.append(Case(group: "key", name: "encrypted key: \(shape)", arguments: ["sign-string", "--certificate", pki.path("p256.pem"), "--private-key", "$DIR/key.pem", "--passphrase-env", "RK_PASS"], environment: ["RK_PASS": "pass-\(canary)"], files: ["key.pem": bytes]))
        }
        // PKCS#12 bundles swift-nio-ssl would stop the process on (kept as fuzz regressions):
        // certificates only, a key only, a key whose certificate is missing (plain and
        // AES-encrypted with the passphrase "fuzz").
        let regressions = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/Fixtures/fuzz-regressions/pkcs12").path
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: regressions)) ?? []).sorted() {
            cases.append(Case(group: "pkcs12", name: name, arguments: ["sign-string", "--certificate", regressions + "/" + name, "--passphrase-env", "RK_PASS"], environment: ["RK_PASS": "fuzz"]))
            cases.append(Case(group: "pkcs12", name: name + " as credential-process", arguments: credentialProcess(certificate: regressions + "/" + name, extra: ["--passphrase-env", "RK_PASS", "--endpoint", "http://127.0.0.1:9"]), environment: quietEnvironment.merging(["RK_PASS": "fuzz"]) { $1 }))
        }
        // Wrong passphrases never echo.
        for key in ["p256.pbes2-sha256-aes256.key", "rsa2048.legacy-aes256.key", "p256.p12"] {
            let certificate = key.hasSuffix(".p12") ? pki.path(key) : pki.path(key.hasPrefix("rsa") ? "rsa2048.pem" : "p256.pem")
            var arguments = ["sign-string", "--certificate", certificate]
            if !key.hasSuffix(".p12") { arguments += ["--private-key", pki.path(key)] }
            cases.append(Case(group: "passphrase", name: "wrong --passphrase-env for \(key)", arguments: arguments + ["--passphrase-env", "RK_PASS"], environment: ["RK_PASS": "wrong-\(canary)"], mentions: "wrong"))
            cases.append(Case(group: "passphrase", name: "wrong --passphrase-file for \(key)", arguments: arguments + ["--passphrase-file", "$DIR/pass"], files: ["pass": Array("wrong-\(canary)\n".utf8)]))
            cases.append(Case(group: "passphrase", name: "wrong --pkcs8-password for \(key)", arguments: arguments + ["--pkcs8-password", "wrong-\(canary)"]))
        }
        // Files that are not files.
        for (what, flag) in [("certificate", "--certificate"), ("key", "--private-key"), ("passphrase", "--passphrase-file")] {
            for (kind, path) in [("FIFO", "$DIR/fifo"), ("directory", "$DIR"), ("/dev/zero", "/dev/zero"), ("missing", "$DIR/missing")] {
                var arguments = ["sign-string", "--certificate", pki.path("p256.pem"), "--private-key", pki.path("p256.pbes2-sha256-aes256.key")]
                if let index = arguments.firstIndex(of: flag) { arguments[index + 1] = path } else { arguments += [flag, path] }
                cases.append(Case(group: "file", name: "\(kind) as \(what)", arguments: arguments))
            }
        }
        // Timeouts.
        for value in ["inf", "nan", "1e300", "-1", "0", "3601", "1e-9", "abc", "", "9223372036854775808"] {
            cases.append(Case(group: "timeout", name: "--read-timeout \(value)", arguments: credentialProcess(extra: ["--read-timeout", value, "--endpoint", "http://127.0.0.1:9"]), environment: quietEnvironment))
            cases.append(Case(group: "timeout", name: "--connect-timeout \(value)", arguments: credentialProcess(extra: ["--connect-timeout", value, "--endpoint", "http://127.0.0.1:9"]), environment: quietEnvironment))
        }
        // Metadata settings.
        for value in ["inf", "nan", "1e300", "-1", "0", "abc", "99999"] {
            for variable in ["AWS_METADATA_SERVICE_TIMEOUT", "AWS_METADATA_SERVICE_NUM_ATTEMPTS"] {
                cases.append(Case(group: "environment", name: "\(variable)=\(value)", arguments: ["whoami"], environment: ["AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials", variable: value, "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9"]))
            }
        }
        // ARNs.
        let badARNs = ["", "arn", "arn:aws", "arn:aws:iam::123:role/x", "arn:aws:rolesanywhere:us-east-1:123456789012:profile/x", "not-an-arn-at-all",
                       "arn:aws:rolesanywhere:us-east-1:12345678901a:trust-anchor/x", "arn:aws:rolesanywhere::123456789012:trust-anchor/x", String(repeating: "arn:", count: 500), "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/\n"]
        for (index, arn) in badARNs.enumerated() {
            cases.append(Case(group: "arn", name: "trust anchor ARN #\(index)", arguments: credentialProcess(anchor: arn), environment: quietEnvironment))
            cases.append(Case(group: "arn", name: "profile ARN #\(index)", arguments: credentialProcess(profile: arn), environment: quietEnvironment))
            cases.append(Case(group: "arn", name: "role ARN #\(index)", arguments: credentialProcess(role: arn), environment: quietEnvironment))
        }
        // Config and credentials files.
        let secret = "aws_secret_access_key = secret-\(canary)"
        let configs: [(String, String, String)] = [
            ("BOM", "\u{FEFF}[profile p]\nregion = us-east-1\n", "[p]\naws_access_key_id = AKIAEXAMPLEBADINPUT1\n\(secret)\n"),
            ("duplicate section", "[profile p]\nregion = us-east-1\n[profile p]\nregion = eu-west-1\n", ""),
            ("duplicate option", "[profile p]\nregion = us-east-1\nregion = eu-west-1\n", ""),
            ("setting before section", "region = us-east-1\n[profile p]\n", ""),
            ("loop", "[profile p]\nrole_arn = \(role)\nsource_profile = q\n[profile q]\nrole_arn = \(role)\nsource_profile = p\n", ""),
            ("deep chain", (0..<100).map { "[profile p\($0 == 0 ? "" : String($0))]\nrole_arn = \(role)\nsource_profile = p\($0 + 1)\n" }.joined(), ""),
            ("credential_process quoting error", "[profile p]\ncredential_process = helper --passphrase '\(canary)\n", ""),
            ("credential_process missing program", "[profile p]\ncredential_process = /nonexistent/helper --secret \(canary)\n", ""),
            ("key id with comment", "", "[p]\naws_access_key_id = AKIAEXAMPLEBADINPUT1 # \(canary)\n\(secret)\n"),
            ("empty secret", "", "[p]\naws_access_key_id = AKIAEXAMPLEBADINPUT1\naws_secret_access_key =\n"),
            ("missing secret", "", "[p]\naws_access_key_id = AKIAEXAMPLEBADINPUT1\n"),
            ("short key id", "", "[p]\naws_access_key_id = AKIA\n\(secret)\n"),
            ("role without source", "[profile p]\nrole_arn = \(role)\n", ""),
            ("both sources", "[profile p]\nrole_arn = \(role)\nsource_profile = p\ncredential_source = Environment\n", "[p]\naws_access_key_id = AKIAEXAMPLEBADINPUT1\n\(secret)\n"),
            ("bad credential_source", "[profile p]\nrole_arn = \(role)\ncredential_source = Nowhere\n", ""),
            ("missing source profile", "[profile p]\nrole_arn = \(role)\nsource_profile = nowhere\n", ""),
            ("profile not found", "[profile other]\nregion = us-east-1\n", ""),
            ("binary garbage", String(decoding: (0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 37) }, as: UTF8.self), ""),
            ("control characters in section", "[profile p\u{1B}[31m]\nregion = us-east-1\n", ""),
        ]
        for (name, config, credentials) in configs {
            cases.append(Case(
                group: "config", name: name, arguments: ["assume-role", "--role-arn", role, "--profile", "p", "--region", "us-east-1", "--endpoint", "http://127.0.0.1:9"],
                environment: ["AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "$DIR/config", "AWS_SHARED_CREDENTIALS_FILE": "$DIR/credentials"],
                files: ["config": Array(config.utf8), "credentials": Array(credentials.utf8)]
            ))
        }
        // Environment credentials.
        let envKeys: [(String, [String: String])] = [
            ("newline in secret", ["AWS_ACCESS_KEY_ID": "AKIAEXAMPLEBADINPUT1", "AWS_SECRET_ACCESS_KEY": "s\n[evil]\n\(canary)"]),
            ("newline in token", ["AWS_ACCESS_KEY_ID": "AKIAEXAMPLEBADINPUT1", "AWS_SECRET_ACCESS_KEY": "secret-\(canary)", "AWS_SESSION_TOKEN": "t\ncredential_process = sh -c \(canary)"]),
            ("lowercase key id", ["AWS_ACCESS_KEY_ID": "akiaexamplebadinput1", "AWS_SECRET_ACCESS_KEY": "secret-\(canary)"]),
            ("expired", ["AWS_ACCESS_KEY_ID": "AKIAEXAMPLEBADINPUT1", "AWS_SECRET_ACCESS_KEY": "secret-\(canary)", "AWS_CREDENTIAL_EXPIRATION": "2001-01-01T00:00:00Z"]),
            ("unreadable expiration", ["AWS_ACCESS_KEY_ID": "AKIAEXAMPLEBADINPUT1", "AWS_SECRET_ACCESS_KEY": "secret-\(canary)", "AWS_CREDENTIAL_EXPIRATION": "99999-99-99T99:99:99Z"]),
            ("huge token", ["AWS_ACCESS_KEY_ID": "AKIAEXAMPLEBADINPUT1", "AWS_SECRET_ACCESS_KEY": "secret-\(canary)", "AWS_SESSION_TOKEN": String(repeating: canary, count: 2000)]),
        ]
        for (name, variables) in envKeys {
            for command in [["env"], ["exec", "--", "/bin/true"], ["configure-list"]].prefix(2) {
                cases.append(Case(group: "environment", name: "\(name): \(command[0])", arguments: command, environment: variables.merging(["AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent/c", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/k"]) { $1 }))
            }
        }
        // serve and update flags.
        for (name, arguments) in [
            ("short --token", ["serve", "--container", "--token", "short", "--port", "0"] + keyFlags),
            ("empty --token", ["serve", "--container", "--token", "", "--port", "0"] + keyFlags),
            ("token file too short", ["serve", "--container", "--token-file", "$DIR/token", "--port", "0"] + keyFlags),
            ("port 70000", ["serve", "--port", "70000"] + keyFlags),
            ("update profile with newline", ["update", "--profile", "x]\n[evil", "--once"] + keyFlags + ["--region", "us-east-1"]),
            ("update profile with bracket", ["update", "--profile", "a]b", "--once"] + keyFlags + ["--region", "us-east-1"]),
        ] {
            cases.append(Case(group: "serve/update", name: name, arguments: arguments, environment: quietEnvironment.merging(["AWS_SHARED_CREDENTIALS_FILE": "$DIR/credentials"]) { $1 }, files: ["token": Array("short\n".utf8), "credentials": Array("[keep]\nx = 1\n".utf8)]))
        }
        return cases
    }()

    static func digest(_ directory: String) -> [String: String] {
        var out: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            let path = directory + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue, name != "fifo" else { continue }
            out[name] = FileManager.default.contents(atPath: path).map { SHA256.hash(data: $0).description } ?? "unreadable"
        }
        return out
    }

    struct Outcome: Sendable {
        var name: String
        var problems: [String]
    }

    static func run(_ testCase: Case) async throws -> Outcome {
        let directory = NSTemporaryDirectory() + "rolekit-bad-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, bytes) in testCase.files { try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name)) }
        _ = mkfifo(directory + "/fifo", 0o600)
        let substitute = { (text: String) in text.replacingOccurrences(of: "$DIR", with: directory) }
        var environment = ["PATH": "/usr/bin:/bin", "HOME": directory]
        for (name, value) in testCase.environment { environment[name] = substitute(value) }
        let before = digest(directory)
        let result = try await Subprocess.rolekitAsync(testCase.arguments.map(substitute) + ["--debug"].filter { _ in testCase.arguments.first == "credential-process" }, environment: environment)
        var problems: [String] = []
        if result.signalled { problems.append("ended by signal \(result.status)") }
        if result.status == 0 { problems.append("exited 0") }
        if !result.signalled && result.status > 125 { problems.append("exit status \(result.status)") }
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true).filter { !$0.hasPrefix("rolekit: warning:") && !$0.contains("level=debug") && !$0.contains(" debug ") }
        let errorLines = lines.filter { $0.hasPrefix("rolekit:") || $0.hasPrefix("Error:") }
        if errorLines.count != 1 { problems.append("\(errorLines.count) error lines: \(result.stderr.prefix(300))") }
        if let mentions = testCase.mentions, !result.stderr.lowercased().contains(mentions) { problems.append("error does not mention \(mentions)") }
        if result.stderr.contains(canary) || result.stdoutText.contains(canary) { problems.append("the canary secret was printed") }
        // Input never reaches the terminal as control characters (forged lines, escape codes).
        if result.stderr.unicodeScalars.contains(where: { $0 == "\u{1B}" || $0 == "\r" }) { problems.append("a control character from the input reached standard error") }
        if digest(directory) != before { problems.append("files changed on disk") }
        return Outcome(name: "\(testCase.group): \(testCase.name)", problems: problems)
    }

    /// Crafted answers from an in-process server on loopback (a squatted port, a lying
    /// `--endpoint`): each is a clean typed error, and nothing secret in them is printed.
    struct Answer: Sendable {
        var name: String
        /// The command; `ENDPOINT` is replaced by the server's URL.
        var arguments: [String]
        var environment: [String: String] = [:]
        var actions: [ScriptedHTTPServer.Action]
    }

    static func createSessionJSON(id: String = "ASIACRAFTEDANSWER001", secret: String = "s-\(canary)", token: String = "t-\(canary)", expiration: String = "\"2099-01-01T00:00:00Z\"") -> String {
        #"{"credentialSet":[{"credentials":{"accessKeyId":"\#(id)","secretAccessKey":"\#(secret)","sessionToken":"\#(token)","expiration":\#(expiration)},"roleArn":"arn:aws:iam::123456789012:role/demo"}],"subjectArn":"x"}"#
    }

    static func stsXML(token: String = "t-\(canary)", expiration: String = "2099-01-01T00:00:00Z", id: String = "ASIACRAFTEDANSWER001") -> String {
        "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>\(id)</AccessKeyId><SecretAccessKey>s-\(canary)</SecretAccessKey><SessionToken>\(token)</SessionToken><Expiration>\(expiration)</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>"
    }

    static let answers: [Answer] = {
        let process = credentialProcess(extra: ["--endpoint", "ENDPOINT", "--read-timeout", "2", "--connect-timeout", "2"])
        let assume = ["assume-role", "--role-arn", role, "--region", "us-east-1", "--endpoint", "ENDPOINT", "--read-timeout", "2"] + keyFlags
        var answers: [Answer] = []
        func ok(_ body: String) -> [ScriptedHTTPServer.Action] { [.respond(status: 201, headers: [("Content-Type", "application/json")], body: body)] }
        let createSession: [(String, String)] = [
            ("token with a newline", createSessionJSON(token: "t\\n[evil]\\ncredential_process = sh -c \(canary)")),
            ("secret with CR", createSessionJSON(secret: "s\\r\(canary)")),
            ("secret with NUL", createSessionJSON(secret: "s\\u0000\(canary)")),
            ("lowercase key id", createSessionJSON(id: "asiacraftedanswer001")),
            ("short key id", createSessionJSON(id: "ASIA")),
            ("key id with a space", createSessionJSON(id: "ASIA CRAFTED ANSWER1")),
            ("empty secret", createSessionJSON(secret: "")),
            ("empty token", createSessionJSON(token: "")),
            ("huge token", createSessionJSON(token: String(repeating: canary, count: 2000))),
            ("expiration in the past", createSessionJSON(expiration: "\"2001-01-01T00:00:00Z\"")),
            ("expiration year 99999", createSessionJSON(expiration: "\"99999-01-01T00:00:00Z\"")),
            ("expiration 1e300", createSessionJSON(expiration: "1e300")),
            ("expiration garbage", createSessionJSON(expiration: "\"\(canary)\"")),
            ("no credentialSet", #"{"subjectArn":"x"}"#),
            ("empty credentialSet", #"{"credentialSet":[]}"#),
            ("not JSON", "<html>\(canary)</html>"),
            ("truncated JSON", String(createSessionJSON().prefix(60))),
            ("deeply nested JSON", String(repeating: "[", count: 100_000)),
            ("over 4 MiB", "{\"credentialSet\":\"" + String(repeating: "A", count: 5 * 1024 * 1024) + "\"}"),
        ]
        for (name, body) in createSession { answers.append(Answer(name: "CreateSession: \(name)", arguments: process, actions: ok(body))) }
        let hostile = String(repeating: "x", count: 1000) + canary
        answers.append(Answer(name: "CreateSession: 403 with a long message", arguments: process, actions: [.respond(status: 403, body: #"{"message":"\#(hostile)"}"#)]))
        answers.append(Answer(name: "CreateSession: 400 with escape sequences", arguments: process, actions: [.respond(status: 400, body: #"{"message":"\u001b[2J\u001b[31mfake rolekit: ok\n\#(hostile)"}"#)]))
        answers.append(Answer(name: "CreateSession: skew answer with an absurd Date", arguments: process, actions: Array(repeating: .respond(status: 403, headers: [("Date", "Mon, 99 Jan 99999 99:99:99 GMT")], body: #"{"message":"Signature expired"}"#), count: 4)))
        answers.append(Answer(name: "CreateSession: skew answer two hours away", arguments: process, actions: Array(repeating: .respond(status: 403, headers: [("Date", HTTPDateText.twoHoursAhead)], body: #"{"message":"Signature expired"}"#), count: 4)))
        answers.append(Answer(name: "CreateSession: never answers", arguments: process, actions: [.delay(.seconds(20), then: .respond(status: 201, body: createSessionJSON()))]))
        answers.append(Answer(name: "CreateSession: 500 every time", arguments: process, actions: Array(repeating: .respond(status: 500, body: hostile), count: 4)))
        answers.append(Answer(name: "CreateSession: dropped connections", arguments: process, actions: Array(repeating: .dropConnection, count: 4)))
        let sts: [(String, String)] = [
            ("token with a newline", stsXML(token: "t\n[evil]\n\(canary)")),
            ("lowercase key id", stsXML(id: "asiacraftedanswer001")),
            ("expiration in the past", stsXML(expiration: "2001-01-01T00:00:00Z")),
            ("expiration garbage", stsXML(expiration: canary)),
            ("DTD entity expansion", "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"\(canary)\"><!ENTITY y \"&x;&x;&x;&x;&x;&x;&x;&x;\">]><AssumeRoleResponse>&y;</AssumeRoleResponse>"),
            ("10,000 levels deep", String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)),
            ("other encoding declared", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + stsXML()),
            ("not XML", "{\"\(canary)\": 1}"),
        ]
        for (name, body) in sts { answers.append(Answer(name: "STS: \(name)", arguments: assume, actions: [.respond(status: 200, headers: [("Content-Type", "text/xml")], body: body)])) }
        answers.append(Answer(name: "STS: error with a long message", arguments: assume, actions: [.respond(status: 403, body: "<ErrorResponse><Error><Code>AccessDenied</Code><Message>\(hostile)</Message></Error></ErrorResponse>")]))
        let container: [(String, String)] = [
            ("token with a newline", #"{"AccessKeyId":"ASIACRAFTEDANSWER001","SecretAccessKey":"s-\#(canary)","Token":"t\n[evil]\n\#(canary)","Expiration":"2099-01-01T00:00:00Z"}"#),
            ("expired", #"{"AccessKeyId":"ASIACRAFTEDANSWER001","SecretAccessKey":"s-\#(canary)","Token":"t-\#(canary)","Expiration":"2001-01-01T00:00:00Z"}"#),
            ("lowercase key id", #"{"AccessKeyId":"asiacraftedanswer001","SecretAccessKey":"s-\#(canary)","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#),
            ("not JSON", "\(canary)"),
            ("Code not Success", #"{"Code":"\u001b[31m\#(hostile)","AccessKeyId":"ASIACRAFTEDANSWER001","SecretAccessKey":"s"}"#),
        ]
        for (name, body) in container {
            answers.append(Answer(name: "container: \(name)", arguments: ["env"], environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "ENDPOINT/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-token-\(canary)"], actions: [.respond(status: 200, body: body)]))
            answers.append(Answer(name: "IMDS: \(name)", arguments: ["env"], environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "ENDPOINT", "AWS_EC2_METADATA_DISABLED": "false"], actions: [.respond(status: 200, body: "imds-token-\(canary)"), .respond(status: 200, body: "role"), .respond(status: 200, body: body)]))
        }
        return answers
    }()

    @Test func craftedAnswersAreCleanTypedErrors() async throws {
        var failed: [String] = []
        for answer in Self.answers {
            let server = ScriptedHTTPServer(answer.actions, fallback: .respond(status: 500, body: "script exhausted"))
            let port = try await server.start()
            let endpoint = "http://127.0.0.1:\(port)"
            var environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "AWS_CONFIG_FILE": "/nonexistent/c", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/k", "AWS_EC2_METADATA_DISABLED": "true", "AWS_METADATA_SERVICE_TIMEOUT": "2"]
            for (name, value) in answer.environment { environment[name] = value.replacingOccurrences(of: "ENDPOINT", with: endpoint) }
            let arguments = answer.arguments.map { $0 == "ENDPOINT" ? endpoint : $0 } + (answer.arguments.first == "credential-process" ? ["--debug"] : [])
            let started = ContinuousClock.now
            let result = try await Subprocess.rolekitAsync(arguments, environment: environment)
            await server.stop()
            var problems: [String] = []
            if result.signalled { problems.append("ended by signal \(result.status)") }
            if result.status == 0 { problems.append("exited 0: \(result.stdoutText.prefix(200))") }
            let errorLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("rolekit:") && !$0.hasPrefix("rolekit: warning:") }
            if errorLines.count != 1 { problems.append("\(errorLines.count) error lines") }
            if result.stderr.contains(Self.canary) || result.stdoutText.contains(Self.canary) { problems.append("the canary secret was printed") }
            if result.stderr.contains("\u{1B}") { problems.append("an escape sequence reached the terminal") }
            // Bounded: the 2 s read timeout and three attempts, far from a hang.
            if ContinuousClock.now - started > .seconds(60) { problems.append("took \(ContinuousClock.now - started)") }
            if !problems.isEmpty { failed.append("\(answer.name): \(problems.joined(separator: "; "))") }
        }
        print("bad-input suite, crafted answers: \(Self.answers.count) cases, \(Self.answers.count - failed.count) clean, \(failed.count) not")
        for failure in failed { Issue.record(Comment(rawValue: failure)) }
    }

    @Test func everyBadInputIsACleanTypedError() async throws {
        let cases = Self.cases
        var outcomes: [Outcome] = []
        // A few at a time: each case is a process.
        for batch in stride(from: 0, to: cases.count, by: 4) {
            let slice = cases[batch..<min(batch + 4, cases.count)]
            try await withThrowingTaskGroup(of: Outcome.self) { group in
                for testCase in slice { group.addTask { try await Self.run(testCase) } }
                for try await outcome in group { outcomes.append(outcome) }
            }
        }
        let failed = outcomes.filter { !$0.problems.isEmpty }
        var groups: [String: Int] = [:]
        for testCase in cases { groups[testCase.group, default: 0] += 1 }
        print("bad-input suite: \(cases.count) cases (and \(Self.answers.count) crafted answers in their own test, \(cases.count + Self.answers.count) in all), \(cases.count - failed.count) clean, \(failed.count) not; by group: \(groups.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        for outcome in failed { Issue.record("\(outcome.name): \(outcome.problems.joined(separator: "; "))") }
        #expect(cases.count >= 400)
    }
}

/// HTTP dates for crafted answers.
enum HTTPDateText {
    static var twoHoursAhead: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date().addingTimeInterval(7200))
    }
}
