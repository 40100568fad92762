#!/usr/bin/env python3
"""The service manager's side of sd_notify(3) and sd_listen_fds(3), for RoleKit's tests.

  systemd_peer.py notify SOCKET_PATH WATCHDOGS -- COMMAND...
      Binds an AF_UNIX datagram socket at SOCKET_PATH, runs COMMAND with NOTIFY_SOCKET set to
      it, and collects notifications until READY=1 and WATCHDOGS messages WATCHDOG=1 arrived
      (60 s at most); then sends SIGTERM, collects until the command exits, and prints one
      JSON line: {"messages": [...], "status": exit status, "timed_out": bool}.
  systemd_peer.py pass KIND -- COMMAND...
      Execs COMMAND with one socket passed as systemd does (descriptor 3, LISTEN_FDS=1,
      LISTEN_PID = its own pid). KIND: "loopback" (a listening TCP socket on 127.0.0.1),
      "any" (listening on 0.0.0.0), "udp", "unlistened" (bound, not listening), "two" (two
      loopback listeners, LISTEN_FDS=2). Exits with the command's status.
  systemd_peer.py supervise -- COMMAND...
      Runs COMMAND as a child, prints "child-pid PID", and exits with its status (a parent
      that stays, for commands that close descriptors they inherited before exec'ing, as
      systemd-socket-activate does).
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time


def notify(path, watchdogs, command):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(path)
    server.settimeout(0.5)
    environment = dict(os.environ, NOTIFY_SOCKET=path)
    child = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
    messages = []
    deadline = time.monotonic() + 60
    timed_out = False

    def receive():
        try:
            messages.append(server.recv(4096).decode("utf-8", "replace"))
        except socket.timeout:
            pass

    while True:
        ready = any("READY=1" in m.split("\n") for m in messages)
        beats = sum(1 for m in messages if m == "WATCHDOG=1")
        if ready and beats >= watchdogs:
            break
        if child.poll() is not None:
            break
        if time.monotonic() > deadline:
            timed_out = True
            break
        receive()
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        stop = time.monotonic() + 30
        while child.poll() is None and time.monotonic() < stop:
            receive()
        if child.poll() is None:
            child.kill()
            timed_out = True
    # Whatever was sent before the exit is queued still.
    server.settimeout(0.1)
    receive()
    receive()
    print(json.dumps({"messages": messages, "status": child.wait(), "timed_out": timed_out}))


def make_socket(kind):
    if kind == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        return [s]
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("0.0.0.0" if kind == "any" else "127.0.0.1", 0))
    if kind != "unlistened":
        s.listen(8)
    if kind == "two":
        return [s] + make_socket("loopback")
    return [s]


def pass_socket(kind, command):
    sockets = make_socket(kind)
    pid = os.fork()
    if pid == 0:
        # Staged through high descriptors, so 3 and 4 may be any of ours beforehand.
        staged = [os.dup2(s.fileno(), 100 + index) for index, s in enumerate(sockets)]
        for index, descriptor in enumerate(staged):
            os.dup2(descriptor, 3 + index, inheritable=True)
            os.close(descriptor)
        environment = dict(os.environ, LISTEN_FDS=str(len(sockets)), LISTEN_PID=str(os.getpid()))
        os.execvpe(command[0], command, environment)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))


def main():
    arguments = sys.argv[1:]
    split = arguments.index("--")
    head, command = arguments[:split], arguments[split + 1:]
    if head[0] == "notify":
        notify(head[1], int(head[2]), command)
    elif head[0] == "pass":
        pass_socket(head[1], command)
    elif head[0] == "supervise":
        child = subprocess.Popen(command)
        print("child-pid", child.pid, flush=True)
        status = child.wait()
        sys.exit(status if status >= 0 else 128 - status)
    else:
        sys.exit("unknown mode")


if __name__ == "__main__":
    main()
