#!/usr/bin/env bash
# Start-up time of a rolekit binary next to `openssl version`, in the same run: each command
# is run RUNS times (default 50) after 5 warm-up runs, interleaved so that machine noise hits
# both; prints the median and p90 wall time of each and the ratio of the medians.
#
# Usage: scripts/bench-startup.sh [ROLEKIT_BINARY] [RUNS]   (default: dist/rolekit, 50)
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-dist/rolekit}"
runs="${2:-50}"
[ -x "$binary" ] || { echo "bench-startup: $binary is not an executable (build one with scripts/release)" >&2; exit 2; }
python3 - "$binary" "$runs" <<'PY'
import statistics, subprocess, sys, time
binary, runs = sys.argv[1], int(sys.argv[2])
commands = {"rolekit version": [binary, "version"], "openssl version": ["openssl", "version"]}
def once(argv):
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000
for argv in commands.values():
    for _ in range(5):
        once(argv)
times = {name: [] for name in commands}
for _ in range(runs):
    for name, argv in commands.items():
        times[name].append(once(argv))
def p90(values):
    return sorted(values)[int(len(values) * 0.9) - 1]
for name, values in times.items():
    print(f"{name:<18} median {statistics.median(values):6.1f} ms   p90 {p90(values):6.1f} ms   ({runs} runs)")
ratio = statistics.median(times["rolekit version"]) / statistics.median(times["openssl version"])
print(f"ratio rolekit/openssl (medians): {ratio:.2f}x   (goal <= 1.6x)")
PY
