#!/bin/sh
# credential_process helper: prints fixed credentials (fixture, not real keys).
cat <<'EOF'
{
  "Version": "1",
  "AccessKeyId": "AKIAPROC87EXAMPLEKEY",
  "SecretAccessKey": "proc87/K7MDENG/bPxRfiCY+EXAMPLEKEYwJalrX"
}
EOF
