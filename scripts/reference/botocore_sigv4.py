#!/usr/bin/env python3
"""Signs a request with botocore's own SigV4 code at a fixed time: an oracle for RoleKit tests.

Reads one JSON object on stdin:
  {"mode": "header"|"presign", "method": "GET", "url": "https://host/path?q=1",
   "headers": [["Name", "value"], ...], "body": "text", "accessKey": "...", "secretKey": "...",
   "token": null|"...", "region": "us-east-1", "service": "sts", "timestamp": 1440938160,
   "expires": 3600}
Writes JSON: {"url": signed URL, "headers": {lowercase name: value}}.
"""
import datetime
import json
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    spec = json.load(sys.stdin)
    fixed = datetime.datetime.fromtimestamp(spec["timestamp"], tz=datetime.timezone.utc).replace(tzinfo=None)
    botocore.auth.get_current_datetime = lambda *args, **kwargs: fixed
    credentials = Credentials(spec["accessKey"], spec["secretKey"], spec.get("token"))
    request = AWSRequest(method=spec["method"], url=spec["url"], data=spec.get("body", "").encode("utf-8"))
    for name, value in spec.get("headers", []):
        request.headers[name] = value
    if spec["mode"] == "presign":
        signer = botocore.auth.SigV4QueryAuth(credentials, spec["service"], spec["region"], expires=spec["expires"])
    else:
        signer = botocore.auth.SigV4Auth(credentials, spec["service"], spec["region"])
    signer.add_auth(request)
    prepared = request.prepare()
    json.dump({"url": prepared.url, "headers": {k.lower(): v for k, v in prepared.headers.items()}}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
