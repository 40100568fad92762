import Benchmark
import Crypto
import Foundation
import RoleKitIdentity
import RoleKitSigning

/// One SigV4-X509-sized signature (SHA-256, P-256) with a software key, a key on a SoftHSM2
/// token and a key in a software TPM (swtpm), in the same run. scripts/bench-hardware.sh makes
/// the token (ROLEKIT_BENCH_TOKEN_DIR) and the TPM (ROLEKIT_BENCH_TPM_DIR); without them those
/// two benchmarks are left out, with a note on standard error.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))
    let message = Array("AWS4-X509-ECDSA-SHA256\n20261202T000000Z\n20261202/us-east-1/rolesanywhere/aws4_request\n0123456789abcdef".utf8)
    let environment = ProcessInfo.processInfo.environment

    let software = X509SigningKey(P256.Signing.PrivateKey())
    Benchmark("sign P-256: software key (swift-crypto)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try software.signature(for: message))
        }
    }

    if environment["ROLEKIT_BENCH_TOKEN_DIR"] != nil {
        do {
            let identity = try SigningIdentity.load(
                certificate: "pkcs11:token=rk-test;object=ec256", privateKey: nil, pkcs11: .init(modulePath: "/usr/lib/softhsm/libsofthsm2.so", pin: .value(Passphrase("1234")))
            )
            Benchmark("sign P-256: PKCS#11 (SoftHSM2)") { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(try identity.key.signature(for: message))
                }
            }
        } catch {
            FileHandle.standardError.write(Data("HardwareKeyBenchmarks: PKCS#11 left out: \(error)\n".utf8))
        }
    } else {
        FileHandle.standardError.write(Data("HardwareKeyBenchmarks: PKCS#11 left out: ROLEKIT_BENCH_TOKEN_DIR is not set (scripts/bench-hardware.sh sets it)\n".utf8))
    }

    if let directory = environment["ROLEKIT_BENCH_TPM_DIR"], let tcti = try? String(contentsOfFile: directory + "/tcti", encoding: .utf8) {
        do {
            let identity = try SigningIdentity.load(
                certificate: directory + "/p256.pem", privateKey: directory + "/p256.key.pem", tpm: .init(tcti: tcti.trimmingCharacters(in: .whitespacesAndNewlines))
            )
            Benchmark("sign P-256: TPM 2.0 key file (swtpm)") { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(try identity.key.signature(for: message))
                }
            }
        } catch {
            FileHandle.standardError.write(Data("HardwareKeyBenchmarks: TPM left out: \(error)\n".utf8))
        }
    } else {
        FileHandle.standardError.write(Data("HardwareKeyBenchmarks: TPM left out: ROLEKIT_BENCH_TPM_DIR is not set (scripts/bench-hardware.sh sets it)\n".utf8))
    }
}
