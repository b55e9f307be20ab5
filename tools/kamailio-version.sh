#!/usr/bin/env bash
# Prints the version of the installed kamailio binary, e.g. "5.6.3".
set -euo pipefail
KAMAILIO=${KAMAILIO:-$(command -v kamailio || echo /usr/sbin/kamailio)}
"$KAMAILIO" -v | sed -n 's/^version: kamailio \([^ ]*\) .*/\1/p'
