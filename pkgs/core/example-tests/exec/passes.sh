#!/bin/sh
# Passes: exit status 0.
uname -s
