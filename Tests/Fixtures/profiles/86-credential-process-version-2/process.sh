#!/bin/sh
# credential_process helper: prints fixed credentials (fixture, not real keys).
cat <<'EOF'
{
  "Version": 2,
  "AccessKeyId": "AKIAPROC85EXAMPLEKEY",
  "SecretAccessKey": "proc85/K7MDENG/bPxRfiCY+EXAMPLEKEYwJalrX"
}
EOF
