#!/bin/sh
# credential_process helper: prints fixed credentials (fixture, not real keys).
cat <<'EOF'
{
  "Version": 1,
  "AccessKeyId": "AKIAPROC85EXAMPLEKEY",
  "SecretAccessKey": "proc85/K7MDENG/bPxRfiCY+EXAMPLEKEYwJalrX",
  "SessionToken": "FwoGZXIvYXdzEXAMPLETOKENdGhpcyBpcyBub3QgYSByZWFsIHRva2Vu",
  "Expiration": "2099-01-01T00:00:00Z"
}
EOF
