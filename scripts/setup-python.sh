#!/usr/bin/env bash
# Creates .venv (git-ignored) with the Python tools the tests use as independent references and
# real peers: botocore (SigV4 oracle) and boto3 (a real credential_process consumer). Re-running is cheap: nothing is installed twice.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv --system-site-packages .venv
fi
if ! .venv/bin/python -c 'import botocore, boto3' 2>/dev/null; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check botocore boto3
fi
.venv/bin/python -c 'import boto3, botocore; print("python reference tools: botocore", botocore.__version__, "boto3", boto3.__version__)'
