#!/bin/sh
# Smoke test: a wrong password is refused.
set -eu
./tinyauth alice wrong-password && exit 1
echo ok
