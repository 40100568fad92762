#!/bin/sh
# credential_process helper: prints fixed credentials (fixture, not real keys).
cat <<'EOF'
{
  "Version": 2,
  "AccessKeyId": "AKIAPROC86EXAMPLEKEY",
  "SecretAccessKey": "proc86/K7MDENG/bPxRfiCY+EXAMPLEKEYwJalrX"
}
EOF
