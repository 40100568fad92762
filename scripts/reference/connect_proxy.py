#!/usr/bin/env python3
"""A minimal HTTP CONNECT proxy for RoleKit's proxy tests (loopback only).

Usage: connect_proxy.py LOGFILE
Prints "PORT <n>" once listening, and appends one line per tunnel to LOGFILE:
"CONNECT <host:port> AUTH <Proxy-Authorization value or ->". Relays bytes both ways.
Only 127.0.0.1 and ::1 targets are allowed.
"""
import select
import signal
import socket
import socketserver
import sys


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        request_line = self.rfile.readline(65536).decode("latin-1").strip()
        headers = {}
        while True:
            line = self.rfile.readline(65536).decode("latin-1")
            if line in ("\r\n", "\n", ""):
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        parts = request_line.split()
        if len(parts) != 3 or parts[0] != "CONNECT":
            self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        target = parts[1]
        host, _, port = target.rpartition(":")
        host = host.strip("[]")
        with open(sys.argv[1], "a") as log:
            log.write(f"CONNECT {target} AUTH {headers.get('proxy-authorization', '-')}\n")
        if host not in ("127.0.0.1", "::1", "localhost"):
            self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        upstream = socket.create_connection((host, int(port)))
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 30)
                if not readable:
                    return
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == "__main__":
    # A parent that ignores SIGTERM (servers do) passes that on through exec; restore it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with Server(("127.0.0.1", 0), Handler) as server:
        print(f"PORT {server.server_address[1]}", flush=True)
        server.serve_forever()
