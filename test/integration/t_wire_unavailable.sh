#!/usr/bin/env bash
# unavailable_reply_code: persona_enforce() answers a request it refuses
# (a reuse UE whose registration connection is gone) itself and ends the
# route; the script does not test $rc. In request_route (an MT INVITE)
# and in failure_route (a new branch after a 486): the caller gets the
# module's answer, and the proxy opens no connection toward the UE, which
# the script's t_relay() after the call would have done.
# TP_UNAVAIL_NEWTRAN=1 (t_wire_unavailable_newtran.sh): the script calls
# t_newtran() first, so the request_route answer goes through tm too.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
P=$TP_PROXY_IP
UA="Persona-Reuse/3.0"

args=(-A WITH_FAILOVER -A WITH_UNAVAILABLE_REPLY)
[[ -n ${TP_UNAVAIL_NEWTRAN:-} ]] && args+=(-A WITH_NEWTRAN_FIRST)
if ! TP_FAILOVER_IP=$UE2 tp_wire_start "${args[@]}"; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

tp_check "UE $UE1 (reuse) registers" tp_ue_start "$UE1" "$UA"
tp_check "UE $UE2 (reuse, the failover target) registers" tp_ue_start "$UE2" "$UA"
TP_UE_MODE=486 tp_check "UE $UE3 (persona none, answers 486) registers" \
	tp_ue_start "$UE3" "Persona-None/1.0"
tp_ue_stop "$UE1"
tp_ue_stop "$UE2"
sleep 0.5
tp_check "request_route: the module answers 480 Reuse Connection Gone" \
	tp_net_call net_call_gone "$(tp_ue_user "$UE1")"
tp_check "failure_route: the new branch's refusal is answered 480 Reuse Connection Gone" \
	tp_net_call net_call_gone "$(tp_ue_user "$UE3")"
sleep 0.5
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
lines() { tp_ladder --only-ue "$1" | tp_ladder_mask | cut -d' ' -f3-; }
for ue in "$UE1" "$UE2"; do
	tp_eq "UE $ue: its registration connection and nothing else, no proxy SYN" \
		"open=ue proxy=$P:$TP_PROXY_PORT ue=$ue:* msgs=REGISTER,200/REGISTER calls=c$([[ $ue == "$UE1" ]] && echo 1 || echo 2) close=FIN-ue" \
		"$(lines "$ue")"
done
tp_eq "UE $UE3: the first branch, refused 486" 1 \
	"$(lines "$UE3" | grep -c 'msgs=.*INVITE,.*486/INVITE,ACK')"

tp_eq "both refusals counted" "tcp_persona:reuse_refused = 2" \
	"$(tp_kamcmd stats.get_statistics tcp_persona: | grep reuse_refused)"
for ue in "$UE1" "$UE2"; do
	tp_eq "event_route[tcp_persona:reuse-unavailable] ran once for $ue" 1 \
		"$(grep -c "EVENT reuse-unavailable ue=$ue:$TP_UE_PORT " "$TP_WORK/kamailio.log")"
done
tp_eq "no -2 reached the script (the module answered)" 0 \
	"$(grep -c 'cannot answer' "$TP_WORK/kamailio.log")"

tp_done
