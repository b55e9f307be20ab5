#!/usr/bin/env bash
# tcp_persona demo: Kamailio with doc/example-pcscf.cfg and three handsets,
# one per persona, registered over TCP (SIPp). The network side places one
# MT call to each; the capture is rebuilt into the seed's ladders with the
# real ports, and each handset gets a line saying whether the wire matched
# its persona. Everything runs on loopback and is stopped at the end.
set -uo pipefail
export TP_PROXY_IP=${TP_PROXY_IP:-127.0.0.71} TP_PROXY_PORT=${TP_PROXY_PORT:-25060}
export TP_UE_IPS=${TP_UE_IPS:-"127.0.0.72 127.0.0.73 127.0.0.74"}
export TP_NET_IP=${TP_NET_IP:-127.0.0.75}
TP_TEST_NAME=demo
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../test/integration/lib.sh"
source "$here/../test/integration/lib_wire.sh"
source "$here/lib_demo.sh"
tp_workdir
echo "== $("$KAMAILIO" -v | head -1) ($KAMAILIO)"
read -r UE_A UE_B UE_C _ <<<"$TP_UE_IPS"
declare -A UA=(
	[$UE_A]="SM-S916U1-S916U1UES7EZB6 Samsung IMS 6.0"
	[$UE_B]="Xiaomi__Android_12_MIUI220114"
	[$UE_C]="iOS/16.7 iPhone"
)

# the documented example, with the demo's addresses and the built module
sed -e "s|^#!substdef \"!PCSCF_IP!.*|#!substdef \"!PCSCF_IP!$TP_PROXY_IP!g\"|" \
	-e "s|^#!substdef \"!PCSCF_PORT!.*|#!substdef \"!PCSCF_PORT!$TP_PROXY_PORT!g\"|" \
	-e "s|^#!substdef \"!SCSCF_IP!.*|#!substdef \"!SCSCF_IP!$TP_NET_IP!g\"|" \
	-e "s|^#!substdef \"!PERSONA_RULES!.*|#!substdef \"!PERSONA_RULES!$TP_ROOT/doc/example.rules!g\"|" \
	-e "s|^#!substdef \"!RUN_DIR!.*|#!substdef \"!RUN_DIR!$TP_WORK!g\"|" \
	-e "s|^loadmodule \"tcp_persona.so\"|loadmodule \"$TP_MODULE\"|" \
	-e "s|^log_stderror=no|log_stderror=yes|" \
	"$TP_ROOT/doc/example-pcscf.cfg" >"$TP_WORK/kamailio.cfg"

echo "== kamailio with tcp_persona on $TP_PROXY_IP:$TP_PROXY_PORT (doc/example-pcscf.cfg)"
tp_kamailio_start "$TP_WORK/kamailio.cfg" || exit 1
grep 'tcp_persona' "$TP_WORK/kamailio.log" | grep -o 'mod_init(): .*'
tp_capture_start || exit 1

echo
echo "== three handsets register over TCP; the network side calls each once"
for ip in $UE_A $UE_B $UE_C; do
	tp_ue_start "$ip" "${UA[$ip]}" || exit 1
	tp_net_call net_call "$(tp_ue_user "$ip")" ||
		echo "   (the call to $ip failed: see $TP_WORK)"
done
tp_capture_stop
declare -A RULE MODE
tp_demo_bindings $UE_A $UE_B $UE_C
echo
echo "== kamcmd tcp_persona.bindings"
tp_kamcmd tcp_persona.bindings
echo "== kamcmd stats.get_statistics tcp_persona:"
tp_kamcmd stats.get_statistics tcp_persona:
tp_stop_all

tp_demo_report "$UE_A" "$UE_B" "$UE_C"
