#!/bin/sh
# credential_process helper: prints fixed credentials (fixture, not real keys).
cat <<'EOF'
{
  "Version": 1,
  "AccessKeyId": "AKIAPROC70EXAMPLEKEY",
  "SecretAccessKey": "proc70/K7MDENG/bPxRfiCY+EXAMPLEKEYwJalrX"
}
EOF
