#!/usr/bin/env python3
"""Asks 127.0.0.1:PORT for an IMDSv2 token from a socket that drops packets whose IP TTL is
below MIN_TTL (Linux IP_MINTTL), and prints `answer STATUS` or `no-answer`.

    ttl_probe.py PORT MIN_TTL TIMEOUT_SECONDS

A server that sends its responses with TTL 1 answers a probe with MIN_TTL 1 and not one with
MIN_TTL 2: that is how the tests read `rolekit serve --hop-limit` from outside the process.
"""
import socket
import sys

port, min_ttl, timeout = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
IP_MINTTL = getattr(socket, "IP_MINTTL", 21)
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.IPPROTO_IP, IP_MINTTL, min_ttl)
sock.settimeout(timeout)
try:
    sock.connect(("127.0.0.1", port))
    sock.sendall(b"PUT /latest/api/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    data = sock.recv(4096)
    if not data:
        print("no-answer")
    else:
        print("answer", data.split(b" ")[1].decode())
except (socket.timeout, ConnectionError, OSError):
    print("no-answer")
finally:
    sock.close()
