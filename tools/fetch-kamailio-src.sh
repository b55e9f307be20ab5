#!/usr/bin/env bash
# Fetches Debian's source package of the installed kamailio into DIR (default
# build/) and configures it with Debian's build options, so its config.mak holds
# the same defines the binary was compiled with. Prints the tree's path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/../build}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

version=$("$here/kamailio-version.sh")
pkgver=$(dpkg-query -W -f='${Version}' kamailio)
tree="$dir/kamailio-$version"

# a Debian update keeps the version string: refetch when the package
# changes (a tree fetched before the marker existed is adopted as it is)
if [[ -f $tree/src/Makefile.defs && ! -f $tree/.debian-version ]]; then
	echo "$pkgver" >"$tree/.debian-version"
fi
if [[ -f $tree/src/Makefile.defs && "$(cat "$tree/.debian-version")" != "$pkgver" ]]; then
	rm -rf "$tree"
fi

if [[ ! -f $tree/src/Makefile.defs ]]; then
	if ! apt-get source --print-uris -q "kamailio=$pkgver" >/dev/null 2>&1; then
		if [[ $(id -u) -ne 0 ]]; then
			echo "tcp_persona: no deb-src entry for kamailio $pkgver;" \
				"run 'make deps' as root once, or give KAMAILIO_SRC=/path" >&2
			exit 1
		fi
		# a deb-src twin of the machine's Debian sources (deb822 or one-line)
		if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
			sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
				>/etc/apt/sources.list.d/tcp-persona-deb-src.sources
		else
			sed -n 's/^deb /deb-src /p' /etc/apt/sources.list \
				>/etc/apt/sources.list.d/tcp-persona-deb-src.list
		fi
		apt-get update -q >/dev/null
	fi
	rm -rf "$dir/src-pkg" && mkdir -p "$dir/src-pkg"
	(cd "$dir/src-pkg" && apt-get source -q "kamailio=$pkgver" >/dev/null 2>&1) || {
		echo "tcp_persona: 'apt-get source kamailio=$pkgver' failed" >&2
		exit 1
	}
	rm -rf "$tree"
	mv "$dir/src-pkg/kamailio-$version" "$tree"
	rm -rf "$dir/src-pkg"
	echo "$pkgver" >"$tree/.debian-version"
fi

[[ -f $tree/src/config.mak ]] || "$here/configure-kamailio-tree.sh" "$tree"
echo "$tree"
