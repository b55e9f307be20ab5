#!/usr/bin/env bash
# A dialog-persona UE to which a connection is already open (opened by
# stock routing before the UE had a binding): its MT dialog still gets a
# NEW connection, and the old one carries nothing of it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
P=$TP_PROXY_IP

if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

# the UE answers on IP:5060 but is not registered yet (Expires 0)
tp_check "the UE answers but registers with Expires 0" \
	tp_ue_start "$UE1" "Persona-Dialog/1.0" 0
tp_check "an MT call before any binding completes (stock)" \
	tp_net_call net_call "direct-$UE1"
tp_check "the UE registers (dialog persona) from another socket" \
	tp_ue_reregister "$UE1" "Persona-Dialog/1.0"
tp_check "an MT call after the binding completes" tp_net_call net_call "$U1"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
l=$(tp_ladder --only-ue "$UE1" | tp_ladder_mask | cut -d' ' -f3- | grep '^open=proxy')
call="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"
tp_eq "the stock connection carries only the call from before the binding" \
	"open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT $call calls=c2 close=none-none" \
	"$(sed -n 1p <<<"$l")"
tp_eq "the dialog gets a new connection, closed by the proxy after 200/BYE" \
	"open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT $call calls=c4 close=FIN-proxy" \
	"$(sed -n 2p <<<"$l")"

tp_done
