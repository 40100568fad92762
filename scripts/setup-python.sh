#!/usr/bin/env bash
# Creates .venv (git-ignored) with the Python tools the tests use as independent references and
# real peers: botocore (SigV4 oracle). Re-running is cheap: nothing is installed twice.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv --system-site-packages .venv
fi
if ! .venv/bin/python -c 'import botocore' 2>/dev/null; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check botocore
fi
.venv/bin/python -c 'import botocore; print("python reference tools: botocore", botocore.__version__)'
