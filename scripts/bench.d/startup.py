#!/usr/bin/env python3
"""Start-up time of rolekit next to `openssl version`, in the same run.

    scripts/bench.d/startup.py ROLEKIT_BINARY RUNS

What it measures: the wall time from process start to exit of
  openssl version
  ROLEKIT_BINARY version
  ROLEKIT_BINARY credential-process … --cache --cache-dir DIR   (answered from the cache)
After 5 warm-up runs of each, RUNS runs of each are interleaved (order rotated every round) so
machine noise hits all three; medians (and p90, min) are compared with openssl's.

The cache is primed the simplest robust way: a throwaway PKI and the RoleKit emulator (HTTPS on a
free loopback port) are set up exactly as rolesanywhere_peer.py does, `credential-process
--cache` runs once against it (a real CreateSession, whose answer is written to DIR), and the
emulator is then stopped, so a timed run that missed the cache could not succeed silently over
the network: it would fail, and so would the benchmark. Every timed run's exit status is
checked, and each cached run must print credentials (an AccessKeyId). Credentials are never
printed; the temporary directory is removed on exit.

Output: two JSON lines
  {"name": "rolekit version vs openssl version", "rolekit_median_ms": …, "openssl_median_ms": …,
   "ratio": rolekit/openssl, "runs": …, …}
  {"name": "credential-process --cache vs openssl version", …same members…}
"""
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import rolesanywhere_peer as peer  # noqa: E402  (PKI, emulator, timing helpers)


def main():
    peer.ensure_venv()
    if len(sys.argv) != 3:
        sys.exit("usage: startup.py ROLEKIT_BINARY RUNS")
    binary, runs = os.path.abspath(sys.argv[1]), int(sys.argv[2])
    if not os.access(binary, os.X_OK):
        sys.exit(f"startup: {binary} is not an executable")
    if runs < 1:
        sys.exit("startup: RUNS must be at least 1")
    openssl = shutil.which("openssl")
    if openssl is None:
        sys.exit("startup: openssl is not installed")
    peer.terminate_on_signals()
    directory = tempfile.mkdtemp(prefix="rolekit-bench-startup.")
    os.chmod(directory, 0o700)
    try:
        pki = peer.make_pki(Path(directory) / "pki")
        env = peer.bench_environment(directory, pki)
        cache = str(Path(directory) / "cache")
        with peer.Emulator(binary, directory, pki, env) as emulator:
            cached_argv = peer.rolekit_credential_process_argv(binary, pki, emulator.endpoint, "--cache", "--cache-dir", cache)
            _, result = peer.run_timed(cached_argv, env)
            peer.check_credentials("priming credential-process --cache", result)
        if not any(Path(cache).glob("*.json")):
            raise peer.BenchError(f"credential-process --cache wrote no cache file in {cache}")
        # From here on the emulator is gone: only a cache hit can succeed.

        def check(name, result):
            if name.startswith("rolekit credential-process"):
                peer.check_credentials(name, result)
            else:
                peer.check_success(name, result)

        commands = [
            ("openssl version", [openssl, "version"], env),
            ("rolekit version", [binary, "version"], env),
            ("rolekit credential-process --cache", cached_argv, env),
        ]
        times = peer.interleaved(commands, runs, warmups=5, check=check)
        base = peer.summary(times["openssl version"])
        for name, label in (("rolekit version", "rolekit version vs openssl version"),
                            ("rolekit credential-process --cache", "credential-process --cache vs openssl version")):
            mine = peer.summary(times[name])
            print(json.dumps({
                "name": label,
                "rolekit_median_ms": mine["median"],
                "openssl_median_ms": base["median"],
                "ratio": round(mine["median"] / base["median"], 4),
                "runs": runs,
                "rolekit_p90_ms": mine["p90"], "openssl_p90_ms": base["p90"],
                "rolekit_min_ms": mine["min"], "openssl_min_ms": base["min"],
            }))
    except peer.BenchError as error:
        print(f"startup: {error}", file=sys.stderr)
        sys.exit(1)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
