#!/bin/sh
# credential_process helper: prints fixed credentials (fixture, not real keys).
cat <<'EOF'
{
  "Version": 1,
  "AccessKeyId": "AKIAPROC92EXAMPLEKEY",
  "SecretAccessKey": "proc92/K7MDENG/bPxRfiCY+EXAMPLEKEYwJalrX"
}
EOF
