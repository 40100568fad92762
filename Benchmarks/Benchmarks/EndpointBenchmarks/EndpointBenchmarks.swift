import Benchmark
import Foundation
import RoleKitCredentials
import RoleKitEndpoints

/// `rolekit serve`'s request handling without the socket: the IMDSv2 credentials GET (token
/// check, JSON document) and the token PUT. `scripts/bench-serve.sh` measures the whole server
/// over loopback with wrk (throughput and resident memory).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))

    // Random values of the real sizes: nothing that looks like a key is kept in the source.
    func random(_ count: Int) -> String { String((0..<count).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".randomElement()! }) }
    let served = ServedCredentials(provider: StaticCredentialProvider(
        Credentials(accessKeyId: random(20), secretAccessKey: random(40), sessionToken: random(800), expiration: Date().addingTimeInterval(3600))
    ))
    let server = CredentialEndpointServer(configuration: .init(port: 0, mode: .instanceMetadata(roleName: "bench")), credentials: served)

    Benchmark("IMDSv2 credentials GET (in process)") { benchmark in
        try await served.start()
        let token = server.answer(method: "PUT", uri: "/latest/api/token", headers: [("x-aws-ec2-metadata-token-ttl-seconds", "21600")]).body
        let headers = [("Host", "127.0.0.1:9911"), ("x-aws-ec2-metadata-token", token)]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(server.answer(method: "GET", uri: "/latest/meta-data/iam/security-credentials/bench", headers: headers))
        }
    }

    Benchmark("IMDSv2 token PUT (in process)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(server.answer(method: "PUT", uri: "/latest/api/token", headers: [("x-aws-ec2-metadata-token-ttl-seconds", "60")]))
        }
    }
}
