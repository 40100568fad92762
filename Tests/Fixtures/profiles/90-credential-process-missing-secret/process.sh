#!/bin/sh
# credential_process helper: leaves out SecretAccessKey.
cat <<'EOF'
{
  "Version": 1,
  "AccessKeyId": "AKIAPROC90EXAMPLEKEY"
}
EOF
