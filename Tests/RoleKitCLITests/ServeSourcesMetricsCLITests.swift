import Foundation
import RoleKitTestSupport
import Testing

/// One container endpoint serving several profiles (`--source`), each at its own path and
/// refreshing on its own, read by botocore; and `--metrics-port`, scraped and parsed by the
/// Prometheus project's own Python parser (prometheus-client).
@Suite("serve: several sources and metrics", .serialized)
struct ServeSourcesMetricsCLITests {
    typealias Serve = ServeUpdateCLITests

    /// Samples of one scrape: "name{label=value,…}" → value, parsed by prometheus_client.
    static func scrape(_ url: String) async throws -> [String: Double] {
        let script = """
            import sys, urllib.request
            from prometheus_client.parser import text_string_to_metric_families
            with urllib.request.urlopen(sys.argv[1], timeout=10) as response:
                assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4"), response.headers["Content-Type"]
                text = response.read().decode()
            for family in text_string_to_metric_families(text):
                for sample in family.samples:
                    labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
                    print(f"{sample.name}{{{labels}}} {sample.value}")
            """
        let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", script, url])
        #expect(result.status == 0, "\(result.stderr)")
        var samples: [String: Double] = [:]
        for line in result.stdoutText.split(separator: "\n") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// The status of a GET with the token (urllib, no SDK).
    static func status(_ url: String, token: String) async throws -> Int {
        let script = """
            import sys, urllib.request, urllib.error
            request = urllib.request.Request(sys.argv[1], headers={"Authorization": sys.argv[2]})
            try:
                print(urllib.request.urlopen(request, timeout=10).status)
            except urllib.error.HTTPError as error:
                print(error.code)
            """
        let result = try await Subprocess.runAsync([TestEnvironment.python, "-c", script, url, token])
        return Int(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test func twoProfilesOnTwoPathsAndTheirMetrics() async throws {
        let (emulator, endpoint, _, _) = try await Serve.emulator()
        defer { emulator.stop() }
        let home = try Serve.EmulatorProfileHome(emulator, endpoint: endpoint, config: """
        [profile build]
        role_arn = arn:aws:iam::123456789012:role/build
        source_profile = rolekit-emulator
        role_session_name = ci-build

        [profile ci-deploy]
        role_arn = arn:aws:iam::123456789012:role/deploy
        source_profile = rolekit-emulator
        role_session_name = ci-deploy
        """)
        defer { withExtendedLifetime(home) {} }
        let tokenFile = try Serve.containerTokenFile()
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        let token = try String(contentsOfFile: tokenFile, encoding: .utf8)
        let environment = home.environment
        let serve = try await Serve.Background(
            ["serve", "--container", "--token-file", tokenFile, "--port", "0", "--metrics-port", "0", "--source", "build", "--source", "deploy=ci-deploy"],
            until: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", environment: environment
        )
        defer { serve.stop() }
        let lines = serve.banner.split(separator: "\n").map(String.init)
        func uri(_ name: String) -> String? {
            lines.first { $0.hasPrefix("source \(name): AWS_CONTAINER_CREDENTIALS_FULL_URI=") }.map { String($0.split(separator: "=", maxSplits: 1)[1]) }
        }
        let build = try #require(uri("build"), "\(serve.banner)")
        let deploy = try #require(uri("deploy"), "\(serve.banner)")
        #expect(build.hasSuffix("/credentials/build") && deploy.hasSuffix("/credentials/deploy"))
        let metricsLine = try #require(lines.first { $0.hasPrefix("rolekit serve metrics on ") }, "\(serve.banner)")
        let metrics = String(metricsLine.dropFirst("rolekit serve metrics on ".count))

        // botocore's container provider, once per path: each gets its own role.
        for (fullURI, role, session) in [(build, "build", "ci-build"), (deploy, "deploy", "ci-deploy")] {
            let (method, arn) = try await Serve.boto3(["AWS_CONTAINER_CREDENTIALS_FULL_URI": fullURI, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile], endpoint: endpoint)
            #expect(method == "container-role")
            #expect(arn == "arn:aws:sts::123456789012:assumed-role/\(role)/\(session)")
        }
        // With named sources there is no unnamed /credentials, and the token still guards them.
        let base = String(build.dropLast("/build".count))
        #expect(try await Self.status(base, token: token) == 404)
        #expect(try await Self.status(build, token: "wrong-token-0123456789") == 403)

        let samples = try await Self.scrape(metrics)
        for source in ["build", "deploy"] {
            #expect(samples["rolekit_credential_refreshes_total{source=\(source)}"] == 1, "\(samples)")
            #expect(samples["rolekit_credential_refresh_failures_total{source=\(source)}"] == 0, "\(samples)")
            let left = try #require(samples["rolekit_credentials_seconds_to_expiry{source=\(source)}"], "\(samples)")
            #expect(left > 0 && left <= 3600)
            let expiration = try #require(samples["rolekit_credentials_expiration_timestamp_seconds{source=\(source)}"])
            #expect(abs(expiration - Date().timeIntervalSince1970 - left) < 60)
        }
        #expect(samples["rolekit_endpoint_requests_total{status=200}"] == 2, "\(samples)")
        #expect(samples["rolekit_endpoint_requests_total{status=404}"] == 1, "\(samples)")
        #expect(samples["rolekit_endpoint_requests_total{status=403}"] == 1, "\(samples)")
        #expect(try await Self.status(String(metrics.dropLast("/metrics".count)) + "/other", token: "") == 404)
        #expect(await serve.stopAndWait() == 0)
    }

    /// A source whose first fetch fails stops serve at start, naming the source.
    @Test func aFailingSourceIsNamed() async throws {
        let home = NSTemporaryDirectory() + "rolekit-serve-sources-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try "[profile good]\ncredential_process = /bin/false\n".write(toFile: home + "/config", atomically: true, encoding: .utf8)
        let tokenFile = try Serve.containerTokenFile()
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        let environment = Serve.cleanEnvironment(["HOME": home, "AWS_CONFIG_FILE": home + "/config"])
        let missing = try await Subprocess.rolekitAsync(["serve", "--container", "--token-file", tokenFile, "--port", "0", "--source", "a=absent"], environment: environment)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("--source a"), "\(missing.stderr)")
        let failing = try await Subprocess.rolekitAsync(["serve", "--container", "--token-file", tokenFile, "--port", "0", "--source", "good"], environment: environment)
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("--source good") && failing.stderr.contains("exited with status 1"), "\(failing.stderr)")
        for bad in [["--source", "a/b"], ["--source", ".."], ["--source", "x", "--source", "x=y"], ["--source", "x", "--profile", "p"]] {
            let refused = try await Subprocess.rolekitAsync(["serve", "--container", "--token-file", tokenFile, "--port", "0"] + bad, environment: environment)
            #expect(refused.status != 0 && refused.stderr.contains("--source"), "\(bad): \(refused.stderr)")
        }
        let imds = try await Subprocess.rolekitAsync(["serve", "--port", "0", "--source", "a"], environment: environment)
        #expect(imds.status != 0 && imds.stderr.contains("--source goes with --container"), "\(imds.stderr)")
    }
}
