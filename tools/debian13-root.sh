#!/usr/bin/env bash
# A Debian 13 (trixie) root under BUILD_DIR (default build/debian13-root),
# made with debootstrap, with Debian 13's own kamailio package installed and
# what tools/deb.sh needs to build and check the module's package there.
# Only the 6.0 package uses it: kamailio 6.0 comes from a Debian package
# there, not from our source build. Cached; prints the root's path.
# Root only (debootstrap, chroot).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${BUILD_DIR:-$here/../build}
mkdir -p "$dir"
root=$(cd "$dir" && pwd)/debian13-root

# what goes into the root; a change here rebuilds it
packages="kamailio build-essential pkg-config libpcre2-dev dpkg-dev lintian binutils"
stamp="trixie minbase: $packages"

if [[ $(id -u) -ne 0 ]]; then
	echo "tcp_persona: the Debian 13 root needs root (debootstrap, chroot)" >&2
	exit 1
fi
if [[ ! -f $root/.ready || "$(cat "$root/.ready")" != "$stamp" ]]; then
	command -v debootstrap >/dev/null || {
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
	}
	rm -rf "$root"
	debootstrap --variant=minbase trixie "$root" http://deb.debian.org/debian \
		>"$dir/debian13-root.log" 2>&1 || {
		echo "tcp_persona: debootstrap trixie failed (see $dir/debian13-root.log)" >&2
		exit 1
	}
	# Debian 13's point releases and security updates, as a Debian 13 host has
	cat >"$root/etc/apt/sources.list" <<-EOF
		deb http://deb.debian.org/debian trixie main
		deb http://deb.debian.org/debian trixie-updates main
		deb http://deb.debian.org/debian-security trixie-security main
	EOF
	# shellcheck disable=SC2086 # the package list splits on blanks
	chroot "$root" /bin/sh -c "export DEBIAN_FRONTEND=noninteractive
		apt-get update -q && apt-get install -y -q --no-install-recommends $packages" \
		>>"$dir/debian13-root.log" 2>&1 || {
		echo "tcp_persona: installing into the Debian 13 root failed (see $dir/debian13-root.log)" >&2
		exit 1
	}
	echo "$stamp" >"$root/.ready"
fi
echo "$root"
