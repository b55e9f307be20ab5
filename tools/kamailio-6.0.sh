#!/usr/bin/env bash
# Kamailio 6.0 as Debian 13 (trixie) ships it, for KAMAILIO_VERSION=6.0:
# fetches trixie's kamailio source package into BUILD_DIR (default build/)
# with an apt configuration of its own (the machine's sources untouched),
# checks the tarballs against the .dsc's SHA-256 sums (trixie's orig
# tarball signature is not served: 404), unpacks it with Debian's patches,
# and builds with the tree's Makefiles the kamailio binary, kamcmd and the
# modules the demo and the tests load. Cached: once built, it only prints
# the tree's path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-${BUILD_DIR:-$here/../build}}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# what the demo and the tests load (kamailio.cfg files, Kamailio's
# example IMS P-CSCF), besides tcp_persona
MODULES="tm tmx sl rr pv xlog textops textopsx siputils sanity maxfwd kex
corex ctl cfg_rpc jsonrpcs usrloc registrar dialog tcpops xhttp xhttp_prom
db_text app_lua auth dispatcher path statistics nathelper sdpops rtpengine
htable ims_usrloc_pcscf ims_registrar_pcscf ims_ipsec_pcscf ims_dialog pua sctp
dmq"

apt_dir=$dir/apt-trixie
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=-
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
	-o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root)

fetch() {
	local src=$dir/src-6.0 dsc name sum size
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	cat >"$apt_dir/sources.list" <<-EOF
		deb-src http://deb.debian.org/debian trixie main
		deb-src http://deb.debian.org/debian-security trixie-security main
		deb-src http://deb.debian.org/debian trixie-updates main
	EOF
	apt-get "${apt_opts[@]}" update -q >/dev/null
	rm -rf "$src" && mkdir -p "$src"
	# the download stops at the missing signature; the rest is there
	(cd "$src" && apt-get "${apt_opts[@]}" source --download-only -q kamailio \
		>"$src/fetch.log" 2>&1) || true
	dsc=$(ls "$src"/kamailio_6.0*.dsc 2>/dev/null | head -1)
	[[ -n $dsc ]] || { echo "tcp_persona: no kamailio 6.0 source in trixie (see $src/fetch.log)" >&2; exit 1; }
	sed -n '/^Checksums-Sha256:/,/^[A-Z]/p' "$dsc" | grep '^ ' |
		while read -r sum size name; do
			[[ $name == *.asc ]] && continue
			echo "$sum  $src/$name" | sha256sum -c --quiet - ||
				{ echo "tcp_persona: $name does not match $dsc" >&2; exit 1; }
		done
	(cd "$src" && dpkg-source -q -x --no-check "$dsc" tree >/dev/null)
	echo "$src/tree"
}

tree=$(ls -d "$dir"/kamailio-6.0.* 2>/dev/null | head -1 || true)
if [[ -z $tree || ! -f $tree/.built ]]; then
	unpacked=$(fetch)
	version=$(sed -n 's/^Version: \([^-]*\)-.*/\1/p' "$(ls "$dir"/src-6.0/kamailio_6.0*.dsc | head -1)")
	tree=$dir/kamailio-$version
	rm -rf "$tree" && mv "$unpacked" "$tree"
	make -s -C "$tree/src" cfg >/dev/null
	make -s -C "$tree/src" -j2 kamailio >"$tree/build.log" 2>&1 ||
		{ echo "tcp_persona: building kamailio $version failed (see $tree/build.log)" >&2; exit 1; }
	make -s -C "$tree/src" -j2 modules \
		modules="$(for m in $MODULES; do printf 'modules/%s ' "$m"; done)" \
		>>"$tree/build.log" 2>&1 ||
		{ echo "tcp_persona: building kamailio $version's modules failed (see $tree/build.log)" >&2; exit 1; }
	make -s -C "$tree/utils/kamcmd" >>"$tree/build.log" 2>&1 ||
		{ echo "tcp_persona: building kamcmd failed (see $tree/build.log)" >&2; exit 1; }
	date -u +%FT%TZ >"$tree/.built"
fi
# a tree built before a module joined the list gets it now
missing=""
for m in $MODULES; do
	[[ -f $tree/src/modules/$m/$m.so ]] || missing+="modules/$m "
done
if [[ -n $missing ]]; then
	make -s -C "$tree/src" -j2 modules modules="$missing" >>"$tree/build.log" 2>&1 ||
		{ echo "tcp_persona: building kamailio's $missing failed (see $tree/build.log)" >&2; exit 1; }
fi
echo "$tree"
