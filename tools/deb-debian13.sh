#!/usr/bin/env bash
# make deb KAMAILIO_VERSION=6.0: builds the module's package for Debian
# 13's kamailio 6.0 package, inside a Debian 13 root (tools/debian13-root.sh)
# where that package is installed, with tools/deb.sh as on any Debian host.
# The .deb lands in OUTDIR (default build/deb); prints its path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=$(mkdir -p "${1:-$top/build/deb}" && cd "${1:-$top/build/deb}" && pwd)
root=$("$here/debian13-root.sh")

# this tree's sources (no build output), fresh in the root each time
rm -rf "$root/src/tcp_persona" && mkdir -p "$root/src/tcp_persona" "$root/src/out"
tar -C "$top" --exclude=./build --exclude=./test/out --exclude=./.git \
	--exclude='*.o' --exclude='*.d' --exclude='*.so' -cf - . |
	tar -C "$root/src/tcp_persona" -xf -
rm -f "$root"/src/out/*.deb
# the version as the host's git sees it (there is no .git in the root),
# for Debian 13
version=$("$here/deb.sh" --version | sed 's/~deb[0-9]*$/~deb13/')
# a clean environment: nothing of a 6.0 source build (KAMAILIO, ...) leaks in
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	TP_DEB_VERSION="$version" BUILD_DIR=/src/kamailio \
	/src/tcp_persona/tools/deb.sh /src/out >/dev/null
deb=$(ls "$root"/src/out/*.deb)
cp "$deb" "$out/"
echo "$out/$(basename "$deb")"
