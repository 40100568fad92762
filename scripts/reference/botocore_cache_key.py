#!/usr/bin/env python3
"""Prints the credential cache key botocore computes for AssumeRole: an oracle for RoleKit tests.

Reads a JSON array on stdin. Each element is an object of AssumeRole arguments as botocore's
AssumeRoleCredentialFetcher gets them (RoleArn plus its extra_args: RoleSessionName, ExternalId,
SerialNumber, DurationSeconds (int), Policy (a JSON string), Tags, ...), and optionally
"_generatedSessionName": true, meaning no session name was configured so botocore generates one
(and leaves it out of the key). Writes one line per element: the key (the cache file's name
without ".json").

The key comes from botocore's own code: AssumeRoleCredentialFetcher._create_cache_key(), i.e.
sha1(json.dumps(args, sort_keys=True)) with Policy re-parsed first and a generated RoleSessionName
removed.
"""
import json
import sys

from botocore.credentials import AssumeRoleCredentialFetcher, Credentials


def cache_key(element):
    args = dict(element)
    generated = args.pop("_generatedSessionName", False)
    role_arn = args.pop("RoleArn")
    if generated:
        # botocore generates "botocore-session-<unix time>" whenever RoleSessionName is missing
        # or empty, and then drops it from the key; leaving it out here reproduces exactly that.
        args.pop("RoleSessionName", None)
    fetcher = AssumeRoleCredentialFetcher(
        client_creator=lambda *a, **k: None,  # never called: the key is computed in __init__
        source_credentials=Credentials("a", "b"),
        role_arn=role_arn,
        extra_args=args,
    )
    return fetcher._create_cache_key()


def main():
    for element in json.load(sys.stdin):
        print(cache_key(element))


if __name__ == "__main__":
    main()
