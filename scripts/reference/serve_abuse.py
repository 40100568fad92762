#!/usr/bin/env python3
"""Abuses a `rolekit serve` IMDSv2 endpoint on 127.0.0.1 while a well-behaved client keeps asking.

Usage: serve_abuse.py PORT ROLE SECONDS
Prints one JSON object: how the well-behaved client fared and what happened to each abuse.
Only 127.0.0.1 is ever contacted.
"""
import json, socket, sys, threading, time, urllib.request

port, role, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
base = f"http://127.0.0.1:{port}"
result = {"good_ok": 0, "good_fail": 0, "idle_opened": 0, "idle_closed_by_server": 0}
stop = threading.Event()

# A good client's request may take up to 4 s: on a loaded 2-core CI machine the test process
# can be descheduled for a second or two; a server that the abuse blocks would hold it for the
# 5 s request timeout or the 30 s idle timeout, which this still catches.
GOOD_TIMEOUT = 4

def good_client():
    while not stop.is_set():
        try:
            req = urllib.request.Request(base + "/latest/api/token", method="PUT", headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"})
            token = opener.open(req, timeout=GOOD_TIMEOUT).read().decode()
            req = urllib.request.Request(base + "/latest/meta-data/iam/security-credentials/" + role, headers={"X-aws-ec2-metadata-token": token})
            body = json.loads(opener.open(req, timeout=GOOD_TIMEOUT).read())
            if body.get("Code") == "Success" and body.get("AccessKeyId"):
                result["good_ok"] += 1
            else:
                result["good_fail"] += 1
        except Exception:
            result["good_fail"] += 1
        time.sleep(0.05)

def closed(sock, wait):
    """Whether the server closed `sock` within `wait` seconds."""
    sock.settimeout(wait)
    try:
        return sock.recv(1) == b""
    except socket.timeout:
        return False
    except OSError:
        return True

thread = threading.Thread(target=good_client)
thread.start()
time.sleep(0.3)

# 1. 500 idle connections that never send a byte.
idle = []
for _ in range(500):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        idle.append(s)
        result["idle_opened"] += 1
    except OSError:
        pass

# 2. A slow drip: the request head one byte every 0.3 s.
drip = socket.create_connection(("127.0.0.1", port), timeout=2)
start = time.monotonic()
drip_closed_after = None
request = b"GET /latest/meta-data/iam/security-credentials/ HTTP/1.1\r\nHost: x\r\n\r\n"
for byte in request:
    try:
        drip.send(bytes([byte]))
    except OSError:
        drip_closed_after = time.monotonic() - start
        break
    if closed(drip, 0.3):
        drip_closed_after = time.monotonic() - start
        break
result["drip_closed_after_seconds"] = drip_closed_after

# 3. An oversize body.
big = socket.create_connection(("127.0.0.1", port), timeout=5)
big.send(b"PUT /latest/api/token HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n")
status = None
try:
    for _ in range(100):
        big.send(b"x" * 4096)
except OSError:
    pass
try:
    big.settimeout(5)
    first = big.recv(64)
    status = int(first.split(b" ")[1]) if first.startswith(b"HTTP/") else None
except (OSError, ValueError, IndexError):
    status = None
result["oversize_status"] = status

# Let the abuse run for the rest of the time, then count idle sockets the server closed.
time.sleep(max(0.0, seconds - (time.monotonic() - start)))
for s in idle:
    if closed(s, 0.01):
        result["idle_closed_by_server"] += 1
    s.close()
stop.set()
thread.join()
print(json.dumps(result))
