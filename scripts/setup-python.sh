#!/usr/bin/env bash
# Creates .venv (git-ignored) with the Python tools the tests use as independent references and
# real peers: botocore (SigV4 oracle), boto3 (a real credential_process consumer) and moto[server]
# (a local STS/IAM endpoint that scripts/test starts) python-dotenv (reads `env --format dotenv`) and prometheus-client (parses serve's metrics). Re-running is cheap: nothing is installed twice.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv --system-site-packages .venv
fi
if ! .venv/bin/python -c 'import botocore, boto3' 2>/dev/null; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check botocore boto3
fi
# The AWS CLI (v1, on PyPI) is a real consumer of `serve` and `update`.
if ! .venv/bin/python -c 'import awscli' 2>/dev/null; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check awscli
fi
# python-dotenv reads back `rolekit env --format dotenv`.
if ! .venv/bin/python -c 'import dotenv' 2>/dev/null; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check python-dotenv
fi
if ! .venv/bin/python -c "import prometheus_client" 2>/dev/null; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check prometheus-client
fi
# moto's server mode needs its "server" extra (flask, flask_cors, ...); importing moto.server proves
# the core of it, and the metadata check proves every requirement of the extra is installed.
if ! .venv/bin/python - 2>/dev/null <<'PY'
import importlib.metadata as md, re, moto.server, flask, flask_cors
for req in md.requires("moto") or []:
    if 'extra == "server"' in req:
        md.version(re.match(r"[A-Za-z0-9_.-]+", req).group(0))  # raises if the package is missing
PY
then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check 'moto[server]'
fi
# When moto comes from the system site-packages (venv made with --system-site-packages), pip
# installs nothing into the venv and its moto_server console script lives outside .venv/bin.
# Provide the same entry point (moto.server:main) there, run by the venv's Python.
if [ ! -x .venv/bin/moto_server ]; then
    printf '#!/bin/sh\nexec "%s/.venv/bin/python" -m moto.server "$@"\n' "$PWD" > .venv/bin/moto_server
    chmod +x .venv/bin/moto_server
fi
.venv/bin/python -c 'import boto3, botocore, moto, awscli, dotenv; print("python reference tools: botocore", botocore.__version__, "boto3", boto3.__version__, "moto", moto.__version__, "awscli", awscli.__version__)'
