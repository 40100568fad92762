#!/usr/bin/env python3
"""Independent reference implementation of the IAM Roles Anywhere
SigV4-X509 request signature (CreateSession), used as a test oracle.

Python 3 standard library only; all cryptography is done by the `openssl` CLI.

  sigv4_x509.py sign --cert LEAF.pem --key KEY.pem [--chain CHAIN.pem]
                     --date 20240102T030405Z --region us-east-1
                     --host rolesanywhere.us-east-1.amazonaws.com
                     [--method POST] [--path /sessions] [--query '']
                     [--body-file BODY] [--content-type application/json]
      -> prints one JSON object: algorithm, serialNumber, x509, x509Chain,
         canonicalRequest, stringToSign, signature, authorization

  sigv4_x509.py verify --cert LEAF.pem --string-to-sign-file F --signature-hex HEX
      -> prints OK (exit 0) or FAIL (exit 1)
"""

import argparse
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

SERVICE = "rolesanywhere"

# DER encodings of the algorithm OIDs found in SubjectPublicKeyInfo.
OID_RSA_ENCRYPTION = bytes.fromhex("06092a864886f70d010101")  # 1.2.840.113549.1.1.1
OID_EC_PUBLIC_KEY = bytes.fromhex("06072a8648ce3d0201")  # 1.2.840.10045.2.1

PEM_CERT_RE = re.compile(
    rb"-----BEGIN CERTIFICATE-----\r?\n(.*?)-----END CERTIFICATE-----", re.S
)


class OpenSSLError(Exception):
    pass


def openssl(*args, input_bytes=None, check=True):
    """Run openssl; return (returncode, stdout bytes). Never prompts."""
    proc = subprocess.run(
        ["openssl", *args],
        input=input_bytes if input_bytes is not None else b"",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if check and proc.returncode != 0:
        raise OpenSSLError(
            "openssl %s failed (exit %d): %s"
            % (" ".join(args), proc.returncode, proc.stderr.decode(errors="replace").strip())
        )
    return proc.returncode, proc.stdout


def cert_der_from_pem_bytes(pem):
    """Canonical DER of the first certificate in `pem` (validated by openssl)."""
    _, der = openssl("x509", "-outform", "DER", input_bytes=pem)
    if not der:
        raise OpenSSLError("no certificate found")
    return der


def cert_serial_decimal(cert_path):
    _, out = openssl("x509", "-in", cert_path, "-noout", "-serial")
    text = out.decode().strip()
    if not text.lower().startswith("serial="):
        raise OpenSSLError("unexpected serial output: %r" % text)
    return str(int(text.split("=", 1)[1], 16))


def key_algorithm(key_path):
    """'RSA' or 'ECDSA', from the OID in the key's SubjectPublicKeyInfo."""
    _, spki = openssl(
        "pkey", "-in", key_path, "-passin", "pass:", "-pubout", "-outform", "DER"
    )
    # SPKI = SEQUENCE { SEQUENCE { OID algorithm, params }, BIT STRING }.
    # The algorithm OID is the first OID in the structure; checking for it
    # near the start is sufficient and avoids a full DER parser.
    head = spki[:32]
    if OID_RSA_ENCRYPTION in head:
        return "RSA", spki
    if OID_EC_PUBLIC_KEY in head:
        return "ECDSA", spki
    raise SystemExit("error: unsupported key type in %s (only RSA and EC are allowed)" % key_path)


def cert_spki_der(cert_path):
    _, pub_pem = openssl("x509", "-in", cert_path, "-noout", "-pubkey")
    _, der = openssl("pkey", "-pubin", "-outform", "DER", input_bytes=pub_pem)
    return der


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def b64(data):
    return base64.b64encode(data).decode("ascii")


def write_private(tmpdir, name, data):
    path = os.path.join(tmpdir, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


def cmd_sign(args):
    if not re.fullmatch(r"\d{8}T\d{6}Z", args.date):
        raise SystemExit("error: --date must look like 20240102T030405Z")
    day = args.date[:8]

    with open(args.cert, "rb") as f:
        leaf_der = cert_der_from_pem_bytes(f.read())
    x509_header = b64(leaf_der)

    chain_header = None
    if args.chain:
        with open(args.chain, "rb") as f:
            chain_pem = f.read()
        blocks = [m.group(0) for m in PEM_CERT_RE.finditer(chain_pem)]
        if not blocks:
            raise SystemExit("error: no CERTIFICATE blocks in %s" % args.chain)
        chain_header = ",".join(b64(cert_der_from_pem_bytes(b + b"\n")) for b in blocks)

    body = b""
    if args.body_file:
        with open(args.body_file, "rb") as f:
            body = f.read()

    serial = cert_serial_decimal(args.cert)

    with tempfile.TemporaryDirectory(prefix="sigv4x509-") as tmpdir:
        algo_kind, key_spki = key_algorithm(args.key)
        algorithm = "AWS4-X509-%s-SHA256" % algo_kind
        if key_spki != cert_spki_der(args.cert):
            print("warning: --key does not match the public key of --cert", file=sys.stderr)

        headers = {
            "content-type": args.content_type,
            "host": args.host,
            "x-amz-date": args.date,
            "x-amz-x509": x509_header,
        }
        if chain_header is not None:
            headers["x-amz-x509-chain"] = chain_header
        names = sorted(headers)
        canonical_headers = "".join("%s:%s\n" % (n, headers[n].strip()) for n in names)
        signed_headers = ";".join(names)

        canonical_request = "\n".join(
            [
                args.method,
                args.path,
                args.query,
                canonical_headers,  # already ends in "\n" -> blank line follows
                signed_headers,
                sha256_hex(body),
            ]
        )
        scope = "%s/%s/%s/aws4_request" % (day, args.region, SERVICE)
        string_to_sign = "\n".join(
            [algorithm, args.date, scope, sha256_hex(canonical_request.encode("utf-8"))]
        )

        # Normalise the key (PKCS#1 / SEC1 / SEC1 with EC PARAMETERS / PKCS#8)
        # to an unencrypted PKCS#8 file that openssl dgst reads unambiguously.
        _, key_pem = openssl("pkey", "-in", args.key, "-passin", "pass:")
        key_path = write_private(tmpdir, "key.pem", key_pem)
        sts_path = write_private(tmpdir, "sts.txt", string_to_sign.encode("utf-8"))
        sig_path = os.path.join(tmpdir, "sig.bin")
        openssl("dgst", "-sha256", "-sign", key_path, "-out", sig_path, sts_path)
        with open(sig_path, "rb") as f:
            signature = f.read().hex()

    authorization = "%s Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        algorithm,
        serial,
        scope,
        signed_headers,
        signature,
    )
    result = {
        "algorithm": algorithm,
        "serialNumber": serial,
        "x509": x509_header,
        "x509Chain": chain_header,
        "canonicalRequest": canonical_request,
        "stringToSign": string_to_sign,
        "signature": signature,
        "authorization": authorization,
    }
    json.dump(result, sys.stdout, indent=2 if args.pretty else None)
    sys.stdout.write("\n")
    return 0


def cmd_verify(args):
    try:
        sig = bytes.fromhex(args.signature_hex.strip())
    except ValueError:
        sig = b""
    if not sig:
        print("FAIL")
        return 1
    with tempfile.TemporaryDirectory(prefix="sigv4x509-") as tmpdir:
        _, pub_pem = openssl("x509", "-in", args.cert, "-noout", "-pubkey")
        pub_path = write_private(tmpdir, "pub.pem", pub_pem)
        sig_path = write_private(tmpdir, "sig.bin", sig)
        rc, _ = openssl(
            "dgst", "-" + args.digest, "-verify", pub_path, "-signature", sig_path,
            args.string_to_sign_file, check=False,
        )
    if rc == 0:
        print("OK")
        return 0
    print("FAIL")
    return 1


def sign_string_payload(cert_path):
    """aws_signing_helper's sign-string payload for the certificate's public key.

    The fixed text, the version digit '1', then SHA-256 over b"IAM RA" followed by the raw
    public key: the uncompressed SEC1 point for EC, PKCS#1 RSAPublicKey DER for RSA.
    """
    _, pub_pem = openssl("x509", "-in", cert_path, "-noout", "-pubkey")
    _, text = openssl("pkey", "-pubin", "-noout", "-text", input_bytes=pub_pem)
    if b"Modulus" in text or b"modulus" in text:
        _, raw = openssl("rsa", "-pubin", "-RSAPublicKey_out", "-outform", "DER", input_bytes=pub_pem)
    else:
        _, spki = openssl("ec", "-pubin", "-outform", "DER", "-conv_form", "uncompressed", input_bytes=pub_pem)
        # The point is the BIT STRING at the end of the SPKI: 0x04 || X || Y.
        point_len = 65 if b"prime256v1" in text or b"P-256" in text else 97
        raw = spki[-point_len:]
        if raw[0] != 4:
            raise OpenSSLError("unexpected EC point encoding")
    return b"AWS Roles Anywhere Credential Helper Signing Test" + b"1" + hashlib.sha256(b"IAM RA" + raw).digest()


def cmd_sign_string(args):
    payload = sign_string_payload(args.cert)
    result = {"payload": payload.hex(), "signature": None}
    if args.key:
        with tempfile.TemporaryDirectory(prefix="signstring-") as tmpdir:
            payload_path = write_private(tmpdir, "payload.bin", payload)
            sig_path = os.path.join(tmpdir, "sig.bin")
            openssl("dgst", "-" + args.digest, "-sign", args.key, "-out", sig_path, payload_path)
            with open(sig_path, "rb") as f:
                result["signature"] = f.read().hex()
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    s = sub.add_parser("sign", help="compute the SigV4-X509 signature")
    s.add_argument("--cert", required=True, help="leaf certificate (PEM)")
    s.add_argument("--key", required=True, help="unencrypted RSA or EC private key (PEM)")
    s.add_argument("--chain", help="PEM file with one or more intermediate certificates")
    s.add_argument("--date", required=True, help="X-Amz-Date, e.g. 20240102T030405Z")
    s.add_argument("--region", required=True)
    s.add_argument("--host", required=True)
    s.add_argument("--method", default="POST")
    s.add_argument("--path", default="/sessions")
    s.add_argument("--query", default="", help="already-canonical query string")
    s.add_argument("--body-file", help="raw request body (default: empty)")
    s.add_argument("--content-type", default="application/json")
    s.add_argument("--pretty", action="store_true", help="indent the JSON output")
    s.set_defaults(func=cmd_sign)

    v = sub.add_parser("verify", help="verify a signature with the cert's public key")
    v.add_argument("--cert", required=True)
    v.add_argument("--string-to-sign-file", required=True)
    v.add_argument("--signature-hex", required=True)
    v.add_argument("--digest", default="sha256", choices=["sha256", "sha384", "sha512"])
    v.set_defaults(func=cmd_verify)

    p = sub.add_parser("sign-string", help="aws_signing_helper's sign-string payload and its openssl signature")
    p.add_argument("--cert", required=True)
    p.add_argument("--key", help="unencrypted private key; when given, the payload is signed with openssl")
    p.add_argument("--digest", default="sha256", choices=["sha256", "sha384", "sha512"])
    p.set_defaults(func=cmd_sign_string)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except OpenSSLError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
