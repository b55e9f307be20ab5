#!/usr/bin/env bash
# Installs, from Debian's packages, everything the build, the demo, the tests
# and `make doc` need on a Debian 12 machine. Idempotent: quiet and quick when
# all is there.
set -euo pipefail

packages=(
	kamailio               # the binary we build for, kamcmd, tm/sl/textops/ctl
	kamailio-lua-modules   # app_lua: the KEMI tests
	kamailio-ims-modules   # ims_usrloc_pcscf, ims_registrar_pcscf, ims_dialog: the IMS P-CSCF
	kamailio-presence-modules # pua: the IMS P-CSCF's reg-event subscriptions
	build-essential pkg-config libpcre2-dev
	dpkg-dev               # apt-get source unpacks with dpkg-source; make deb
	lintian                # make deb: the package is checked (t_deb)
	debootstrap            # make deb KAMAILIO_VERSION=6.0: a Debian 13 root
	check libsubunit-dev   # unit tests
	sip-tester             # sipp: the handsets in integration tests
	tshark                 # wire truth
	binutils iproute2 procps
	python3                # test/wire: rebuilds TCP connections from captures
	xsltproc docbook-xsl   # make doc: DocBook to HTML
	docbook-xml libxml2-utils # make doc: the DTD (local catalog), xmllint
	lynx                   # make doc: HTML to the plain-text README
	clang                  # test/fuzz: libFuzzer targets (ASan, UBSan)
	lld                    # test/fuzz: links fuzz_contact without the unused core code
	bison flex             # KAMAILIO_VERSION=6.0: builds Debian 13's kamailio 6.0
	libxml2-dev libmnl-dev liblua5.1-0-dev libsctp-dev # ... its IMS, pua, app_lua, sctp modules
)

missing=()
for p in "${packages[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ $st == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "tcp_persona: missing Debian packages: ${missing[*]}" >&2
	echo "tcp_persona: run 'make deps' as root (or: apt-get install ${missing[*]})" >&2
	exit 1
fi

echo "tcp_persona: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; the tests run as root.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	debconf-set-selections
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
