#!/bin/sh
# credential_process helper: fails like an expired SSO login would.
echo 'error: the login session has expired' >&2
exit 3
