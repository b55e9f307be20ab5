#!/usr/bin/env bash
# Writes TREE/src/config.mak with the options of Debian's debian/rules, so the
# tree's defines are the ones the packaged binary was compiled with.
set -euo pipefail
tree=${1:?usage: configure-kamailio-tree.sh TREE}
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cflags="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CFLAGS)"
make -s -C "$tree" cfg prefix=/usr cfg_target=/etc/kamailio/ \
	FLAVOUR=kamailio LIBDIR="lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)" \
	CC_EXTRA_OPTS="$cflags -DVERSION_NODATE" \
	LD_EXTRA_OPTS="$(dpkg-buildflags --get LDFLAGS)" \
	group_include=kstandard >/dev/null
