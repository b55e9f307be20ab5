#!/usr/bin/env bash
# A dialog-persona UE drops the proxy's connection in the middle of a call
# (its process dies): the module notices (owned_lost), uses nothing stale,
# and the BYE gets a connection of its own, closed after its 200.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
P=$TP_PROXY_IP
UA="Persona-Dialog/1.0"

if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

tp_check "UE $UE1 (dialog persona) registers" tp_ue_start "$UE1" "$UA"
# the call is held 5 s; the UE dies and comes back in the middle of it
(TP_HOLD=5000 tp_net_call net_call "$U1") &
call=$!
sleep 2
# SIGKILL, so that it cannot finish its calls: its sockets close at once
pkill -KILL -P "${tp_ue_pids[$UE1]}"
tp_ue_stop "$UE1"
sleep 0.5
tp_check "UE $UE1 comes back and registers again" tp_ue_start "$UE1" "$UA"
wait "$call"
tp_eq "the call ends with a BYE the UE answers" 0 $?
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
l=$(tp_ladder --only-ue "$UE1" | tp_ladder_mask | cut -d' ' -f3- | grep '^open=proxy')
tp_eq "the dialog's connection, dropped by the UE" \
	"open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK calls=c2 close=FIN-ue" \
	"$(sed -n 1p <<<"$l")"
tp_eq "the BYE on a new connection, closed by the proxy after its 200" \
	"open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT msgs=BYE,200/BYE calls=c2 close=FIN-proxy" \
	"$(sed -n 2p <<<"$l")"
tp_eq "the module counted the lost connection" "tcp_persona:owned_lost = 1" \
	"$(tp_kamcmd stats.get_statistics tcp_persona: | grep owned_lost)"

tp_done
