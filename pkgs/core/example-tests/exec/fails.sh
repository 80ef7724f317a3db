#!/bin/sh
# Fails: any other exit status; its output is the failure's text.
echo "expected 3 files, found 2" >&2
exit 1
