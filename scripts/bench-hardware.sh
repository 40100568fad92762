#!/usr/bin/env bash
# Benchmarks one P-256 signature with a software key, a SoftHSM2 token key and a swtpm key in the
# same run (Benchmarks/, target HardwareKeyBenchmarks). Makes a throwaway token and TPM first
# (scripts/make-test-token.sh, scripts/make-test-tpm.sh; needs softhsm2, opensc, swtpm,
# tpm2-tools, tpm2-openssl) and stops the TPM afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d "${TMPDIR:-/tmp}/rolekit-bench-hw.XXXXXX")"
cleanup() {
    if [ -f "$work/tpm/swtpm.pid" ]; then kill "$(cat "$work/tpm/swtpm.pid")" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
if scripts/make-test-token.sh "$work/token" >/dev/null 2>&1; then
    export ROLEKIT_BENCH_TOKEN_DIR="$work/token" SOFTHSM2_CONF="$work/token/softhsm2.conf"
else
    echo "bench-hardware: no SoftHSM2 token (softhsm2/opensc missing?); PKCS#11 left out" >&2
fi
if scripts/make-test-tpm.sh "$work/tpm" >/dev/null 2>&1; then
    export ROLEKIT_BENCH_TPM_DIR="$work/tpm"
else
    echo "bench-hardware: no swtpm (swtpm/tpm2-tools/tpm2-openssl missing?); TPM left out" >&2
fi
cd Benchmarks
swift package --disable-sandbox benchmark --target HardwareKeyBenchmarks "$@"
