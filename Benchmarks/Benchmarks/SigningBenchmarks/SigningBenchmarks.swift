import Benchmark
import Crypto
import _CryptoExtras
import Foundation
import RoleKitSigning
import X509

/// SigV4 (HMAC) and SigV4-X509 signing of a CreateSession-sized request. Keys and certificates
/// are made with swift-crypto and swift-certificates at start-up.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))

    let request = SigningRequest(
        method: "POST",
        path: "/sessions",
        headers: [.init("Host", "rolesanywhere.us-east-1.amazonaws.com"), .init("Content-Type", "application/json")],
        body: Array(#"{"durationSeconds":3600,"profileArn":"arn:aws:rolesanywhere:us-east-1:123456789012:profile/3d203fc0-7bba-4ec1-a6ef-697504ce1c72","roleArn":"arn:aws:iam::123456789012:role/demo","trustAnchorArn":"arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/29efd0b1-1b66-4df4-8ae7-e935716efd8e"}"#.utf8)
    )
    let now = Date(timeIntervalSince1970: 1_704_164_645)

    let hmac = SigV4Signer(
        credentials: SigningCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "token"),
        region: "us-east-1",
        service: "sts"
    )
    // The fast rows run a thousand iterations a sample (results are per iteration): with one,
    // the harness's own cost per sample (clocks, counters: about 0.3 µs and 16 allocations)
    // would be a large part of what is measured.
    let fast = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], scalingFactor: .kilo, maxDuration: .seconds(3))
    Benchmark("SigV4 HMAC sign", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(hmac.sign(request, at: now))
        }
    }

    let rsaKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    let rsaSigner = try! SigV4X509Signer(
        certificate: selfSigned(Certificate.PrivateKey(rsaKey), algorithm: .sha256WithRSAEncryption),
        key: X509SigningKey(rsaKey),
        region: "us-east-1"
    )
    Benchmark("SigV4-X509 sign RSA-2048") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try rsaSigner.sign(request, at: now))
        }
    }

    let ecKey = P256.Signing.PrivateKey()
    let ecSigner = try! SigV4X509Signer(
        certificate: selfSigned(Certificate.PrivateKey(ecKey), algorithm: .ecdsaWithSHA256),
        key: X509SigningKey(ecKey),
        region: "us-east-1"
    )
    Benchmark("SigV4-X509 sign P-256", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try ecSigner.sign(request, at: now))
        }
    }

    let p384Key = P384.Signing.PrivateKey()
    let p384Signer = try! SigV4X509Signer(
        certificate: selfSigned(Certificate.PrivateKey(p384Key), algorithm: .ecdsaWithSHA384),
        key: X509SigningKey(p384Key),
        region: "us-east-1"
    )
    Benchmark("SigV4-X509 sign P-384") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try p384Signer.sign(request, at: now))
        }
    }

    // The peers of the SigV4-X509 rows: swift-crypto signing a SHA-256 digest of a string to
    // sign of the same length, with the same keys (what SigV4-X509 cannot do without).
    let stringToSign = try! ecSigner.signWithDetails(request, at: now).stringToSign
    let digest = SHA256.hash(data: Array(stringToSign.utf8))
    Benchmark("raw signature RSA-2048") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try rsaKey.signature(for: digest, padding: .insecurePKCS1v1_5))
        }
    }
    Benchmark("raw signature P-256", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try ecKey.signature(for: digest))
        }
    }
    Benchmark("raw signature P-384") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try p384Key.signature(for: digest))
        }
    }
}

func selfSigned(_ key: Certificate.PrivateKey, algorithm: Certificate.SignatureAlgorithm) -> Certificate {
    let name = try! DistinguishedName { CommonName("benchmark") }
    return try! Certificate(
        version: .v3,
        serialNumber: Certificate.SerialNumber(),
        publicKey: key.publicKey,
        notValidBefore: Date(timeIntervalSince1970: 1_700_000_000),
        notValidAfter: Date(timeIntervalSince1970: 1_900_000_000),
        issuer: name,
        subject: name,
        signatureAlgorithm: algorithm,
        extensions: Certificate.Extensions {},
        issuerPrivateKey: key
    )
}
