#!/usr/bin/env bash
# tcp_persona demo: a Kamailio with the module classifies handsets that
# register over TCP (SIPp) by their User-Agent, then kamcmd shows the rules
# and a dry run. Everything runs on loopback and is stopped at the end.
set -uo pipefail
export TP_PROXY_IP=${TP_PROXY_IP:-127.0.0.71} TP_UE_IP=${TP_UE_IP:-127.0.0.72}
export TP_PROXY_PORT=${TP_PROXY_PORT:-25060} TP_UE_PORT=${TP_UE_PORT:-25062}
TP_TEST_NAME=demo
source "$(dirname "$0")/../test/integration/lib.sh"
tp_workdir
demo=$TP_ROOT/demo

tp_cfg "$demo/demo.cfg" "$TP_WORK/kamailio.cfg" RULES_FILE="$demo/personas.rules"
echo "== starting kamailio on tcp:$TP_PROXY_IP:$TP_PROXY_PORT with tcp_persona"
tp_kamailio_start "$TP_WORK/kamailio.cfg" || exit 1
grep 'tcp_persona' "$TP_WORK/kamailio.log" | grep -o 'mod_init(): .*'

handsets=(
	"SM-S916U1-S916U1UES7EZB6 Samsung IMS 6.0"
	"iOS/16.7 iPhone"
	"Google_Pixel8_Android 16_BP4A.260205.001"
	"POCO_POCO F7 Pro_OS3.0.4.0.WOPOEUXM"
	"Fairphone_Fairphone 6_FP6.QREL.15.151.0"
	"SM-G975W-G975WVLS5GUD1 Samsung IMS 6.0"
)
echo
echo "== handsets register over TCP; the proxy answers with their persona"
printf '%-44s %s\n' "User-Agent" "X-Persona"
n=0
for ua in "${handsets[@]}"; do
	log=$TP_WORK/sipp-$((++n)).log
	timeout 20 sipp "$TP_PROXY_IP:$TP_PROXY_PORT" \
		-sf "$TP_IT_DIR/sipp/register.xml" -t t1 -i "$TP_UE_IP" \
		-p "$TP_UE_PORT" -m 1 -timeout 10 -nostdin -key ua "$ua" \
		-trace_logs -log_file "$log" >/dev/null 2>&1
	printf '%-44s %s\n' "$ua" "$(sed -n 's/^X-Persona: *//p' "$log" | head -1)"
done

echo
echo "== kamcmd tcp_persona.rules"
tp_kamcmd tcp_persona.rules
echo
echo "== kamcmd tcp_persona.match 'Redmi_Note_13_Android_14' (dry run)"
tp_kamcmd tcp_persona.match "Redmi_Note_13_Android_14"

tp_stop_all
echo
echo "Classification works. Enforcing the modes on TCP connections"
echo "(persona_bind/persona_enforce: per-dialog, per-transaction and"
echo "single-connection ladders on the wire) comes with the persona"
echo "enforcement work; this demo does not show it yet."
