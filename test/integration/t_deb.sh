#!/usr/bin/env bash
# make deb: the module's Debian package for the kamailio under test, as an
# operator gets it. It passes lintian, depends on exactly that kamailio,
# installs with apt, and the packaged example P-CSCF cfg, which loads the
# module by name only, runs from the standard module path: three handsets
# get their persona on the wire. Purged, nothing of it is left.
# For 5.6 on this (Debian 12) machine; for 6.0 in a Debian 13 root with
# Debian 13's kamailio package (tools/debian13-root.sh), since our 6.0
# binary is a source build that no package can depend on.
# Root only: it installs into the system (or the Debian 13 root).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
source "$TP_ROOT/demo/lib_demo.sh"
tp_workdir
pkg=kamailio-tcp-persona-module
if [[ $(id -u) -ne 0 ]]; then
	tp_fail "t_deb installs a package: run it as root"
	tp_done
	exit
fi
read -r UE_A UE_B UE_C _ <<<"$TP_UE_IPS"
declare -A UA=(
	[$UE_A]="SM-S916U1-S916U1UES7EZB6 Samsung IMS 6.0"
	[$UE_B]="Xiaomi__Android_12_MIUI220114"
	[$UE_C]="iOS/16.7 iPhone"
)
declare -A RULE MODE

# where the package goes: this machine (5.6) or the Debian 13 root (6.0);
# in_root runs a command there (root_cmd: as one process, so that the
# background kamailio's PID is $!), $IW is this test's folder seen from there
kver=$("$KAMAILIO" -v | sed -n 's/^version: kamailio \([0-9.]*\).*/\1/p')
if [[ $kver == 6.0.* ]]; then
	root=$("$TP_ROOT/tools/debian13-root.sh") || {
		tp_fail "the Debian 13 root is made"
		tp_done
		exit
	}
	root_cmd=(chroot "$root")
	TP_WORK=$root/tmp/t_deb && rm -rf "$TP_WORK" && mkdir -p "$TP_WORK"
	IW=/tmp/t_deb
	make_deb=(make -s -C "$TP_ROOT" deb KAMAILIO_VERSION=6.0)
	release=13
else
	root=
	root_cmd=()
	IW=$TP_WORK
	make_deb=(env -u KAMAILIO make -s -C "$TP_ROOT" deb)
	release=12
fi
in_root() { "${root_cmd[@]}" "$@"; }
tp_kamcmd() { in_root kamcmd -s "unix:$IW/kamailio_ctl" "$@"; }
mpath=/usr/lib/$(in_root dpkg-architecture -qDEB_HOST_MULTIARCH)/kamailio/modules
so=$root$mpath/tcp_persona.so

# the package
deb=$("${make_deb[@]}" 2>"$TP_WORK/make-deb.err" | tail -1)
tp_check "make deb builds the package for Debian $release" test -f "$deb"
[[ -f $deb ]] || { cat "$TP_WORK/make-deb.err"; tp_done; exit; }
cp "$deb" "$TP_WORK/"
deb=$(basename "$deb")
tp_eq "the package is named in the style of Debian's kamailio modules" \
	"$pkg" "$(dpkg-deb -f "$TP_WORK/$deb" Package)"
kpkg=$(in_root dpkg-query -W -f='${Version}' kamailio)
tp_check "it depends on exactly the kamailio it was built for ($kpkg)" \
	grep -qF "kamailio (= $kpkg)" <<<"$(dpkg-deb -f "$TP_WORK/$deb" Depends)"
lint=$(in_root lintian --pedantic "$IW/$deb" 2>&1 | grep -v '^running with root')
tp_eq "lintian (pedantic) has nothing to say" "" "$lint"

# an unpackaged module a developer installed (make install) is put back after
saved=
if [[ -f $so ]] && ! in_root dpkg -S "$mpath/tcp_persona.so" >/dev/null 2>&1; then
	saved=$TP_WORK/installed-before.so
	mv "$so" "$saved"
fi
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$IW/$deb" \
	>"$TP_WORK/apt-install.log" 2>&1
tp_eq "apt installs it" "install ok installed" \
	"$(in_root dpkg-query -W -f='${Status}' $pkg 2>&1)"
tp_check "the module is in kamailio's module directory" test -f "$so"
doc=$root/usr/share/doc/$pkg
for f in README.gz copyright changelog.Debian.gz examples/example-pcscf.cfg \
	examples/example-ims-pcscf.cfg examples/example.rules; do
	tp_check "the package has /usr/share/doc/$pkg/$f" test -f "$doc/$f"
done

# the packaged example, with this test's addresses; the module by name only
sed -e "s|^#!substdef \"!PCSCF_IP!.*|#!substdef \"!PCSCF_IP!$TP_PROXY_IP!g\"|" \
	-e "s|^#!substdef \"!PCSCF_PORT!.*|#!substdef \"!PCSCF_PORT!$TP_PROXY_PORT!g\"|" \
	-e "s|^#!substdef \"!SCSCF_IP!.*|#!substdef \"!SCSCF_IP!$TP_NET_IP!g\"|" \
	-e "s|^#!substdef \"!PERSONA_RULES!.*|#!substdef \"!PERSONA_RULES!/usr/share/doc/$pkg/examples/example.rules!g\"|" \
	-e "s|^#!substdef \"!RUN_DIR!.*|#!substdef \"!RUN_DIR!$IW!g\"|" \
	-e "s|^log_stderror=no|log_stderror=yes|" \
	"$doc/examples/example-pcscf.cfg" >"$TP_WORK/kamailio.cfg"
tp_eq "the cfg loads the module by name, with no mpath" \
	'loadmodule "tcp_persona.so"|' \
	"$(grep -E '^(loadmodule "tcp_persona|mpath)' "$TP_WORK/kamailio.cfg" | tr '\n' '|')"

# run_kamailio: the packaged kamailio, no -L: the binary's own module path
run_kamailio() {
	"${root_cmd[@]}" /usr/sbin/kamailio -f "$IW/kamailio.cfg" -DD -E -m 64 -M 8 -Y "$IW" \
		-P "$IW/kamailio.pid" >"$TP_WORK/kamailio.log" 2>&1 &
	TP_KAM_PID=$!
	tp_pids+=("$TP_KAM_PID")
	for _ in $(seq 1 100); do
		tp_kamcmd core.version >/dev/null 2>&1 && return 0
		kill -0 "$TP_KAM_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
if run_kamailio; then
	tp_pass "the packaged kamailio starts with the packaged module"
	tp_check "it mapped tcp_persona.so from $mpath" \
		grep -q "$mpath/tcp_persona.so$" "/proc/$TP_KAM_PID/maps"
	tp_capture_start
	for ip in $UE_A $UE_B $UE_C; do
		tp_ue_start "$ip" "${UA[$ip]}" && tp_net_call net_call "$(tp_ue_user "$ip")"
	done
	tp_capture_stop
	tp_demo_bindings $UE_A $UE_B $UE_C
	tp_eq "the example rules bound the three handsets" "dialog transaction reuse" \
		"${MODE[$UE_A]} ${MODE[$UE_B]} ${MODE[$UE_C]}"
	for ip in $UE_A $UE_B $UE_C; do
		v=$(verdict "$ip" "${MODE[$ip]}")
		tp_check "UE $ip (${MODE[$ip]:-unbound}): the wire matches its persona${v:+: $v}" \
			test -n "$v"
	done
	tp_stop_all
else
	tp_fail "the packaged kamailio starts with the packaged module: $(tail -3 "$TP_WORK/kamailio.log")"
fi

# purged: nothing left, and the same cfg no longer finds the module
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $pkg \
	>"$TP_WORK/apt-purge.log" 2>&1
tp_check "apt purges it" test "$(in_root dpkg-query -W -f='${Status}' $pkg 2>/dev/null)" != \
	"install ok installed"
tp_check "purged, the module file is gone" test ! -e "$so"
tp_check "purged, its documentation is gone" test ! -e "$doc"
if run_kamailio; then
	tp_fail "without the package the cfg does not start"
else
	tp_check "without the package the cfg does not start, naming the module" \
		grep -q "could not find module <tcp_persona>" "$TP_WORK/kamailio.log"
fi
[[ -z $saved ]] || mv "$saved" "$so"
tp_done
