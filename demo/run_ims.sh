#!/usr/bin/env bash
# tcp_persona IMS demo: Kamailio with doc/example-ims-pcscf.cfg (an IMS
# P-CSCF on ims_usrloc_pcscf, ims_registrar_pcscf and ims_dialog) between
# three handsets, one per persona, and SIPp standing in for the IMS core.
# Each handset REGISTERs over TCP; the P-CSCF relays it with a Path, the
# core challenges it (401) and accepts it (200 with Service-Route and
# P-Associated-URI). The core then places one MT call to each handset as an
# S-CSCF does (its Contact as Request-URI, the P-CSCF's Path as Route). The
# capture is rebuilt into each handset's TCP ladder, with a line saying
# whether the wire matched its persona. Everything runs on loopback and is
# stopped at the end.
set -uo pipefail
export TP_PROXY_IP=${TP_PROXY_IP:-127.0.0.76} TP_PROXY_PORT=${TP_PROXY_PORT:-26060}
export TP_UE_IPS=${TP_UE_IPS:-"127.0.0.77 127.0.0.78 127.0.0.79"}
export TP_NET_IP=${TP_NET_IP:-127.0.0.70}
TP_TEST_NAME=demo-ims
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../test/integration/lib.sh"
source "$here/../test/integration/lib_wire.sh"
source "$here/../test/integration/lib_ims.sh"
source "$here/lib_demo.sh"
tp_workdir
echo "== $("$KAMAILIO" -v | head -1) ($KAMAILIO)"
read -r UE_A UE_B UE_C _ <<<"$TP_UE_IPS"
declare -A UA=(
	[$UE_A]="SM-S916U1-S916U1UES7EZB6 Samsung IMS 6.0"
	[$UE_B]="Xiaomi__Android_12_MIUI220114"
	[$UE_C]="iOS/16.7 iPhone"
)
export TP_WIRE_RULES=$TP_ROOT/doc/example.rules

echo "== kamailio (IMS P-CSCF) with tcp_persona on $TP_PROXY_IP:$TP_PROXY_PORT (doc/example-ims-pcscf.cfg)"
tp_ims_start || exit 1
grep 'tcp_persona' "$TP_WORK/kamailio.log" | grep -o 'mod_init(): .*'
TP_CORE_LIFE=60 tp_ims_core_start 100 600 ||
	{ echo "the IMS core (SIPp) did not start: see $TP_WORK"; exit 1; }

echo
echo "== three handsets register through the core (401, then 200); the core calls each once"
for ip in $UE_A $UE_B $UE_C; do
	tp_ue_start "$ip" "${UA[$ip]}" || exit 1
	tp_ims_call "$ip" || echo "   (the call to $ip failed: see $TP_WORK)"
done
tp_capture_stop
declare -A RULE MODE
tp_demo_bindings $UE_A $UE_B $UE_C
echo
echo "== kamcmd tcp_persona.bindings"
tp_kamcmd tcp_persona.bindings
echo "== kamcmd ulpcscf.status (ims_usrloc_pcscf)"
tp_kamcmd ulpcscf.status
tp_stop_all

tp_demo_report "$UE_A" "$UE_B" "$UE_C"
