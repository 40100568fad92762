#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "AKIAEXAMPLE103004", "SecretAccessKey": "expd/K7MDENG/bPxRfiCY+EXAMPLEKEYwJalrXU", "SessionToken": "tok", "Expiration": "2001-01-01T00:00:00Z"}'
