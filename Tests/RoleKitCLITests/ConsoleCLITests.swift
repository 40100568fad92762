import Foundation
import RoleKitTestSupport
import Testing

/// `rolekit console`: the federation sign-in followed end to end against the emulator's
/// `/federation` (getSigninToken, then the login redirect, once), the partition's console as
/// the default landing page, and long-term keys turned into a federated session first
/// (GetFederationToken at moto).
@Suite("console sign-in", .serialized)
struct ConsoleCLITests {
    typealias Serve = ServeUpdateCLITests

    /// GETs `url` without following redirects: status and Location.
    static func follow(_ url: String) async throws -> (status: Int, location: String) {
        let script = """
            import sys, urllib.request, urllib.error
            class Stop(urllib.request.HTTPRedirectHandler):
                def redirect_request(self, *args, **kwargs): return None
            try:
                response = urllib.request.build_opener(Stop).open(sys.argv[1], timeout=10)
                print(response.status); print("")
            except urllib.error.HTTPError as error:
                print(error.code); print(error.headers.get("Location") or "")
            """
        let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", script, url])
        let lines = result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return (Int(lines.first ?? "") ?? -1, lines.dropFirst().first ?? "")
    }

    @Test func signInThroughTheEmulatorsFederationEndpoint() async throws {
        let (emulator, endpoint, _, _) = try await Serve.emulator()
        defer { emulator.stop() }
        let home = try Serve.EmulatorProfileHome(emulator, endpoint: endpoint, config: """
        [profile admin-role]
        role_arn = arn:aws:iam::123456789012:role/console-admin
        source_profile = rolekit-emulator
        role_session_name = alice
        """)
        defer { withExtendedLifetime(home) {} }
        let adminFile = try #require(emulator.word(containing: "/admin-credentials"))
        let environment = home.environment
        let destination = "https://console.aws.amazon.com/s3/home?region=us-east-1"
        let result = try await Subprocess.rolekitAsync(
            ["console", "--profile", "admin-role", "--print", "--federation-endpoint", endpoint + "/federation", "--destination", destination, "--duration", "3600"], environment: environment
        )
        #expect(result.status == 0, "\(result.stderr)")
        let url = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.hasPrefix(endpoint + "/federation?Action=login&Issuer=rolekit&Destination="), "\(url)")
        let query = URLComponents(string: url)?.queryItems ?? []
        #expect(query.first { $0.name == "Destination" }?.value == destination)
        #expect(query.first { $0.name == "SigninToken" }?.value?.isEmpty == false)
        // The secret key never shows in the URL (only the sign-in token does).
        let secret = try String(contentsOfFile: adminFile, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("aws_secret_access_key") }?.split(separator: "=").last?.trimmingCharacters(in: .whitespaces) ?? "-"
        #expect(!url.contains(secret))
        let first = try await Self.follow(url)
        #expect(first.status == 302 && first.location == destination, "\(first)")
        let again = try await Self.follow(url)
        #expect(again.status == 400, "a sign-in token works once")

        // The default landing page is the partition's console.
        for (region, console) in [("us-east-1", "https://console.aws.amazon.com/"), ("cn-north-1", "https://console.amazonaws.cn/"), ("us-gov-west-1", "https://console.amazonaws-us-gov.com/")] {
            let printed = try await Subprocess.rolekitAsync(["console", "--profile", "admin-role", "--region", region, "--print", "--federation-endpoint", endpoint + "/federation"], environment: environment)
            #expect(printed.status == 0, "\(printed.stderr)")
            let items = URLComponents(string: printed.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))?.queryItems ?? []
            #expect(items.first { $0.name == "Destination" }?.value == console, "\(region)")
        }
    }

    /// Credentials the emulator did not issue are refused by its federation endpoint, and bad
    /// flags before anything is sent.
    @Test func longTermKeysBecomeAFederatedSessionFirst() async throws {
        let (emulator, endpoint, _, _) = try await Serve.emulator()
        defer { emulator.stop() }
        let environment = Serve.cleanEnvironment([
            "AWS_ACCESS_KEY_ID": "AKIACONSOLEUSEREXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLECON",
            "AWS_ENDPOINT_URL_STS": MotoServer.endpoint.absoluteString, "AWS_EC2_METADATA_DISABLED": "true",
        ])
        // moto answers GetFederationToken; the emulator then refuses that (foreign) session.
        let result = try await Subprocess.rolekitAsync(["console", "--print", "--federation-endpoint", endpoint + "/federation"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("the federation endpoint refused the session (HTTP 400)"), "\(result.stderr)")
        #expect(!result.stderr.contains("EXAMPLECON"))
        for bad in [["--duration", "60"], ["--destination", "http://console.aws.amazon.com/"], ["--federated-user-name", "x"]] {
            let refused = try await Subprocess.rolekitAsync(["console", "--print", "--federation-endpoint", endpoint + "/federation"] + bad, environment: environment)
            #expect(refused.status != 0, "\(bad)")
        }
    }

    /// Without --print: the browser ($BROWSER, a stand-in here) is given only a one-time
    /// loopback address, whose page forwards to the sign-in URL; following it signs in.
    @Test func theBrowserGetsALoopbackPageNotTheToken() async throws {
        let (emulator, endpoint, _, _) = try await Serve.emulator()
        defer { emulator.stop() }
        let home = NSTemporaryDirectory() + "rolekit-console-browser-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let adminFile = try #require(emulator.word(containing: "/admin-credentials"))
        try "[profile admin-role]\nrole_arn = arn:aws:iam::123456789012:role/console-admin\nsource_profile = rolekit-emulator\n".write(toFile: home + "/config", atomically: true, encoding: .utf8)
        let seen = home + "/browser-seen"
        let browser = home + "/browser.py"
        try """
            #!\(TestEnvironment.python)
            import re, sys, urllib.request, urllib.error, html
            page = urllib.request.urlopen(sys.argv[1], timeout=10).read().decode()
            target = html.unescape(re.search(r'url=([^"]+)"', page).group(1))
            class Stop(urllib.request.HTTPRedirectHandler):
                def redirect_request(self, *args, **kwargs): return None
            try:
                urllib.request.build_opener(Stop).open(target, timeout=10)
                status, location = 200, ""
            except urllib.error.HTTPError as error:
                status, location = error.code, error.headers.get("Location") or ""
            open(sys.argv[2] if len(sys.argv) > 2 else "\(seen)", "w").write(f"{sys.argv[1]}\\n{status}\\n{location}\\n")
            """.write(toFile: browser, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: browser)
        let environment = Serve.cleanEnvironment([
            "HOME": home, "AWS_CONFIG_FILE": home + "/config", "AWS_SHARED_CREDENTIALS_FILE": adminFile, "AWS_ENDPOINT_URL_STS": endpoint, "AWS_EC2_METADATA_DISABLED": "true",
            "BROWSER": browser,
        ])
        let destination = "https://console.aws.amazon.com/ec2/home"
        let result = try await Subprocess.rolekitAsync(["console", "--profile", "admin-role", "--federation-endpoint", endpoint + "/federation", "--destination", destination], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.isEmpty, "nothing printed without --print")
        let lines = try String(contentsOfFile: seen, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("http://127.0.0.1:") == true && lines.first?.contains("SigninToken") == false, "the browser's command line: \(lines)")
        #expect(lines.dropFirst().first == "302" && lines.dropFirst(2).first == destination, "\(lines)")
    }
}
