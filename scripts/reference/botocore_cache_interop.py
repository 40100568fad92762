#!/usr/bin/env python3
"""Shares an AssumeRole credential cache directory with botocore: an interop peer for RoleKit tests.

Uses botocore's own JSONFileCache and AssumeRoleCredentialFetcher (session name not configured, so
botocore generates one, as for a profile without role_session_name). STS is a local stub: nothing
goes to the network.

  read CACHE_DIR ROLE_ARN [--external-id X] [--duration N]
      -> {"access_key": "...", "called_sts": true|false}
      called_sts is false when botocore took the credentials from a cache file in CACHE_DIR (fresh
      for more than botocore's 15-minute expiry window). Read-only: on a miss botocore's write of
      the stub's answer is dropped, so the directory is left as it was.
  write CACHE_DIR ROLE_ARN [--external-id X] [--duration N]
        --access-key-id K --secret S --token T --expiration ISO8601
      -> the path of the cache file botocore wrote (after "calling" STS, which answers with those
      credentials).
"""
import argparse
import json

from botocore.credentials import AssumeRoleCredentialFetcher, Credentials
from botocore.utils import ArnParser, JSONFileCache, parse_timestamp
from dateutil.tz import tzutc


class ReadOnlyCache(JSONFileCache):
    """botocore's JSONFileCache for lookups; writes are dropped (used by `read`)."""

    def __setitem__(self, cache_key, value):
        pass


class StubSTS:
    """Stands in for the STS client: records AssumeRole calls and answers like botocore's parser."""

    def __init__(self, access_key, secret, token, expiration):
        self.calls = []
        self._credentials = {"AccessKeyId": access_key, "SecretAccessKey": secret,
                             "SessionToken": token, "Expiration": expiration}

    def __call__(self, service_name, **client_kwargs):  # the fetcher's client_creator
        assert service_name == "sts", service_name
        return self

    def assume_role(self, **kwargs):
        self.calls.append(kwargs)
        arn = kwargs["RoleArn"]
        account = ArnParser().parse_arn(arn)["account"] if ArnParser.is_arn(arn) else "123456789012"
        role_name = arn.rsplit("/", 1)[-1]
        return {
            "Credentials": dict(self._credentials),
            "AssumedRoleUser": {
                "AssumedRoleId": f"AROASTUBSTUBSTUBSTUB:{kwargs['RoleSessionName']}",
                "Arn": f"arn:aws:sts::{account}:assumed-role/{role_name}/{kwargs['RoleSessionName']}",
            },
            "ResponseMetadata": {"RequestId": "00000000-0000-0000-0000-000000000000", "HTTPStatusCode": 200},
        }


def make_fetcher(args, cache, sts):
    extra_args = {}
    if args.external_id is not None:
        extra_args["ExternalId"] = args.external_id
    if args.duration is not None:
        extra_args["DurationSeconds"] = args.duration  # an int, as botocore's config loader gives it
    return AssumeRoleCredentialFetcher(client_creator=sts, source_credentials=Credentials("a", "b"),
                                       role_arn=args.role_arn, extra_args=extra_args, cache=cache)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("read", "write"):
        command = commands.add_parser(name)
        command.add_argument("cache_dir")
        command.add_argument("role_arn")
        command.add_argument("--external-id")
        command.add_argument("--duration", type=int)
        if name == "write":
            command.add_argument("--access-key-id", required=True)
            command.add_argument("--secret", required=True)
            command.add_argument("--token", required=True)
            command.add_argument("--expiration", required=True, help="ISO 8601, e.g. 2030-01-01T00:00:00Z")
    args = parser.parse_args()

    if args.command == "read":
        # On a miss the stub answers with credentials that can't be mistaken for cached ones.
        sts = StubSTS("ASIASTUBFROMSTSCALL0", "stub-secret", "stub-token",
                      parse_timestamp("2099-01-01T00:00:00Z"))
        fetcher = make_fetcher(args, ReadOnlyCache(args.cache_dir), sts)
        credentials = fetcher.fetch_credentials()
        print(json.dumps({"access_key": credentials["access_key"], "called_sts": bool(sts.calls)}))
    else:
        # Aware UTC datetime, as botocore's response parser produces from STS's XML.
        expiration = parse_timestamp(args.expiration).astimezone(tzutc())
        sts = StubSTS(args.access_key_id, args.secret, args.token, expiration)
        cache = JSONFileCache(args.cache_dir)
        fetcher = make_fetcher(args, cache, sts)
        fetcher.fetch_credentials()
        if not sts.calls:
            raise SystemExit("botocore found fresh credentials in the cache and wrote nothing")
        print(cache._convert_cache_key(fetcher._cache_key))


if __name__ == "__main__":
    main()
