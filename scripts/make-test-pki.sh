#!/usr/bin/env bash
# Generate the RoleKit test PKI (CAs, leaf certs, keys in many encodings,
# encrypted keys, PKCS#12 bundles, chains, and deliberately broken inputs).
#
# Usage: scripts/make-test-pki.sh OUTDIR
#
# Requires only bash, the openssl CLI (tested with OpenSSL 3.0.x) and python3.
# OUTDIR is emptied first.  File names are fixed; key material is random.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi

OUT="$1"
PASS="test-passphrase"
# UTF-8 bytes of "pässwörd-✓", spelled as escapes so the script's own
# encoding cannot change them.
UNICODE_PASS="$(printf 'p\303\244ssw\303\266rd-\342\234\223')"
SUBJ_O="O=RoleKit Tests"

# --- prepare OUTDIR -----------------------------------------------------------
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd -P)"
case "$OUT" in
    / | "$HOME" | /usr | /usr/* | /etc | /etc/* | /bin | /sbin | /lib* | /var | /tmp)
        echo "refusing to empty '$OUT'" >&2
        exit 2
        ;;
esac
find "$OUT" -mindepth 1 -delete

TMP="$(mktemp -d "${TMPDIR:-/tmp}/rolekit-pki.XXXXXX")"
cleanup() {
    # Only jobs started by this script that are still running.
    local p
    for p in $(jobs -pr); do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

die() { echo "make-test-pki: $*" >&2; exit 1; }

# Run openssl with stderr captured; only show it if the command fails.
ossl() {
    local errf
    errf="$(mktemp "$TMP/err.XXXXXX")"
    if ! openssl "$@" 2>"$errf"; then
        echo "make-test-pki: openssl $* failed:" >&2
        cat "$errf" >&2
        exit 1
    fi
    rm -f "$errf"
}

# Random 20-byte serial, first byte in 0x01..0x7f (positive, no padding byte).
rand_serial() {
    local h first
    h="$(openssl rand -hex 20)"
    first=$(( (16#${h:0:2} % 127) + 1 ))
    printf '%02x%s' "$first" "${h:2}"
}

# --- openssl config (independent of the system openssl.cnf) -------------------
CNF="$TMP/openssl.cnf"
cat >"$CNF" <<'EOF'
[ req ]
distinguished_name = req_dn
prompt             = no
string_mask        = utf8only
utf8               = yes

[ req_dn ]
CN = placeholder

[ v3_root ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ v3_intermediate ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ v3_leaf ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ v3_selfsigned_leaf ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash

[ crl_ext ]
authorityKeyIdentifier = keyid:always

[ policy_any ]
commonName             = supplied
organizationName       = optional
EOF

# Minimal `openssl ca` databases (used for dated leaves, revocation and CRLs).
# They live in $TMP so nothing but the certificates and CRLs reach OUTDIR.
# The config reaches them via $ENV:: (no path text is parsed as config) and
# names the CA files relative to OUTDIR, where every openssl command runs.
export ROLEKIT_PKI_TMP="$TMP"
for ca in int root; do
    mkdir -p "$TMP/ca-$ca/newcerts"
    : >"$TMP/ca-$ca/index.txt"
    echo 01 >"$TMP/ca-$ca/serial"
    echo 01 >"$TMP/ca-$ca/crlnumber"
done
cat >>"$CNF" <<'EOF'

[ ca_intermediate ]
dir              = ${ENV::ROLEKIT_PKI_TMP}/ca-int
database         = $dir/index.txt
serial           = $dir/serial
crlnumber        = $dir/crlnumber
new_certs_dir    = $dir/newcerts
certificate      = intermediate-ca.pem
private_key      = intermediate-ca.key
default_md       = sha256
default_days     = 365
default_crl_days = 30
policy           = policy_any
unique_subject   = no
email_in_dn      = no
preserve         = yes
string_mask      = utf8only
utf8             = yes
crl_extensions   = crl_ext

[ ca_root ]
dir              = ${ENV::ROLEKIT_PKI_TMP}/ca-root
database         = $dir/index.txt
serial           = $dir/serial
crlnumber        = $dir/crlnumber
new_certs_dir    = $dir/newcerts
certificate      = root-ca.pem
private_key      = root-ca.key
default_md       = sha384
default_days     = 365
default_crl_days = 30
policy           = policy_any
unique_subject   = no
email_in_dn      = no
preserve         = yes
string_mask      = utf8only
utf8             = yes
crl_extensions   = crl_ext
EOF

cd "$OUT"

# --- slow key generation in the background ------------------------------------
# RSA-4096 and DSA-2048 parameter generation dominate the run time; start them
# first so they overlap with everything else.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 \
    -out "$TMP/rsa4096.key" 2>"$TMP/rsa4096.err" &
RSA4096_PID=$!
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 \
    -out "$TMP/dsa.params" 2>"$TMP/dsa.err" &
DSA_PID=$!

wait_bg() { # PID NAME
    if ! wait "$1"; then
        echo "make-test-pki: background generation of $2 failed:" >&2
        cat "$TMP/$2.err" >&2
        exit 1
    fi
}

# --- certificate helpers ------------------------------------------------------
# sign_leaf KEY CN OUTPEM SERIALHEX [EXT_SECTION]   (issuer: intermediate CA)
sign_leaf() {
    sign_leaf_by intermediate-ca "$@"
}

# sign_leaf_by CA_BASENAME KEY CN OUTPEM SERIALHEX [EXT_SECTION]
sign_leaf_by() {
    local ca="$1" key="$2" cn="$3" out="$4" serial="$5" ext="${6:-v3_leaf}"
    ossl req -new -config "$CNF" -key "$key" -subj "/CN=$cn/$SUBJ_O" \
        -sha256 -out "$TMP/$cn.csr"
    ossl x509 -req -in "$TMP/$cn.csr" -CA "$ca.pem" -CAkey "$ca.key" \
        -set_serial "0x$serial" -days 365 -sha256 \
        -extfile "$CNF" -extensions "$ext" -out "$out"
}

# ca_sign_leaf KEY CN OUTPEM SERIALHEX STARTDATE ENDDATE   (issuer: intermediate)
# `openssl x509` in 3.0 cannot set an arbitrary notBefore; `openssl ca` can.
ca_sign_leaf() {
    local key="$1" cn="$2" out="$3" serial="$4" start="$5" end="$6"
    ossl req -new -config "$CNF" -key "$key" -subj "/CN=$cn/$SUBJ_O" \
        -sha256 -out "$TMP/$cn.csr"
    echo "$serial" >"$TMP/ca-int/serial"
    ossl ca -config "$CNF" -name ca_intermediate -batch -notext -preserveDN \
        -startdate "$start" -enddate "$end" -extensions v3_leaf \
        -in "$TMP/$cn.csr" -out "$out" >/dev/null
}

# new_p256_key OUT   (PKCS#8 PEM)
new_p256_key() {
    ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -pkeyopt ec_param_enc:named_curve -out "$1"
}

# self_signed KEY CN OUTPEM [DIGEST_ARGS...]
self_signed_leaf() {
    local key="$1" cn="$2" out="$3"
    shift 3
    ossl req -x509 -new -config "$CNF" -key "$key" -subj "/CN=$cn/$SUBJ_O" \
        -set_serial "0x$(rand_serial)" -days 365 -extensions v3_selfsigned_leaf \
        "$@" -out "$out"
}

# --- CAs ----------------------------------------------------------------------
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -pkeyopt ec_param_enc:named_curve \
    -out root-ca.key
ossl req -x509 -new -config "$CNF" -key root-ca.key \
    -subj "/CN=RoleKit Test Root CA/$SUBJ_O" -set_serial "0x$(rand_serial)" \
    -days 3650 -sha384 -extensions v3_root -out root-ca.pem

ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve \
    -out intermediate-ca.key
ossl req -new -config "$CNF" -key intermediate-ca.key \
    -subj "/CN=RoleKit Test Intermediate CA/$SUBJ_O" -sha256 -out "$TMP/intermediate.csr"
ossl x509 -req -in "$TMP/intermediate.csr" -CA root-ca.pem -CAkey root-ca.key \
    -set_serial "0x$(rand_serial)" -days 3650 -sha384 \
    -extfile "$CNF" -extensions v3_intermediate -out intermediate-ca.pem

ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve \
    -out other-ca.key
ossl req -x509 -new -config "$CNF" -key other-ca.key \
    -subj "/CN=RoleKit Other Test CA/$SUBJ_O" -set_serial "0x$(rand_serial)" \
    -days 3650 -sha256 -extensions v3_root -out other-ca.pem

# --- RSA leaves ---------------------------------------------------------------
for bits in 2048 3072 4096; do
    name="rsa$bits"
    if [[ $bits == 4096 ]]; then
        wait_bg "$RSA4096_PID" rsa4096
        ossl pkcs8 -topk8 -nocrypt -in "$TMP/rsa4096.key" -out "$name.pkcs8.key"
    else
        ossl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$bits" -out "$TMP/$name.key"
        ossl pkcs8 -topk8 -nocrypt -in "$TMP/$name.key" -out "$name.pkcs8.key"
    fi
    ossl rsa -in "$name.pkcs8.key" -traditional -out "$name.pkcs1.key"
    ossl rsa -in "$name.pkcs8.key" -traditional -outform DER -out "$name.pkcs1.der"
    ossl pkcs8 -topk8 -nocrypt -in "$name.pkcs8.key" -outform DER -out "$name.pkcs8.der"
    sign_leaf "$name.pkcs8.key" "$name" "$name.pem" "$(rand_serial)"
    ossl x509 -in "$name.pem" -outform DER -out "$name.der"
done

# --- EC leaves ----------------------------------------------------------------
for pair in p256:prime256v1 p384:secp384r1; do
    name="${pair%%:*}"
    curve="${pair#*:}"
    ossl ecparam -name "$curve" -genkey -noout -out "$name.sec1.key"
    ossl ecparam -name "$curve" -out "$TMP/$name.params"
    cat "$TMP/$name.params" "$name.sec1.key" >"$name.sec1-params.key"
    ossl pkcs8 -topk8 -nocrypt -in "$name.sec1.key" -out "$name.pkcs8.key"
    ossl ec -in "$name.sec1.key" -outform DER -out "$name.sec1.der"
    ossl pkcs8 -topk8 -nocrypt -in "$name.sec1.key" -outform DER -out "$name.pkcs8.der"
    sign_leaf "$name.pkcs8.key" "$name" "$name.pem" "$(rand_serial)"
    ossl x509 -in "$name.pem" -outform DER -out "$name.der"
done

# --- encrypted PKCS#8 ---------------------------------------------------------
# topk8 IN OUT ARGS...   (passphrase = $PASS)
topk8() {
    local in="$1" out="$2"
    shift 2
    ossl pkcs8 -topk8 -in "$in" -passout "pass:$PASS" "$@" -out "$out"
}
for prf in sha1 sha256 sha384 sha512; do
    for cipher in aes128 aes192 aes256; do
        topk8 p256.pkcs8.key "p256.pbes2-$prf-$cipher.key" \
            -v2 "$cipher" -v2prf "hmacWith${prf^^}"
    done
done
topk8 rsa2048.pkcs8.key rsa2048.pbes2-sha256-aes256.key -v2 aes256 -v2prf hmacWithSHA256
topk8 rsa2048.pkcs8.key rsa2048.pbes2-sha1-aes128.key   -v2 aes128 -v2prf hmacWithSHA1
topk8 p384.pkcs8.key    p384.pbes2-sha256-aes256.key    -v2 aes256 -v2prf hmacWithSHA256
topk8 p384.pkcs8.key    p384.pbes2-sha512-aes192.key    -v2 aes192 -v2prf hmacWithSHA512
topk8 p256.pkcs8.key    p256.pbes2-scrypt.key           -scrypt
topk8 p256.pkcs8.key    p256.pbes2-des3.key             -v2 des3
topk8 p256.pkcs8.key    p256.pbes1-sha1-3des.key        -v1 PBE-SHA1-3DES
topk8 p256.pkcs8.key    p256.pbes2-highiter.key         -v2 aes256 -v2prf hmacWithSHA256 -iter 600000
printf '%s\n' "$UNICODE_PASS" >"$TMP/unicode.pass"
ossl pkcs8 -topk8 -in p256.pkcs8.key -passout "file:$TMP/unicode.pass" \
    -v2 aes256 -v2prf hmacWithSHA256 -out p256.pbes2-unicode.key

# --- legacy encrypted PEM (Proc-Type / DEK-Info) ------------------------------
ossl rsa -in rsa2048.pkcs8.key -traditional -aes128 -passout "pass:$PASS" -out rsa2048.legacy-aes128.key
ossl rsa -in rsa2048.pkcs8.key -traditional -aes256 -passout "pass:$PASS" -out rsa2048.legacy-aes256.key
ossl rsa -in rsa2048.pkcs8.key -traditional -des3   -passout "pass:$PASS" -out rsa2048.legacy-des3.key
ossl ec  -in p256.sec1.key -aes256 -passout "pass:$PASS" -out p256.legacy-aes256.key
ossl ec  -in p256.sec1.key -des3   -passout "pass:$PASS" -out p256.legacy-des3.key
ossl ec  -in p384.sec1.key -aes192 -passout "pass:$PASS" -out p384.legacy-aes192.key
for f in rsa2048.legacy-aes128.key rsa2048.legacy-aes256.key rsa2048.legacy-des3.key \
         p256.legacy-aes256.key p256.legacy-des3.key p384.legacy-aes192.key; do
    grep -q '^Proc-Type: 4,ENCRYPTED' "$f" || die "$f is not a legacy encrypted PEM"
    grep -q '^DEK-Info: ' "$f" || die "$f has no DEK-Info header"
done

# --- chains -------------------------------------------------------------------
cp intermediate-ca.pem intermediates.pem
cat intermediate-ca.pem root-ca.pem >chain-2.pem
{
    echo "RoleKit test chain with free text around the PEM blocks."
    echo "subject=CN=RoleKit Test Intermediate CA,O=RoleKit Tests"
    echo
    cat intermediate-ca.pem
    echo
    echo "Bag Attributes: this text between the blocks must be ignored"
    echo "subject=CN=RoleKit Test Root CA,O=RoleKit Tests"
    cat root-ca.pem
    echo "trailing comment line"
    echo "-- end of file --"
} >chain-with-comments.pem
cat intermediate-ca.pem p256.pkcs8.key >chain-with-key.pem
cat p256.pem intermediates.pem >leaf-with-chain.pem
cat root-ca.pem intermediate-ca.pem >ca-bundle.pem

# --- PKCS#12 ------------------------------------------------------------------
cat intermediate-ca.pem root-ca.pem >"$TMP/chain.pem"
ossl pkcs12 -export -in rsa2048.pem -inkey rsa2048.pkcs8.key -certfile "$TMP/chain.pem" \
    -name rsa2048 -passout "pass:$PASS" -out rsa2048.p12
ossl pkcs12 -export -in rsa2048.pem -inkey rsa2048.pkcs8.key -certfile "$TMP/chain.pem" \
    -name rsa2048 -passout "pass:" -out rsa2048.nopass.p12
ossl pkcs12 -export -in p256.pem -inkey p256.pkcs8.key -certfile "$TMP/chain.pem" \
    -name p256 -passout "pass:$PASS" -out p256.p12
LEGACY_P12=(-keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1)
ossl pkcs12 -export "${LEGACY_P12[@]}" -in rsa2048.pem -inkey rsa2048.pkcs8.key \
    -certfile "$TMP/chain.pem" -name rsa2048 -passout "pass:$PASS" -out rsa2048.legacy.p12
ossl pkcs12 -export "${LEGACY_P12[@]}" -in p256.pem -inkey p256.pkcs8.key \
    -certfile "$TMP/chain.pem" -name p256 -passout "pass:$PASS" -out p256.legacy.p12
ossl pkcs12 -export "${LEGACY_P12[@]}" -in p256.pem -inkey p256.pkcs8.key \
    -certfile "$TMP/chain.pem" -name p256 -passout "pass:" -out p256.legacy-nopass.p12
for spec in rsa2048.p12:$PASS rsa2048.nopass.p12: p256.p12:$PASS \
            rsa2048.legacy.p12:$PASS p256.legacy.p12:$PASS p256.legacy-nopass.p12:; do
    f="${spec%%:*}"
    pw="${spec#*:}"
    ossl pkcs12 -info -noout -in "$f" -passin "pass:$pw"
done

# --- combined files -----------------------------------------------------------
cat rsa2048.pkcs8.key rsa2048.pem >rsa2048.combo.pem
cat p256.pem p256.sec1.key >p256.combo.pem
cat p384.pem p384.pkcs8.key intermediate-ca.pem >p384.combo-chain.pem

# --- unsupported key types ----------------------------------------------------
ossl genpkey -algorithm ED25519 -out ed25519.key
self_signed_leaf ed25519.key ed25519 ed25519.pem
ossl genpkey -algorithm ED448 -out ed448.key
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -pkeyopt ec_param_enc:named_curve \
    -out p521.key
self_signed_leaf p521.key p521 p521.pem -sha512
ossl ecparam -name secp256k1 -genkey -noout -out secp256k1.key
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$TMP/rsa1024.key"
ossl pkcs8 -topk8 -nocrypt -in "$TMP/rsa1024.key" -out rsa1024.key
sign_leaf rsa1024.key rsa1024 rsa1024.pem "$(rand_serial)"
wait_bg "$DSA_PID" dsa
ossl genpkey -paramfile "$TMP/dsa.params" -out "$TMP/dsa.key"
ossl pkcs8 -topk8 -nocrypt -in "$TMP/dsa.key" -out dsa.key
self_signed_leaf dsa.key dsa dsa.pem -sha256

# --- serial number edge cases (p256 key, signed by the intermediate) ----------
sign_leaf p256.pkcs8.key serial-high-bit serial-high-bit.pem "8f$(openssl rand -hex 19)"
sign_leaf p256.pkcs8.key serial-20-byte serial-20-byte.pem "7e$(openssl rand -hex 19)"
sign_leaf p256.pkcs8.key serial-small serial-small.pem "01"
sign_leaf p256.pkcs8.key serial-inner-zeros serial-inner-zeros.pem \
    "0100000000000000000000000000000000000001"
# Value is 19 bytes starting with 0xff; DER adds a 0x00 -> 20 content bytes.
sign_leaf p256.pkcs8.key serial-leading-zero-nibble serial-leading-zero-nibble.pem \
    "00ff$(openssl rand -hex 18)"

# --- validity / revocation / foreign-issuer leaves (fresh P-256 keys) ---------
new_p256_key revoked.key
sign_leaf revoked.key revoked revoked.pem "$(rand_serial)"
ossl ca -config "$CNF" -name ca_intermediate -batch \
    -revoke revoked.pem -crl_reason keyCompromise
ossl ca -config "$CNF" -name ca_intermediate -batch -gencrl -crldays 30 \
    -out intermediate.crl.pem
ossl crl -in intermediate.crl.pem -outform DER -out intermediate.crl.der
ossl ca -config "$CNF" -name ca_root -batch -gencrl -crldays 30 -out root.crl.pem

new_p256_key expired.key
ca_sign_leaf expired.key expired expired.pem "$(rand_serial)" \
    20200101000000Z 20210101000000Z
new_p256_key not-yet-valid.key
ca_sign_leaf not-yet-valid.key not-yet-valid not-yet-valid.pem "$(rand_serial)" \
    20990101000000Z 21000101000000Z

new_p256_key other-leaf.key
sign_leaf_by other-ca other-leaf.key other-leaf other-leaf.pem "$(rand_serial)"

# Sanity checks: wrong CRL contents or dates would silently weaken the tests.
revoked_serial="$(openssl x509 -in revoked.pem -noout -serial)"
revoked_serial="${revoked_serial#serial=}"
crl_serials="$(openssl crl -in intermediate.crl.pem -noout -text |
    sed -n 's/^ *Serial Number: *//p')"
[[ "$crl_serials" == "$revoked_serial" ]] ||
    die "intermediate.crl.pem lists '$crl_serials', expected '$revoked_serial'"
[[ -z "$(openssl crl -in root.crl.pem -noout -text | grep 'Serial Number' || true)" ]] ||
    die "root.crl.pem is not empty"
[[ "$(openssl x509 -in expired.pem -noout -startdate -enddate)" == \
   $'notBefore=Jan  1 00:00:00 2020 GMT\nnotAfter=Jan  1 00:00:00 2021 GMT' ]] ||
    die "expired.pem has wrong dates"
[[ "$(openssl x509 -in not-yet-valid.pem -noout -startdate -enddate)" == \
   $'notBefore=Jan  1 00:00:00 2099 GMT\nnotAfter=Jan  1 00:00:00 2100 GMT' ]] ||
    die "not-yet-valid.pem has wrong dates"

# --- serials.txt --------------------------------------------------------------
: >serials.txt
for f in rsa2048.pem rsa3072.pem rsa4096.pem p256.pem p384.pem rsa1024.pem \
         ed25519.pem p521.pem dsa.pem \
         serial-high-bit.pem serial-20-byte.pem serial-small.pem \
         serial-inner-zeros.pem serial-leading-zero-nibble.pem \
         revoked.pem expired.pem not-yet-valid.pem other-leaf.pem; do
    hex="$(openssl x509 -in "$f" -noout -serial 2>/dev/null)" || die "cannot read serial of $f"
    hex="${hex#serial=}"
    dec="$(python3 -c 'import sys; print(int(sys.argv[1], 16))' "$hex")"
    printf '%s %s\n' "$f" "$dec" >>serials.txt
done

# --- bad inputs ---------------------------------------------------------------
: >empty.pem
{
    echo "This is not a PEM file. It is just some random text."
    echo "Lorem ipsum dolor sit amet, consectetur adipiscing elit."
    openssl rand -base64 96
    echo "-----NOT A BEGIN LINE-----"
} >garbage.pem
head -c $(( $(wc -c <p256.pem) * 60 / 100 )) p256.pem >truncated-cert.pem
head -c $(( $(wc -c <p256.pkcs8.key) * 60 / 100 )) p256.pkcs8.key >truncated-key.pem
printf '%s\n' '-----BEGIN CERTIFICATE-----' '@@@###!!!$$$%%%^^^&&&***(((' \
    'MIIB@@@###not*base64~~~' '-----END CERTIFICATE-----' >bad-base64.pem
sed -e 's/-----BEGIN CERTIFICATE-----/-----BEGIN FOO-----/' \
    -e 's/-----END CERTIFICATE-----/-----END FOO-----/' p256.pem >wrong-label.pem
openssl rand -out garbage.der 200
cp p256.pem cert-as-key.pem
head -c $(( $(wc -c <p256.p12) / 2 )) p256.p12 >truncated.p12
grep -v -- '-----END CERTIFICATE-----' p256.pem >unterminated.pem
cat p256.pkcs8.key p384.pkcs8.key >two-keys.pem

# --- README -------------------------------------------------------------------
cat >README.txt <<EOF
RoleKit test PKI -- generated by scripts/make-test-pki.sh. Throwaway keys, NOT secret.

Passphrase for every encrypted key and password-protected PKCS#12 file:
    test-passphrase
Exceptions:
    p256.pbes2-unicode.key   passphrase "$UNICODE_PASS" (UTF-8: 70 c3a4 7373 77 c3b6 7264 2d e29c93)
    rsa2048.nopass.p12, p256.legacy-nopass.p12   empty password

CA hierarchy:
    root-ca.pem (P-384, self-signed) -> intermediate-ca.pem (P-256, pathlen:0) -> leaves
    other-ca.pem (P-256) is an unrelated self-signed root.
Self-signed (not chained): ed25519.pem, p521.pem, dsa.pem.
other-leaf.pem is signed by other-ca.pem, not by the intermediate.

Validity and revocation (EC P-256 leaves, own PKCS#8 keys *.key):
    revoked.pem         revoked (keyCompromise) in intermediate.crl.pem / .der
    expired.pem         valid 2020-01-01 .. 2021-01-01 (UTC)
    not-yet-valid.pem   valid 2099-01-01 .. 2100-01-01 (UTC)
CRLs (valid 30 days from generation; regenerate the PKI when they lapse):
    intermediate.crl.pem/.der  by the intermediate CA, lists only revoked.pem
    root.crl.pem               by the root CA, no entries
leaf-with-chain.pem = p256.pem + intermediates.pem;  ca-bundle.pem = root + intermediate.
serials.txt: "FILE DECIMAL_SERIAL" for each leaf certificate.
EOF

# Everything written is public test material but keep it tidy.
chmod 0644 "$OUT"/*
