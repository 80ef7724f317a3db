#!/bin/sh
# Skipped: exit status 77, as automake.
echo "no /dev/nvme0n1 here"
[ -e /dev/nvme0n1 ] || exit 77
