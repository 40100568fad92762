#!/usr/bin/env bash
# Throughput and memory of `rolekit serve` over loopback, measured with wrk (Debian's `wrk`
# package; installed with apt-get when missing and possible).
#
#   scripts/bench-serve.sh [SECONDS] [CONNECTIONS]
#
# Serves static credentials (no AWS account, no emulator), takes an IMDSv2 token, then runs wrk
# against the credentials document with that token. Prints wrk's summary and the serve process's
# resident memory before and after (VmRSS) and at its peak (VmHWM). Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
connections="${2:-32}"

if ! command -v wrk >/dev/null; then
    apt-get install -y wrk >/dev/null 2>&1 || { echo "bench-serve: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
fi
swift build -c release --product rolekit >/dev/null
binary="$(swift build -c release --show-bin-path 2>/dev/null)/rolekit"

work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
# Random static credentials of the real sizes, through the environment (not the process list).
random() { LC_ALL=C tr -dc 'A-Z2-7' </dev/urandom | head -c "$1"; }
AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
    AWS_ACCESS_KEY_ID="$(random 20)" AWS_SECRET_ACCESS_KEY="$(random 40)" AWS_SESSION_TOKEN="$(random 600)" \
    "$binary" serve --port 0 --role-name bench >"$work/serve.out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out" | head -1)"
[ -n "$url" ] || { cat "$work/serve.out" >&2; exit 1; }
token="$(curl -s -X PUT -H 'x-aws-ec2-metadata-token-ttl-seconds: 21600' "$url/latest/api/token")"
cat >"$work/token.lua" <<LUA
wrk.headers["x-aws-ec2-metadata-token"] = "$token"
LUA
rss() { awk -v k="$1" '$1 == k":" { print $2 " kB" }' "/proc/$pid/status"; }
echo "serve: $url (pid $pid), resident before: $(rss VmRSS)"
wrk -t 2 -c "$connections" -d "${seconds}s" -s "$work/token.lua" --latency "$url/latest/meta-data/iam/security-credentials/bench"
echo "serve: resident after: $(rss VmRSS), peak: $(rss VmHWM)"
