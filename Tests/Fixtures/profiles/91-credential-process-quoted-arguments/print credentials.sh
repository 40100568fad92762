#!/bin/sh
# credential_process helper: prints credentials only when called with exactly these arguments:
#   "--account name" "team a" "plain"
if [ "$#" -ne 3 ] || [ "$1" != "--account name" ] || [ "$2" != "team a" ] || [ "$3" != plain ]; then
    echo "unexpected arguments ($#): $*" >&2
    exit 2
fi
cat <<'EOF'
{
  "Version": 1,
  "AccessKeyId": "AKIAQUOTE91EXAMPLEKE",
  "SecretAccessKey": "quote91/K7MDENG/bPxRfiCY+EXAMPLEKEYwJalr"
}
EOF
