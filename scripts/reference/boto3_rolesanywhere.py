#!/usr/bin/env python3
"""Drives a Roles Anywhere endpoint (RoleKit's emulator) with boto3's own `rolesanywhere`
client and checks every answer against botocore's service model.

    boto3_rolesanywhere.py ENDPOINT ACCESS_KEY_ID SECRET CA_BUNDLE_PEM CRL_DER

Prints a JSON summary ({"calls": [...], "problems": [...]}) and exits 1 when an answer does not
match the model (unknown member, missing required member, wrong type) or an expected error code
is not returned.
"""
import datetime
import json
import sys

import boto3
import botocore.session
from botocore.exceptions import ClientError

endpoint, key_id, secret, bundle_path, crl_path = sys.argv[1:6]
client = boto3.client(
    "rolesanywhere", endpoint_url=endpoint, region_name="us-east-1",
    aws_access_key_id=key_id, aws_secret_access_key=secret,
)
model = botocore.session.get_session().get_service_model("rolesanywhere")
calls, problems = [], []


def check(shape, value, path):
    """Checks a parsed value against a botocore shape."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object, got {type(value).__name__}")
            return
        for name in value:
            if name == "ResponseMetadata" and path.count(".") == 0:
                continue
            if name not in shape.members:
                problems.append(f"{path}.{name}: not a member of {shape.name}")
        for name in shape.required_members:
            if name not in value:
                problems.append(f"{path}.{name}: required member missing")
        for name, member in shape.members.items():
            if name in value:
                check(member, value[name], f"{path}.{name}")
        if getattr(shape, "is_tagged_union", False) or shape.metadata.get("union"):
            if len([n for n in value if n in shape.members]) != 1:
                problems.append(f"{path}: a union must have exactly one member")
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list")
            return
        for index, element in enumerate(value):
            check(shape.member, element, f"{path}[{index}]")
    elif kind == "map":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map")
    elif kind == "timestamp":
        if not isinstance(value, datetime.datetime):
            problems.append(f"{path}: expected a timestamp, got {value!r}")
    elif kind == "blob":
        if not isinstance(value, (bytes, bytearray)):
            problems.append(f"{path}: expected bytes")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: expected a boolean")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{path}: expected an integer")
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: expected a string")
        elif shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} is not one of {shape.enum}")


def call(method, **kwargs):
    operation = "".join(part.capitalize() for part in method.split("_"))
    operation = model.operation_names[[n.lower() for n in model.operation_names].index(operation.lower())]
    response = getattr(client, method)(**kwargs)
    check(model.operation_model(operation).output_shape, response, operation)
    calls.append(operation)
    return response


def expect_error(code, method, **kwargs):
    try:
        getattr(client, method)(**kwargs)
    except ClientError as error:
        got = error.response["Error"]["Code"]
        if got != code:
            problems.append(f"{method}: expected {code}, got {got}")
        calls.append(f"{method}->{got}")
        return
    problems.append(f"{method}: expected {code}, got success")


bundle = open(bundle_path).read()
crl = open(crl_path, "rb").read()
anchor = call("create_trust_anchor", name="boto3-anchor", enabled=True,
              source={"sourceType": "CERTIFICATE_BUNDLE", "sourceData": {"x509CertificateData": bundle}},
              tags=[{"key": "made-by", "value": "boto3"}])["trustAnchor"]
anchor_id, anchor_arn = anchor["trustAnchorId"], anchor["trustAnchorArn"]
call("get_trust_anchor", trustAnchorId=anchor_id)
call("update_trust_anchor", trustAnchorId=anchor_id, name="boto3-anchor-renamed")
call("disable_trust_anchor", trustAnchorId=anchor_id)
call("enable_trust_anchor", trustAnchorId=anchor_id)

profile_ids = []
for index in range(3):
    profile = call("create_profile", name=f"boto3-profile-{index}", enabled=True,
                   roleArns=["arn:aws:iam::123456789012:role/boto3"], durationSeconds=3600)["profile"]
    profile_ids.append(profile["profileId"])
profile_arn = call("get_profile", profileId=profile_ids[0])["profile"]["profileArn"]
updated = call("update_profile", profileId=profile_ids[0], name="boto3-profile-renamed", acceptRoleSessionName=True)["profile"]
if updated["name"] != "boto3-profile-renamed" or updated["acceptRoleSessionName"] is not True:
    problems.append("update_profile did not apply")
call("disable_profile", profileId=profile_ids[1])
call("enable_profile", profileId=profile_ids[1])

# The paginator with a page size of 1: every profile, one page each.
paginator = client.get_paginator("list_profiles")
pages = list(paginator.paginate(pageSize=1))
for page in pages:
    check(model.operation_model("ListProfiles").output_shape, page, "ListProfiles(page)")
seen = [p["profileId"] for page in pages for p in page.get("profiles", [])]
if seen != profile_ids:
    problems.append(f"paginator returned {seen}, expected {profile_ids}")
if len(pages) != 3:
    problems.append(f"paginator made {len(pages)} pages, expected 3")
calls.append(f"ListProfiles(paginator, {len(pages)} pages)")
if not client.can_paginate("list_trust_anchors") or client.can_paginate("get_profile"):
    problems.append("can_paginate disagrees with the model")

call("tag_resource", resourceArn=profile_arn, tags=[{"key": "a", "value": "1"}, {"key": "b", "value": "2"}])
call("untag_resource", resourceArn=profile_arn, tagKeys=["a"])
tags = call("list_tags_for_resource", resourceArn=profile_arn)["tags"]
if tags != [{"key": "b", "value": "2"}]:
    problems.append(f"tags after untag: {tags}")
expect_error("TooManyTagsException", "tag_resource", resourceArn=profile_arn,
             tags=[{"key": f"k{i}", "value": "v"} for i in range(50)])

crl_detail = call("import_crl", name="boto3-crl", crlData=crl, trustAnchorArn=anchor_arn, enabled=True)["crl"]
if crl_detail["crlData"] != crl:
    problems.append("import_crl did not return the CRL bytes")
call("list_crls")
call("get_crl", crlId=crl_detail["crlId"])
call("delete_crl", crlId=crl_detail["crlId"])
call("list_trust_anchors", pageSize=10)
call("list_subjects")

for profile_id in profile_ids:
    call("delete_profile", profileId=profile_id)
call("delete_trust_anchor", trustAnchorId=anchor_id)
expect_error("ResourceNotFoundException", "get_profile", profileId=profile_ids[0])
expect_error("ValidationException", "create_profile", name="bad/name", roleArns=["arn:aws:iam::123456789012:role/x"])

print(json.dumps({"calls": calls, "problems": problems}))
sys.exit(1 if problems else 0)
