#!/bin/sh
# credential_process helper: prints fixed credentials (fixture, not real keys).
cat <<'EOF'
{
  "Version": 1,
  "AccessKeyId": "AKIAPROC84EXAMPLEKEY",
  "SecretAccessKey": "proc84/K7MDENG/bPxRfiCY+EXAMPLEKEYwJalrX"
}
EOF
