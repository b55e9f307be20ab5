#!/usr/bin/env bash
# Persona "dialog" on the wire (the seed's manufacturer A): every MT dialog
# on its own proxy-opened connection, closed by the proxy right after the
# dialog's last message, nothing of another dialog on it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
U2=$(tp_ue_user "$UE2")
U3=$(tp_ue_user "$UE3")
P=$TP_PROXY_IP

if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

tp_check "UE $UE1 (dialog persona) registers" tp_ue_start "$UE1" "Persona-Dialog/1.0"
tp_check "one MT call completes" tp_net_call net_call "$U1"
tp_check "two overlapping MT calls complete" \
	tp_net_call net_call "$U1" -m 2 -l 2 -r 4 -key hold 1500
TP_UE_MODE=486 tp_check "UE $UE2 (dialog persona, answers 486) registers" \
	tp_ue_start "$UE2" "Persona-Dialog/1.0"
tp_check "an MT INVITE answered 486" tp_net_call net_call_486 "$U2"
tp_ue_stop "$UE2"
TP_UE_MODE=slow tp_check "UE $UE2 re-registers, answering slowly" \
	tp_ue_start "$UE2" "Persona-Dialog/1.0"
tp_check "an MT INVITE cancelled before the answer" tp_net_call net_cancel "$U2"
TP_UE_MODE=bye TP_UE_DELAY=500 tp_check "UE $UE3 (dialog persona, hangs up) registers" \
	tp_ue_start "$UE3" "Persona-Dialog/1.0"
tp_check "an MT call the UE ends with its own BYE" tp_net_call net_call_uebye "$U3"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
tp_check_dialog_ladder "$UE1"
call="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"

# UE2: REGISTER, the 486 call, the UE's second REGISTER, the cancelled call
l=$(tp_ladder --only-ue "$UE2" | tp_ladder_mask | grep ' open=proxy ')
tp_eq "486: the ACK is the last message, then the proxy's FIN" \
	"open=proxy proxy=$P:* ue=$UE2:$TP_UE_PORT msgs=INVITE,100/INVITE,486/INVITE,ACK calls=c6 close=FIN-proxy" \
	"$(sed -n 1p <<<"$l" | cut -d' ' -f3-)"
tp_eq "CANCEL: on the INVITE's connection, FIN after the ACK of the 487" \
	"open=proxy proxy=$P:* ue=$UE2:$TP_UE_PORT msgs=INVITE,100/INVITE,180/INVITE,CANCEL,200/CANCEL,487/INVITE,ACK calls=c8 close=FIN-proxy" \
	"$(sed -n 2p <<<"$l" | cut -d' ' -f3-)"

l=$(tp_ladder --only-ue "$UE3" | tp_ladder_mask | grep ' open=proxy ')
tp_eq "UE-sent BYE: on the dialog's connection, FIN after the 200 it gets" \
	"open=proxy proxy=$P:* ue=$UE3:$TP_UE_PORT $call calls=c10 close=FIN-proxy" \
	"$(cut -d' ' -f3- <<<"$l")"

tp_done
