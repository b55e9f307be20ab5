#!/usr/bin/env bash
# Checks that a built module carries exactly the version and flags strings of
# the installed kamailio binary, which compares them when it loads the module.
set -euo pipefail
so=${1:?usage: check-module.sh MODULE.so}
KAMAILIO=${KAMAILIO:-$(command -v kamailio || echo /usr/sbin/kamailio)}

# what the loader compares (SER_FULL_VERSION): "kamailio X (ARCH/OS)",
# without the source revision -v prints after it (6.0)
want_ver=$("$KAMAILIO" -v | sed -n 's/^version: \(.*)\).*$/\1/p')
want_flags=$("$KAMAILIO" -v | sed -n 's/^flags: //p')
strs=$(strings -a -n 8 "$so")
if ! grep -qxF -- "$want_ver" <<<"$strs"; then
	echo "tcp_persona: $so was not built for '$want_ver':" \
		"rebuild it against the matching tree (make clean all)" >&2
	exit 1
fi
if ! grep -qxF -- "$want_flags" <<<"$strs"; then
	echo "tcp_persona: $so has other compile flags than $KAMAILIO" \
		"('flags:' line of kamailio -v): rebuild with the matching config.mak" >&2
	exit 1
fi
