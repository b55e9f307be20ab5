#!/usr/bin/env bash
# Persona "transaction" on the wire (the seed's manufacturer B): every MT
# client transaction on a new proxy-opened connection, closed by the proxy
# right after the transaction's last message; CANCEL and ACK ride with
# their INVITE.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
U2=$(tp_ue_user "$UE2")
U3=$(tp_ue_user "$UE3")
P=$TP_PROXY_IP
UA="Persona-Transaction/2.1"

if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

tp_check "UE $UE1 (transaction persona) registers" tp_ue_start "$UE1" "$UA"
tp_check "one MT call completes" tp_net_call net_call "$U1"
tp_check "two overlapping MT calls complete" \
	tp_net_call net_call "$U1" -m 2 -l 2 -r 4 -key hold 1500
tp_check "UE $UE2 (transaction persona) registers" tp_ue_start "$UE2" "$UA"
tp_check "an MT call with a re-INVITE completes" tp_net_call net_reinvite "$U2"
tp_check "an MT MESSAGE is answered" tp_net_call net_message "$U2"
TP_UE_MODE=486 tp_check "UE $UE3 (transaction persona, answers 486) registers" \
	tp_ue_start "$UE3" "$UA"
tp_check "an MT INVITE answered 486" tp_net_call net_call_486 "$U3"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
inv="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK"
bye="msgs=BYE,200/BYE"
new="open=proxy proxy=$P:* ue"
# connection lines without their number, ephemeral ports masked
lines() { tp_ladder --only-ue "$1" | tp_ladder_mask | cut -d' ' -f3-; }

l=$(lines "$UE1")
tp_eq "UE1: the registration connection carries no MT traffic" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE1:* msgs=REGISTER,200/REGISTER calls=c1 close=none-none" \
	"$(sed -n 1p <<<"$l")"
tp_eq "the seed's ladder: INVITE, 200, ACK, FIN on one connection" \
	"$new=$UE1:$TP_UE_PORT $inv calls=c2 close=FIN-proxy" "$(sed -n 2p <<<"$l")"
tp_eq "the seed's ladder: BYE, 200, FIN on a second connection" \
	"$new=$UE1:$TP_UE_PORT $bye calls=c2 close=FIN-proxy" "$(sed -n 3p <<<"$l")"
ov=$(sed -n '4,$p' <<<"$l")
tp_eq "overlap: four new connections, one transaction each, all closed by the proxy" \
	"4 2 2 4" \
	"$(grep -F "$new=$UE1:$TP_UE_PORT " <<<"$ov" | grep -c 'close=FIN-proxy$') $(grep -c " $inv calls=c[0-9]* " <<<"$ov") $(grep -c " $bye calls=c[0-9]* " <<<"$ov") $(grep -c 'calls=c[0-9]* ' <<<"$ov")"
tp_eq "overlap: each call's INVITE and BYE on different connections" \
	"c3 c3 c4 c4" "$(grep -o 'calls=c[0-9]*' <<<"$ov" | cut -d= -f2 | sort | paste -sd' ')"

l=$(lines "$UE2" | grep "^open=proxy")
tp_eq "re-INVITE: INVITE, re-INVITE, BYE and MESSAGE each on a new connection" \
	"$inv
$inv
$bye
msgs=MESSAGE,200/MESSAGE" "$(grep -o 'msgs=[^ ]*' <<<"$l")"
tp_eq "every one of them closed by the proxy" 4 "$(grep -c 'close=FIN-proxy$' <<<"$l")"

l=$(lines "$UE3" | grep "^open=proxy")
tp_eq "486: the ACK is the last message, then the proxy's FIN" \
	"$new=$UE3:$TP_UE_PORT msgs=INVITE,100/INVITE,486/INVITE,ACK calls=c9 close=FIN-proxy" "$l"

tp_done
