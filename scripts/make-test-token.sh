#!/usr/bin/env bash
# Makes an isolated SoftHSM2 token for the PKCS#11 tests in DIR (default: a new temporary
# folder): DIR/softhsm2.conf (export SOFTHSM2_CONF=DIR/softhsm2.conf), token "rk-test" with
# user PIN 1234, keys generated on the token (RSA-2048 id 01 "rsa2048", P-256 id 02 "ec256",
# P-384 id 03 "ec384", a second P-256 with the same label "dup" id 05 and 06, a P-256 id 07
# "always" with CKA_ALWAYS_AUTHENTICATE), and for each but the "dup" ones a certificate
# (DIR/<label>.pem, also written to the token with the key's id and label) issued by DIR/ca.pem. The private keys never leave the token: certificates are issued
# for the token's public keys (openssl x509 -force_pubkey).
set -euo pipefail
dir="${1:-$(mktemp -d "${TMPDIR:-/tmp}/rolekit-token.XXXXXX")}"
module="${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"
mkdir -p "$dir/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$dir" > "$dir/softhsm2.conf"
export SOFTHSM2_CONF="$dir/softhsm2.conf"
softhsm2-util --init-token --free --label rk-test --so-pin 12345678 --pin 1234 >/dev/null
p11() { pkcs11-tool --module "$module" --token-label rk-test --login --pin 1234 "$@" >/dev/null 2>&1; }
p11 --keypairgen --key-type rsa:2048 --id 01 --label rsa2048 --usage-sign
p11 --keypairgen --key-type EC:prime256v1 --id 02 --label ec256 --usage-sign
p11 --keypairgen --key-type EC:secp384r1 --id 03 --label ec384 --usage-sign
p11 --keypairgen --key-type EC:prime256v1 --id 05 --label dup --usage-sign
p11 --keypairgen --key-type EC:prime256v1 --id 06 --label dup --usage-sign
# A key that asks for the PIN again at every signature (CKA_ALWAYS_AUTHENTICATE).
p11 --keypairgen --key-type EC:prime256v1 --id 07 --label always --usage-sign --always-auth
cd "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 30 -subj /CN=rolekit-token-ca \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout throwaway.key -out throwaway.csr -subj /CN=throwaway 2>/dev/null
for pair in 01:rsa2048 02:ec256 03:ec384 07:always; do
    id="${pair%%:*}" label="${pair#*:}"
    if [ "$label" = rsa2048 ]; then
        p11 --read-object --type pubkey --id "$id" -o "$label.pub.der"
    else
        # pkcs11-tool cannot export P-384 public keys with OpenSSL 3: build the SPKI from the
        # token's CKA_EC_POINT (a DER OCTET STRING around the uncompressed point).
        point="$(pkcs11-tool --module "$module" --token-label rk-test --list-objects --type pubkey 2>/dev/null | awk -v id="$id" '/EC_POINT:/ {point = $2} /ID:/ && $2 == id {print point; exit}')"
        python3 - "$point" "$label" "$label.pub.der" <<'PY'
import sys
point = bytes.fromhex(sys.argv[1])[2:] if bytes.fromhex(sys.argv[1])[1] < 0x80 else bytes.fromhex(sys.argv[1])[3:]
curve = bytes.fromhex("06052b81040022") if sys.argv[2] == "ec384" else bytes.fromhex("06082a8648ce3d030107")
def tlv(tag, body):
    n = len(body)
    return bytes([tag]) + (bytes([n]) if n < 0x80 else bytes([0x81, n])) + body
algorithm = tlv(0x30, bytes.fromhex("06072a8648ce3d0201") + curve)
open(sys.argv[3], "wb").write(tlv(0x30, algorithm + tlv(0x03, b"\x00" + point)))
PY
    fi
    openssl pkey -pubin -inform DER -in "$label.pub.der" -out "$label.pub.pem"
    openssl x509 -req -in throwaway.csr -force_pubkey "$label.pub.pem" -subj "/CN=$label" -CA ca.pem -CAkey ca.key -CAcreateserial \
        -days 30 -sha256 -extfile <(printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n') -out "$label.pem" 2>/dev/null
    openssl x509 -in "$label.pem" -outform DER -out "$label.der"
    p11 --write-object "$label.der" --type cert --id "$id" --label "$label"
done
rm -f throwaway.key throwaway.csr ca.srl
echo "$dir"
