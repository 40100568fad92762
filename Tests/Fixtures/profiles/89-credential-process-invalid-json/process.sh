#!/bin/sh
# credential_process helper: prints text, not JSON.
echo 'AccessKeyId=AKIAEXAMPLE SecretAccessKey=nope'
