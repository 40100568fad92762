#!/usr/bin/env python3
"""Full `rolekit credential-process` against the Python peer, iam-rolesanywhere-session.

    scripts/bench.d/rolesanywhere_peer.py ROLEKIT_BINARY RUNS

What it measures: the wall time from process start to exit of one complete Roles Anywhere
CreateSession round, with a cold process each time:
  (a) ROLEKIT_BINARY credential-process --certificate … --private-key … --trust-anchor-arn …
      --profile-arn … --role-arn … --endpoint https://127.0.0.1:PORT   (CA from AWS_CA_BUNDLE)
  (b) the venv's python running a small program that uses the PyPI package
      `iam-rolesanywhere-session` (IAMRolesAnywhereSession(endpoint="127.0.0.1:PORT",
      verify=CA_BUNDLE).get_refreshable_credentials().get_frozen_credentials()) and prints the
      credentials as credential_process JSON.
Both talk to the same RoleKit emulator (HTTPS on a free loopback port, started here with a JSON
configuration: one trust anchor = a throwaway root CA made with openssl, one profile allowing
one role) with the same RSA-2048 leaf certificate and key. Each run's exit status and output are
checked (an AccessKeyId must come back); any failure stops the benchmark. After 3 warm-up runs of
each, RUNS runs of each are interleaved (order alternating every round) so machine noise hits
both. Output: one JSON line
  {"name": "credential-process vs iam-rolesanywhere-session", "rolekit_median_ms": …,
   "peer_median_ms": …, "ratio": rolekit/peer, "runs": …, …}
Credentials are never printed. The emulator and the temporary directory are removed on exit,
also on failure or SIGTERM/SIGINT.

The helpers (make_pki, Emulator, bench_environment, …) are also used by startup.py.
"""
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"
PEER_PACKAGE = "iam-rolesanywhere-session"

ACCOUNT = "123456789012"
REGION = "us-east-1"
TRUST_ANCHOR_ID = "29efd0b1-1b66-4df4-8ae7-e935716efd8e"
PROFILE_ID = "3d203fc0-7bba-4ec1-a6ef-697504ce1c72"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/bench"
TRUST_ANCHOR_ARN = f"arn:aws:rolesanywhere:{REGION}:{ACCOUNT}:trust-anchor/{TRUST_ANCHOR_ID}"
PROFILE_ARN = f"arn:aws:rolesanywhere:{REGION}:{ACCOUNT}:profile/{PROFILE_ID}"


class BenchError(Exception):
    """A step failed; the message says which (never with credentials in it)."""


def ensure_venv():
    """Re-runs this script with the project's venv Python when started with another one."""
    venv_python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not venv_python.exists():
        sys.exit(f"{Path(sys.argv[0]).name}: {venv_python} is missing (run scripts/setup-python.sh)")
    os.execv(str(venv_python), [str(venv_python), os.path.abspath(sys.argv[0]), *sys.argv[1:]])


def ensure_peer_installed():
    """Installs iam-rolesanywhere-session into the venv (quietly) when it is missing."""
    try:
        import iam_rolesanywhere_session  # noqa: F401
    except ImportError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PEER_PACKAGE],
            check=True, stdout=subprocess.DEVNULL,
        )
    from importlib.metadata import version
    return version(PEER_PACKAGE)


def terminate_on_signals():
    """SIGTERM/SIGINT raise SystemExit, so `finally` blocks (emulator, temp dir) still run."""
    def handler(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


# --- PKI ------------------------------------------------------------------------------------

OPENSSL_CNF = """\
[ req ]
distinguished_name = req_dn
prompt             = no
[ req_dn ]
CN = placeholder
[ v3_root ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
[ v3_leaf ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
[ v3_server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = IP:127.0.0.1, DNS:localhost
"""


def openssl(*args):
    result = subprocess.run(["openssl", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise BenchError(f"openssl {args[0]} failed: {result.stderr.strip()}")
    return result.stdout


def make_pki(directory):
    """A throwaway PKI in `directory`: a root CA (the trust anchor and the TLS CA bundle), an
    RSA-2048 client leaf for Roles Anywhere, and an RSA-2048 TLS server certificate for
    127.0.0.1. Returns a dict of paths."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    cnf = d / "openssl.cnf"
    cnf.write_text(OPENSSL_CNF)
    pki = {name: str(d / name) for name in ("ca.pem", "ca.key", "leaf.pem", "leaf.key", "server.pem", "server.key")}
    openssl("req", "-x509", "-config", str(cnf), "-extensions", "v3_root", "-newkey", "rsa:2048", "-nodes",
            "-keyout", pki["ca.key"], "-out", pki["ca.pem"], "-subj", "/CN=RoleKit bench root CA/O=RoleKit bench",
            "-days", "7", "-sha256")
    for name, extensions in (("leaf", "v3_leaf"), ("server", "v3_server")):
        csr = str(d / f"{name}.csr")
        openssl("req", "-new", "-config", str(cnf), "-newkey", "rsa:2048", "-nodes", "-keyout", pki[f"{name}.key"],
                "-out", csr, "-subj", f"/CN=RoleKit bench {name}/O=RoleKit bench")
        serial = "0x" + "%02x" % (os.urandom(1)[0] % 127 + 1) + os.urandom(15).hex()
        openssl("x509", "-req", "-in", csr, "-CA", pki["ca.pem"], "-CAkey", pki["ca.key"], "-set_serial", serial,
                "-days", "7", "-sha256", "-extfile", str(cnf), "-extensions", extensions, "-out", pki[f"{name}.pem"])
    openssl("verify", "-CAfile", pki["ca.pem"], pki["leaf.pem"], pki["server.pem"])
    for key in ("ca.key", "leaf.key", "server.key"):
        os.chmod(pki[key], 0o600)
    return pki


# --- environment ----------------------------------------------------------------------------

def bench_environment(directory, pki):
    """The environment of every timed process: nothing of the caller's AWS setup, a private HOME,
    no config files, no IMDS, and the test CA as AWS_CA_BUNDLE (how rolekit takes a CA bundle)."""
    d = Path(directory)
    home = d / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "ROLEKIT_")) and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    env.update({
        "HOME": str(home),
        "TMPDIR": str(d),
        "AWS_CONFIG_FILE": str(d / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(d / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CA_BUNDLE": pki["ca.pem"],
    })
    env.pop("XDG_CACHE_HOME", None)
    return env


# --- emulator -------------------------------------------------------------------------------

class Emulator:
    """`rolekit emulator --config CONFIG --port 0 --tls-certificate … --tls-key …`, as a child;
    `endpoint` is https://127.0.0.1:PORT once it listens. Use as a context manager."""

    def __init__(self, binary, directory, pki, env):
        self.binary, self.directory, self.pki, self.env = binary, Path(directory), pki, env
        self.process = None
        self.endpoint = None
        self.port = None

    def __enter__(self):
        config = self.directory / "emulator.json"
        config.write_text(json.dumps({
            "accountId": ACCOUNT,
            "region": REGION,
            "trustAnchors": [{"id": TRUST_ANCHOR_ID, "name": "bench", "certificateBundle": self.pki["ca.pem"]}],
            "profiles": [{"id": PROFILE_ID, "name": "bench", "roleArns": [ROLE_ARN], "durationSeconds": 3600}],
        }, indent=2))
        self.out = self.directory / "emulator.out"
        self.err = self.directory / "emulator.err"
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.process = subprocess.Popen(
                [self.binary, "emulator", "--config", str(config), "--host", "127.0.0.1", "--port", "0",
                 "--tls-certificate", self.pki["server.pem"], "--tls-key", self.pki["server.key"]],
                stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=self.env,
            )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                match = re.search(r"listening on (https://127\.0\.0\.1:(\d+))", self.out.read_text(errors="replace"))
                if match:
                    self.endpoint, self.port = match.group(1), int(match.group(2))
                    return self
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
            detail = self.err.read_text(errors="replace").strip()[-2000:]
            status = self.process.poll()
            what = f"exited with status {status}" if status is not None else "is not listening after 60 s"
            raise BenchError(f"the emulator ({self.binary} emulator) {what}: {detail}")
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __exit__(self, *exc):
        self.stop()
        return False


# --- timed runs -----------------------------------------------------------------------------

def rolekit_credential_process_argv(binary, pki, endpoint, *extra):
    return [binary, "credential-process", "--certificate", pki["leaf.pem"], "--private-key", pki["leaf.key"],
            "--trust-anchor-arn", TRUST_ANCHOR_ARN, "--profile-arn", PROFILE_ARN, "--role-arn", ROLE_ARN,
            "--endpoint", endpoint, *extra]


PEER_PROGRAM = '''\
"""iam-rolesanywhere-session: one CreateSession, printed as credential_process JSON."""
import json, sys
from iam_rolesanywhere_session import IAMRolesAnywhereSession
certificate, private_key, trust_anchor_arn, profile_arn, role_arn, endpoint, ca_bundle = sys.argv[1:8]
session = IAMRolesAnywhereSession(
    profile_arn=profile_arn, role_arn=role_arn, trust_anchor_arn=trust_anchor_arn,
    certificate=certificate, private_key=private_key, region="us-east-1",
    endpoint=endpoint,   # host[:port]: the package calls https://{endpoint}/sessions
    verify=ca_bundle,    # CA bundle path, handed to botocore's URLLib3Session
)
credentials = session.get_refreshable_credentials()
frozen = credentials.get_frozen_credentials()   # the first use runs CreateSession
expiry = getattr(credentials, "_expiry_time", None)
print(json.dumps({"Version": 1, "AccessKeyId": frozen.access_key, "SecretAccessKey": frozen.secret_key,
                  "SessionToken": frozen.token, "Expiration": expiry.isoformat() if expiry else None}))
'''


def peer_argv(directory, pki, port):
    program = Path(directory) / "peer_iam_rolesanywhere_session.py"
    if not program.exists():
        program.write_text(PEER_PROGRAM)
    return [sys.executable, str(program), pki["leaf.pem"], pki["leaf.key"], TRUST_ANCHOR_ARN, PROFILE_ARN,
            ROLE_ARN, f"127.0.0.1:{port}", pki["ca.pem"]]


def run_timed(argv, env):
    """Runs argv to completion; returns (milliseconds from start to exit, CompletedProcess)."""
    start = time.perf_counter_ns()
    result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = (time.perf_counter_ns() - start) / 1e6
    return elapsed, result


def check_credentials(what, result):
    """Fails loudly unless `result` exited 0 and printed credential_process JSON with an
    AccessKeyId. Never shows standard output (it holds secrets)."""
    stderr = result.stderr.decode(errors="replace").strip()
    if result.returncode != 0:
        raise BenchError(f"{what} failed (exit {result.returncode}): {stderr[-2000:]}")
    try:
        document = json.loads(result.stdout)
    except ValueError:
        raise BenchError(f"{what} printed something that is not JSON ({len(result.stdout)} bytes); stderr: {stderr[-500:]}")
    if not isinstance(document, dict) or document.get("Version") != 1 \
            or not isinstance(document.get("AccessKeyId"), str) or not document["AccessKeyId"] \
            or not document.get("SecretAccessKey") or not document.get("SessionToken"):
        keys = sorted(document) if isinstance(document, dict) else type(document).__name__
        raise BenchError(f"{what} printed no credentials (members: {keys})")


def check_success(what, result):
    if result.returncode != 0:
        raise BenchError(f"{what} failed (exit {result.returncode}): {result.stderr.decode(errors='replace').strip()[-2000:]}")


def interleaved(commands, runs, warmups, check):
    """Times each (name, argv, env) `runs` times after `warmups` warm-ups, interleaved; the order
    is rotated every round so no command always follows the same one. Returns {name: [ms]}."""
    for name, argv, env in commands:
        for _ in range(warmups):
            _, result = run_timed(argv, env)
            check(name, result)
    times = {name: [] for name, _, _ in commands}
    for round_index in range(runs):
        shift = round_index % len(commands)
        for name, argv, env in commands[shift:] + commands[:shift]:
            elapsed, result = run_timed(argv, env)
            check(name, result)
            times[name].append(elapsed)
    return times


def p90(values):
    ordered = sorted(values)
    return ordered[max(0, int(round(0.9 * len(ordered))) - 1)]


def summary(values):
    return {"median": round(statistics.median(values), 3), "p90": round(p90(values), 3), "min": round(min(values), 3)}


def main():
    ensure_venv()
    if len(sys.argv) != 3:
        sys.exit("usage: rolesanywhere_peer.py ROLEKIT_BINARY RUNS")
    binary, runs = os.path.abspath(sys.argv[1]), int(sys.argv[2])
    if not os.access(binary, os.X_OK):
        sys.exit(f"rolesanywhere_peer: {binary} is not an executable")
    if runs < 1:
        sys.exit("rolesanywhere_peer: RUNS must be at least 1")
    terminate_on_signals()
    peer_version = ensure_peer_installed()
    directory = tempfile.mkdtemp(prefix="rolekit-bench-peer.")
    os.chmod(directory, 0o700)
    try:
        pki = make_pki(Path(directory) / "pki")
        env = bench_environment(directory, pki)
        with Emulator(binary, directory, pki, env) as emulator:
            commands = [
                ("rolekit credential-process", rolekit_credential_process_argv(binary, pki, emulator.endpoint), env),
                (f"python {PEER_PACKAGE}", peer_argv(directory, pki, emulator.port), env),
            ]
            times = interleaved(commands, runs, warmups=3, check=check_credentials)
        rolekit, peer = summary(times[commands[0][0]]), summary(times[commands[1][0]])
        print(json.dumps({
            "name": "credential-process vs iam-rolesanywhere-session",
            "rolekit_median_ms": rolekit["median"],
            "peer_median_ms": peer["median"],
            "ratio": round(rolekit["median"] / peer["median"], 4),
            "runs": runs,
            "rolekit_p90_ms": rolekit["p90"], "peer_p90_ms": peer["p90"],
            "rolekit_min_ms": rolekit["min"], "peer_min_ms": peer["min"],
            "peer": f"{PEER_PACKAGE} {peer_version}",
        }))
    except BenchError as error:
        print(f"rolesanywhere_peer: {error}", file=sys.stderr)
        sys.exit(1)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
