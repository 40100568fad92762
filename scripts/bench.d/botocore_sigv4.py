#!/usr/bin/env python3
"""botocore's SigV4 signing speed, the peer of the Swift benchmark "SigV4 HMAC sign".

    scripts/bench.d/botocore_sigv4.py ITERATIONS

What it measures: botocore.auth.SigV4Auth(credentials, "sts", "us-east-1").add_auth(request) on
the CreateSession-sized request of Benchmarks/Benchmarks/SigningBenchmarks (POST
https://rolesanywhere.us-east-1.amazonaws.com/sessions, Host and Content-Type headers, the same
JSON body, access key AKIDEXAMPLE with a session token), signed at the fixed time 1704164645
(2024-01-02T03:04:05Z). The clock is patched where botocore's own tests patch it
(tests/unit/auth/test_signers.py: mock.patch('botocore.auth.datetime.datetime'), i.e. the
datetime class that botocore.compat.get_current_datetime calls now() on), so every iteration
signs the same thing; they are checked to produce the same Authorization header. The tests put a
MagicMock there; this script puts a datetime subclass whose now() returns the fixed time,
because a MagicMock records each call and that bookkeeping (~14 us per call on the machine this
was written on, about a fifth of a signature) would be charged to botocore.

add_auth mutates the request (it adds X-Amz-Date, X-Amz-Security-Token and Authorization), so
every iteration signs a freshly built AWSRequest. Three loops are timed, each ITERATIONS long,
in 5 interleaved rounds after a warm-up (garbage collector off while timing, as timeit does):
  build          AWSRequest(...) only
  sign           add_auth on requests built beforehand (in batches, outside the timed region)
  build + sign   AWSRequest(...) then add_auth: the headline figure, because the Swift benchmark
                 signs a value (there is no request object to rebuild there)
The median round of each is reported. What the patched clock costs beyond the real one is
reported as mock_clock_overhead_ns (part of botocore's figures; about 0).

Output: one JSON line
  {"name": "botocore SigV4Auth", "ns_per_op": …, "ops_per_s": …, "iterations": …,
   "authorization": "<the Authorization header>", …}
The credentials are AWS's public documentation examples, not secrets.
"""
import datetime
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"

URL = "https://rolesanywhere.us-east-1.amazonaws.com/sessions"
HEADERS = (("Host", "rolesanywhere.us-east-1.amazonaws.com"), ("Content-Type", "application/json"))
BODY = (b'{"durationSeconds":3600,"profileArn":"arn:aws:rolesanywhere:us-east-1:123456789012:profile/'
        b'3d203fc0-7bba-4ec1-a6ef-697504ce1c72","roleArn":"arn:aws:iam::123456789012:role/demo",'
        b'"trustAnchorArn":"arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/'
        b'29efd0b1-1b66-4df4-8ae7-e935716efd8e"}')
ACCESS_KEY, SECRET_KEY, TOKEN = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token"
SIGNING_TIME = 1704164645
ROUNDS = 5
BATCH = 1000


def ensure_venv():
    """Re-runs this script with the project's venv Python when started with another one."""
    venv_python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not venv_python.exists():
        sys.exit(f"{Path(sys.argv[0]).name}: {venv_python} is missing (run scripts/setup-python.sh)")
    os.execv(str(venv_python), [str(venv_python), os.path.abspath(sys.argv[0]), *sys.argv[1:]])


def main():
    ensure_venv()
    if len(sys.argv) != 2 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1:
        sys.exit("usage: botocore_sigv4.py ITERATIONS")
    iterations = int(sys.argv[1])

    import botocore
    import botocore.auth
    import botocore.compat
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    signer = botocore.auth.SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY, TOKEN), "sts", "us-east-1")
    add_auth = signer.add_auth

    def build():
        return AWSRequest(method="POST", url=URL, data=BODY, headers=dict(HEADERS))

    def time_build(n):
        start = time.perf_counter_ns()
        for _ in range(n):
            build()
        return time.perf_counter_ns() - start

    def time_build_and_sign(n):
        start = time.perf_counter_ns()
        for _ in range(n):
            add_auth(build())
        return time.perf_counter_ns() - start

    def time_sign(n):
        total, done, last = 0, 0, None
        while done < n:
            batch = [build() for _ in range(min(BATCH, n - done))]
            start = time.perf_counter_ns()
            for request in batch:
                add_auth(request)
            total += time.perf_counter_ns() - start
            done += len(batch)
            last = batch
        return total, last

    def time_clock(n):
        clock = botocore.compat.get_current_datetime
        start = time.perf_counter_ns()
        for _ in range(n):
            clock()
        return time.perf_counter_ns() - start

    fixed = datetime.datetime.fromtimestamp(SIGNING_TIME, tz=datetime.timezone.utc)
    clock_iterations = max(1000, min(iterations, 100_000))
    real_clock_ns = min(time_clock(clock_iterations) for _ in range(3)) / clock_iterations

    class FrozenDatetime(datetime.datetime):
        """datetime.datetime whose now() is the signing time (strptime etc. unchanged)."""

        @classmethod
        def now(cls, tz=None):
            return fixed

    # The patch target of botocore's tests/unit/auth/test_signers.py (BaseTestWithFixedDate), with a
    # plain class instead of their MagicMock: a MagicMock records every call (~14 us each here,
    # a fifth of a signature), which would be charged to botocore.
    with mock.patch("botocore.auth.datetime.datetime", FrozenDatetime):
        mocked_clock_ns = min(time_clock(clock_iterations) for _ in range(3)) / clock_iterations

        reference = build()
        add_auth(reference)
        authorization = reference.headers["Authorization"]
        if reference.headers["X-Amz-Date"] != "20240102T030405Z":
            sys.exit(f"botocore_sigv4: the clock is not frozen (X-Amz-Date {reference.headers['X-Amz-Date']})")

        warmup = max(100, iterations // 10)
        time_build(warmup)
        time_build_and_sign(warmup)
        time_sign(warmup)

        rounds = {"build": [], "sign": [], "build_and_sign": []}
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            for _ in range(ROUNDS):
                rounds["build"].append(time_build(iterations) / iterations)
                rounds["build_and_sign"].append(time_build_and_sign(iterations) / iterations)
                elapsed, last_batch = time_sign(iterations)
                rounds["sign"].append(elapsed / iterations)
                for request in (last_batch[0], last_batch[-1]):
                    if request.headers["Authorization"] != authorization:
                        sys.exit("botocore_sigv4: an iteration signed something else (the clock moved?)")
        finally:
            if gc_was_enabled:
                gc.enable()

    build_ns = statistics.median(rounds["build"])
    sign_ns = statistics.median(rounds["sign"])
    headline_ns = statistics.median(rounds["build_and_sign"])
    print(json.dumps({
        "name": "botocore SigV4Auth",
        "ns_per_op": round(headline_ns, 1),
        "ops_per_s": round(1e9 / headline_ns, 1),
        "iterations": iterations,
        "authorization": authorization,
        "measures": "fresh AWSRequest + SigV4Auth.add_auth",
        "sign_only_ns_per_op": round(sign_ns, 1),
        "build_only_ns_per_op": round(build_ns, 1),
        "rounds": ROUNDS,
        "round_ns_per_op": [round(v, 1) for v in rounds["build_and_sign"]],
        "mock_clock_overhead_ns": round(mocked_clock_ns - real_clock_ns, 1),
        "botocore": botocore.__version__,
        "python": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
