#!/usr/bin/env python3
"""botocore's own IAM Identity Center code, as a peer of RoleKit's SSO tests.

The environment names the files and endpoints (HOME, AWS_CONFIG_FILE, AWS_ENDPOINT_URL_SSO,
AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_STS).

  botocore_sso.py credentials PROFILE
      -> {"method": ..., "access_key": ..., "arn": GetCallerIdentity's Arn} with botocore's
         credential chain (its SSOProvider, which refreshes the token through SSO OIDC and
         writes the token file back with its own code).
  botocore_sso.py expire-in CACHE_FILE SECONDS
      -> rewrites the token file's expiresAt to now + SECONDS (botocore's time format).
  botocore_sso.py browse URL
      -> a headless browser: GETs URL and follows its redirects (to the loopback callback).
"""
import datetime
import json
import sys
import urllib.request


def credentials(profile):
    import botocore.session
    session = botocore.session.Session(profile=profile)
    creds = session.get_credentials()
    frozen = creds.get_frozen_credentials()
    sts = botocore.session.Session().create_client(
        "sts", region_name="us-east-1", aws_access_key_id=frozen.access_key,
        aws_secret_access_key=frozen.secret_key, aws_session_token=frozen.token)
    print(json.dumps({"method": creds.method, "access_key": frozen.access_key,
                      "arn": sts.get_caller_identity()["Arn"]}))


def expire_in(path, seconds):
    with open(path) as f:
        token = json.load(f)
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=int(seconds))
    token["expiresAt"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(path, "w") as f:
        json.dump(token, f)


def browse(url):
    with urllib.request.urlopen(url, timeout=30) as answer:
        answer.read()


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    {"credentials": credentials, "expire-in": expire_in, "browse": browse}[command](*arguments)
