#!/usr/bin/env bash
# Starts an isolated software TPM (swtpm) for the TPM tests and makes its keys, in DIR (default:
# a new temporary folder). swtpm listens on two free 127.0.0.1 ports; its pid is in
# DIR/swtpm.pid (stop it with: kill "$(cat DIR/swtpm.pid)") and its TCTI in DIR/tcti
# (swtpm:host=127.0.0.1,port=N). Keys, each with a certificate issued by DIR/ca.pem for the
# TPM's public key (openssl x509 -force_pubkey; the private keys never leave the TPM):
#   handle        P-256 ECDSA key persisted at 0x81000001, no password   (handle.pem)
#   p256.key.pem  TSS2 PEM (tpm2-openssl), P-256, emptyAuth             (p256.pem)
#   p384.key.pem  TSS2 PEM, P-384, password "tpm-pass-EXAMPLE"          (p384.pem)
#   rsa.key.pem   TSS2 PEM, RSA-2048, emptyAuth                          (rsa.pem)
# Needs swtpm, tpm2-tools and tpm2-openssl (Debian: swtpm swtpm-tools tpm2-tools tpm2-openssl).
set -euo pipefail
dir="${1:-$(mktemp -d "${TMPDIR:-/tmp}/rolekit-tpm.XXXXXX")}"
mkdir -p "$dir/state"
cd "$dir"
# The swtpm TCTI takes the control channel at the server port + 1: two free adjacent ports.
ports="$(python3 -c 'import socket
for _ in range(100):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); port = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", port + 1))
    except OSError:
        continue
    print(port, port + 1); break')"
read -r port ctrl <<<"$ports"
swtpm socket --tpm2 --tpmstate dir="$dir/state" --server type=tcp,port="$port",bindaddr=127.0.0.1 \
    --ctrl type=tcp,port="$ctrl",bindaddr=127.0.0.1 --flags not-need-init,startup-clear \
    --daemon --pid file="$dir/swtpm.pid" --log file="$dir/swtpm.log"
tcti="swtpm:host=127.0.0.1,port=$port"
export TPM2TOOLS_TCTI="$tcti" TPM2OPENSSL_TCTI="$tcti" TSS2_LOG=all+none
for _ in $(seq 50); do tpm2_getrandom 8 >/dev/null 2>&1 && break; sleep 0.1; done
# No resource manager: flush transient objects after every command.
t() { "$@"; tpm2_flushcontext -t; }
# The tests give wrong passwords on purpose: no dictionary-attack lockout.
tpm2_dictionarylockout --setup-parameters --max-tries=1000 --recovery-time=0 --lockout-recovery-time=0
t tpm2_createprimary -Q -C o -G ecc256:aes128cfb -g sha256 -c primary.ctx \
    -a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt'
t tpm2_create -Q -C primary.ctx -G ecc256:ecdsa-sha256 -u handle.pub -r handle.priv
t tpm2_load -Q -C primary.ctx -u handle.pub -r handle.priv -c handle.ctx
t tpm2_evictcontrol -Q -C o -c handle.ctx 0x81000001
t tpm2_readpublic -Q -c 0x81000001 -f pem -o handle.pub.pem
t openssl genpkey -provider tpm2 -algorithm EC -pkeyopt group:P-256 -out p256.key.pem 2>/dev/null
t openssl genpkey -provider tpm2 -algorithm EC -pkeyopt group:P-384 -pkeyopt user-auth:tpm-pass-EXAMPLE -out p384.key.pem 2>/dev/null
t openssl genpkey -provider tpm2 -algorithm RSA -pkeyopt bits:2048 -out rsa.key.pem 2>/dev/null
for name in p256 p384 rsa; do
    t openssl pkey -provider tpm2 -provider default -in "$name.key.pem" -passin pass:tpm-pass-EXAMPLE -pubout -out "$name.pub.pem"
done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 30 -subj /CN=rolekit-tpm-ca \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout throwaway.key -out throwaway.csr -subj /CN=throwaway 2>/dev/null
for name in handle p256 p384 rsa; do
    openssl x509 -req -in throwaway.csr -force_pubkey "$name.pub.pem" -subj "/CN=tpm-$name" -CA ca.pem -CAkey ca.key -CAcreateserial \
        -days 30 -sha256 -extfile <(printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n') -out "$name.pem" 2>/dev/null
done
rm -f throwaway.key throwaway.csr ca.srl primary.ctx handle.ctx
echo "$tcti" > tcti
echo "$dir"
