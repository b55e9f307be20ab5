#!/usr/bin/env bash
# Builds kamailio-tcp-persona-module_VERSION_ARCH.deb into OUTDIR (default
# build/deb, replacing an older one) for the kamailio installed from
# Debian's package on this machine, and prints its path. The module is built against that package's
# own source tree with Debian's build flags, as Debian builds kamailio's
# modules; the package depends on exactly the installed kamailio version,
# because kamailio loads only modules built for its own version and flags.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

# a snapshot version: the module's release, the commit's date and hash,
# then the Debian release built for (~deb12, ~deb13), as third-party
# packages name theirs (TP_DEB_VERSION when given: a build without git)
deb_version() {
	local v
	v=$(sed -n 's/^TP_RELEASE *:= *//p' "$root/Makefile")
	if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
		v+="+git$(git -C "$root" log -1 --format=%cd --date=format:%Y%m%d)"
		v+=".$(git -C "$root" rev-parse --short=7 HEAD)"
	fi
	echo "$v-1~deb$(. /etc/os-release && echo "${VERSION_ID%%.*}")"
}
# --version: only print the version a package of this tree gets
if [[ ${1:-} == --version ]]; then
	deb_version
	exit 0
fi
version=${TP_DEB_VERSION:-$(deb_version)}
out=$(mkdir -p "${1:-$root/build/deb}" && cd "${1:-$root/build/deb}" && pwd)
pkg=kamailio-tcp-persona-module

kver=$(dpkg-query -W -f='${Version}' kamailio 2>/dev/null) || kver=
if [[ -z $kver || -n ${KAMAILIO:-} && $KAMAILIO != /usr/sbin/kamailio ]]; then
	echo "tcp_persona: make deb packages the module for the kamailio installed" \
		"from Debian's package (/usr/sbin/kamailio)${KAMAILIO:+, not $KAMAILIO}" >&2
	exit 1
fi
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the module, out of the tree's build, with Debian's hardening flags
tree=$("$here/kamailio-tree.sh")
mkdir -p "$work/src"
cp "$root"/modules/tcp_persona/{*.c,*.h,Makefile} "$work/src/"
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
make -s -C "$work/src" COREPATH="$tree/src" \
	CC_EXTRA_OPTS="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CFLAGS)" \
	LD_EXTRA_OPTS="$(dpkg-buildflags --get LDFLAGS)" >"$work/build.log" 2>&1 || {
	cat "$work/build.log" >&2
	exit 1
}
"$here/check-module.sh" "$work/src/tcp_persona.so"

# the package's files
pr=$work/root
doc=$pr/usr/share/doc/$pkg
install -d "$pr/DEBIAN" "$pr/usr/lib/$multiarch/kamailio/modules" "$doc/examples"
install -m 644 "$work/src/tcp_persona.so" "$pr/usr/lib/$multiarch/kamailio/modules/"
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$pr/usr/lib/$multiarch/kamailio/modules/tcp_persona.so"
install -m 644 "$root/modules/tcp_persona/README" "$doc/README"
install -m 644 "$root/README" "$doc/README.project"
gzip -9n "$doc/README" "$doc/README.project"
install -m 644 "$root"/doc/example-pcscf.cfg "$root"/doc/example-ims-pcscf.cfg \
	"$root"/doc/example.rules "$doc/examples/"
install -m 644 "$here/deb/copyright" "$doc/copyright"
install -D -m 644 "$here/deb/lintian-overrides" "$pr/usr/share/lintian/overrides/$pkg"
sed -e "s/@VERSION@/$version/" -e "s/@KAMAILIO@/$kver/" \
	-e "s/@DATE@/$(date -R -d "@$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)")/" \
	"$here/deb/changelog.in" >"$doc/changelog.Debian"
gzip -9n "$doc/changelog.Debian"

# Depends: the exact kamailio, and the libraries the module links
mkdir -p "$work/debian"
printf 'Source: tcp-persona\n\nPackage: %s\nArchitecture: any\n' "$pkg" \
	>"$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O \
	"-e$pr/usr/lib/$multiarch/kamailio/modules/tcp_persona.so" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
size=$(du -k -s --exclude=DEBIAN "$pr" | cut -f1)
sed -e "s/@PACKAGE@/$pkg/" -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" \
	-e "s/@KAMAILIO@/$kver/" -e "s/@SHLIBS@/$shlibs/" -e "s/@SIZE@/$size/" \
	"$here/deb/control.in" >"$pr/DEBIAN/control"
(cd "$pr" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$pr/DEBIAN/md5sums"
chmod 644 "$pr/DEBIAN/control" "$pr/DEBIAN/md5sums"

rm -f "$out/${pkg}_"*"${version##*-}_$arch.deb"
deb=$out/${pkg}_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$pr" "$deb" >/dev/null
echo "$deb"
