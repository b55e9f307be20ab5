#!/usr/bin/env bash
# The persona functions driven from a Lua routing script (app_lua, KEMI:
# KSR.tcp_persona.persona_bind/persona_enforce, cfg/pcscf.lua): persona
# "dialog" shows the same wire behaviour as with the native cfg
# (t_wire_dialog.sh), the module's events reach the KEMI event_callback, and
# with unavailable_reply_code a refusal is answered by the module (0 to Lua).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
P=$TP_PROXY_IP

if ! tp_wire_start -A WITH_LUA -A WITH_UNAVAILABLE_REPLY; then
	tp_fail "kamailio with a Lua routing script, tcp_persona and tshark start"
	tp_done
	exit
fi

tp_check "UE $UE1 (dialog persona) registers through KEMI persona_bind()" \
	tp_ue_start "$UE1" "Persona-Dialog/1.0"
tp_check "one MT call completes" tp_net_call net_call "$U1"
tp_check "two overlapping MT calls complete" \
	tp_net_call net_call "$U1" -m 2 -l 2 -r 4 -key hold 1500
tp_check "UE $UE2 with a User-Agent no rule knows registers" \
	tp_ue_start "$UE2" "Lua-Unknown-Phone/9.9"
tp_check "UE $UE3 (reuse persona) registers" tp_ue_start "$UE3" "Persona-Reuse/3.0"
tp_ue_stop "$UE3"
sleep 0.5
tp_check "its registration connection gone, the module answers 480 Reuse Connection Gone" \
	tp_net_call net_call_gone "$(tp_ue_user "$UE3")"
tp_check "the capture is written" tp_capture_stop
tp_check "the Lua script did the routing (its KSR.info lines)" \
	grep -q "sr_kemi_core_info(): REQ INVITE $TP_NET_IP" "$TP_WORK/kamailio.log"

tp_ladder --call-ids | sed 's/^/# /'
tp_check_dialog_ladder "$UE1"
tp_eq "UE $UE3: its registration connection only (Lua stopped at 0, no t_relay())" \
	"open=ue ue=$UE3 msgs=REGISTER,200/REGISTER close=FIN-ue" \
	"$(tp_ladder --only-ue "$UE3" | tp_ladder_mask | awk '{ print $3, $5, $6, $8 }' | sed 's/:[0-9*]* / /')"

tp_eq "the unmatched event reached the Lua event_callback, once" \
	"EVENT tcp_persona:unmatched (lua) ue=$UE2:$TP_UE_PORT aor=sip:$(tp_ue_user "$UE2")@$P ua=Lua-Unknown-Phone/9.9 mode=none" \
	"$(sed -n 's/.*\(EVENT tcp_persona:unmatched (lua).*\)/\1/p' "$TP_WORK/kamailio.log")"
tp_done
