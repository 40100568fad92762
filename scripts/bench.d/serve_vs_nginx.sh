#!/usr/bin/env bash
# `rolekit serve` against nginx serving the same bytes, over loopback, measured with wrk.
#
#   scripts/bench.d/serve_vs_nginx.sh ROLEKIT_BINARY SECONDS
#
# What it measures: requests/s and p99 latency of GET
# /latest/meta-data/iam/security-credentials/bench (the IMDSv2 credentials document) with
# `wrk -t 2 -c 16 -d SECONDS --latency`, and serve's peak resident memory (VmHWM).
# How: `rolekit serve --port 0 --role-name bench` is started as scripts/bench-serve.sh starts it
# (random static credentials of the real sizes, through the environment); an IMDSv2 token is
# taken and the credentials document fetched once with curl; exactly those bytes are written to a
# file that nginx (own configuration in a temporary directory, 127.0.0.1 on a free port,
# worker_processes 2, access_log off, Content-Type application/json, in the foreground as a
# child) serves at the same path. Both get the same wrk Lua script, which sends the token
# header (nginx ignores it). Rounds alternate serve, nginx, serve, nginx; the better round
# (higher requests/s) of each is reported with its own p99. A round with non-2xx answers or
# with socket errors on more than 1% of its requests fails the benchmark.
# Output: one JSON line
#   {"name":"serve vs nginx","serve_rps":…,"nginx_rps":…,"ratio":…,"serve_p99_ms":…,
#    "nginx_p99_ms":…,"serve_peak_rss_kb":…, …}
# wrk and nginx are installed with apt-get when missing. Credentials are never printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -ne 2 ]; then echo "usage: $0 ROLEKIT_BINARY SECONDS" >&2; exit 2; fi
binary="$(readlink -f "$1")"
seconds="$2"
[ -x "$binary" ] || { echo "serve_vs_nginx: $binary is not an executable" >&2; exit 2; }
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "serve_vs_nginx: SECONDS must be a positive integer" >&2; exit 2; }
py=.venv/bin/python
[ -x "$py" ] || py=python3
path=/latest/meta-data/iam/security-credentials/bench

install_packages() { # PACKAGE...
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 \
        || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1; } \
        || { echo "serve_vs_nginx: could not install $* (apt-get install $*)" >&2; exit 1; }
}
command -v wrk >/dev/null || install_packages wrk
nginx="$(command -v nginx || true)"
[ -n "$nginx" ] || [ ! -x /usr/sbin/nginx ] || nginx=/usr/sbin/nginx
if [ -z "$nginx" ]; then install_packages nginx; nginx="$(command -v nginx || echo /usr/sbin/nginx)"; fi
[ -x "$nginx" ] || { echo "serve_vs_nginx: nginx is not installed" >&2; exit 1; }
command -v curl >/dev/null || install_packages curl

umask 077
work="$(mktemp -d "${TMPDIR:-/tmp}/rolekit-bench-serve.XXXXXX")"
serve_pid=""
nginx_pid=""
wrk_pid=""
cleanup() {
    [ -z "$wrk_pid" ] || kill "$wrk_pid" 2>/dev/null || true
    [ -z "$serve_pid" ] || kill "$serve_pid" 2>/dev/null || true
    [ -z "$nginx_pid" ] || kill "$nginx_pid" 2>/dev/null || true
    [ -z "$serve_pid" ] || wait "$serve_pid" 2>/dev/null || true
    [ -z "$nginx_pid" ] || wait "$nginx_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# --- rolekit serve, as scripts/bench-serve.sh starts it --------------------------------------
# Random static credentials of the real sizes, through the environment (not the process list).
random() { "$py" -c 'import secrets, sys; print("".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(int(sys.argv[1]))))' "$1"; }
AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
    AWS_ACCESS_KEY_ID="$(random 20)" AWS_SECRET_ACCESS_KEY="$(random 40)" AWS_SESSION_TOKEN="$(random 600)" \
    "$binary" serve --port 0 --role-name bench >"$work/serve.out" 2>&1 &
serve_pid=$!
for _ in $(seq 300); do
    grep -q "listening on" "$work/serve.out" 2>/dev/null && break
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
done
serve_url="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out" | head -1 || true)"
[ -n "$serve_url" ] || { echo "serve_vs_nginx: rolekit serve did not start:" >&2; grep -v -i 'secret\|token' "$work/serve.out" >&2 || true; exit 1; }
token="$(curl -sf -X PUT -H 'x-aws-ec2-metadata-token-ttl-seconds: 21600' "$serve_url/latest/api/token")" \
    || { echo "serve_vs_nginx: no IMDSv2 token from $serve_url" >&2; exit 1; }
# The document, byte for byte (curl -o writes the body as received).
curl -sf -o "$work/document" -D "$work/serve.headers" -H "x-aws-ec2-metadata-token: $token" "$serve_url$path" \
    || { echo "serve_vs_nginx: serve did not answer $path" >&2; exit 1; }
grep -q '"AccessKeyId"' "$work/document" || { echo "serve_vs_nginx: serve's answer at $path is not a credentials document" >&2; exit 1; }
cat >"$work/token.lua" <<LUA
wrk.headers["x-aws-ec2-metadata-token"] = "$token"
LUA

# --- nginx serving the same bytes ------------------------------------------------------------
mkdir -p "$work/nginx/temp" "$work/www$(dirname "$path")"
cp "$work/document" "$work/www$path"
port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# Workers run as the invoking user (as root, nginx would otherwise switch them to nobody, who
# cannot read this 0700 directory); outside root the directive is ignored, so it is left out.
user_line=""
[ "$(id -u)" -ne 0 ] || user_line="user root;"
cat >"$work/nginx/nginx.conf" <<NGINX
$user_line
worker_processes 2;
daemon off;
master_process on;
pid $work/nginx/nginx.pid;
lock_file $work/nginx/nginx.lock;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/temp/client_body;
    proxy_temp_path $work/nginx/temp/proxy;
    fastcgi_temp_path $work/nginx/temp/fastcgi;
    uwsgi_temp_path $work/nginx/temp/uwsgi;
    scgi_temp_path $work/nginx/temp/scgi;
    types { }
    default_type application/json;
    server {
        listen 127.0.0.1:$port;
        root $work/www;
        location / { }
    }
}
NGINX
"$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" >"$work/nginx/stdout" 2>&1 &
nginx_pid=$!
nginx_url="http://127.0.0.1:$port"
for _ in $(seq 100); do
    curl -sf -o /dev/null "$nginx_url$path" 2>/dev/null && break
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.1
done
curl -sf -o "$work/nginx.document" -D "$work/nginx.headers" -H "x-aws-ec2-metadata-token: $token" "$nginx_url$path" \
    || { echo "serve_vs_nginx: nginx did not start:" >&2; cat "$work/nginx/error.log" "$work/nginx/stdout" >&2 2>/dev/null || true; exit 1; }
cmp -s "$work/document" "$work/nginx.document" || { echo "serve_vs_nginx: nginx does not serve the same bytes as serve" >&2; exit 1; }
# (serve answers text/plain, as EC2's IMDS does; nginx is asked for application/json.)
grep -qi '^content-type: application/json' "$work/nginx.headers" \
    || { echo "serve_vs_nginx: nginx's Content-Type is not application/json" >&2; exit 1; }

# --- wrk rounds: serve, nginx, serve, nginx --------------------------------------------------
run_wrk() { # NAME URL ROUND   (in the background + wait, so SIGTERM/SIGINT are handled at once)
    wrk -t 2 -c 16 -d "${seconds}s" -s "$work/token.lua" --latency "$2$path" >"$work/wrk.$1.$3" 2>&1 &
    wrk_pid=$!
    wait "$wrk_pid" || { echo "serve_vs_nginx: wrk against $1 failed:" >&2; cat "$work/wrk.$1.$3" >&2; exit 1; }
    wrk_pid=""
}
for round in 1 2; do
    run_wrk serve "$serve_url" "$round"
    run_wrk nginx "$nginx_url" "$round"
done
kill -0 "$serve_pid" 2>/dev/null || { echo "serve_vs_nginx: rolekit serve exited during the benchmark" >&2; exit 1; }
hwm() { awk '$1 == "VmHWM:" { print $2 }' "/proc/$1/status"; }
serve_hwm="$(hwm "$serve_pid")"
# nginx: the master and its workers, summed.
nginx_hwm=0
for pid in "$nginx_pid" $(pgrep -P "$nginx_pid" || true); do
    nginx_hwm=$((nginx_hwm + $(hwm "$pid" || echo 0)))
done

"$py" - "$work" "$serve_hwm" "$nginx_hwm" "$seconds" "$(stat -c %s "$work/document")" <<'PY'
import json, re, sys
work, serve_hwm, nginx_hwm, seconds, document_bytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}

def milliseconds(text):
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text)
    if not match:
        raise SystemExit(f"serve_vs_nginx: cannot read the wrk latency {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]

def parse(name, round_):
    text = open(f"{work}/wrk.{name}.{round_}").read()
    rps = re.search(r"^Requests/sec:\s*([0-9.]+)", text, re.M)
    p99 = re.search(r"^\s*99(?:\.0+)?%\s+(\S+)", text, re.M)
    total = re.search(r"^\s*([0-9]+) requests in", text, re.M)
    if not (rps and p99 and total):
        raise SystemExit(f"serve_vs_nginx: cannot read wrk's output for {name} round {round_}:\n{text}")
    requests = int(total.group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*([0-9]+)", text)
    if non2xx:
        raise SystemExit(f"serve_vs_nginx: {name} answered {non2xx.group(1)} of {requests} requests with a non-2xx status")
    errors = re.search(r"Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)", text)
    socket_errors = sum(int(n) for n in errors.groups()) if errors else 0
    if requests == 0 or socket_errors > 0.01 * requests:
        raise SystemExit(f"serve_vs_nginx: {name} round {round_}: {socket_errors} socket errors in {requests} requests")
    return {"rps": float(rps.group(1)), "p99_ms": milliseconds(p99.group(1)), "requests": requests, "socket_errors": socket_errors}

rounds = {name: [parse(name, r) for r in (1, 2)] for name in ("serve", "nginx")}
best = {name: max(values, key=lambda v: v["rps"]) for name, values in rounds.items()}
print(json.dumps({
    "name": "serve vs nginx",
    "serve_rps": round(best["serve"]["rps"], 1),
    "nginx_rps": round(best["nginx"]["rps"], 1),
    "ratio": round(best["serve"]["rps"] / best["nginx"]["rps"], 4),
    "serve_p99_ms": round(best["serve"]["p99_ms"], 3),
    "nginx_p99_ms": round(best["nginx"]["p99_ms"], 3),
    "serve_peak_rss_kb": serve_hwm,
    "nginx_peak_rss_kb": nginx_hwm,
    "seconds_per_round": seconds,
    "document_bytes": document_bytes,
    "rounds_rps": {name: [round(v["rps"], 1) for v in values] for name, values in rounds.items()},
    "wrk": "-t 2 -c 16 --latency",
}))
PY
