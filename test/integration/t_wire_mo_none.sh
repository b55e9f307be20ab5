#!/usr/bin/env bash
# MO calls from UEs of each persona (replies on the UE's own connection,
# the proxy never closes a connection the UE opened), and the cases that
# must stay stock Kamailio: persona none, a UE without a binding, a UE
# after its de-REGISTER.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
U2=$(tp_ue_user "$UE2")
P=$TP_PROXY_IP

if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

# a UE that is up but has no binding: its only REGISTER had Expires 0
tp_check "a UE registers with Expires 0 (so it stays unbound)" \
	tp_ue_start "$UE3" "Persona-Dialog/1.0" 0
tp_check "an MT call to a UE without a binding completes" \
	tp_net_call net_call "direct-$UE3"
tp_ue_stop "$UE3"

# MO: one call from each persona, in turn
uas=(Persona-Dialog/1.0 Persona-Transaction/1.0 Persona-Reuse/1.0)
ips=($TP_UE_IPS)
for n in 0 1 2; do
	ip=${ips[$n]} ua=${uas[$n]}
	tp_check "UE $ip ($ua) registers" tp_ue_start "$ip" "$ua"
	tp_net_answer_start 1
	tp_check "UE $ip ($ua) places an MO call" tp_ue_call "$ip" ue_call
	tp_check "the network side answered it" tp_net_answer_wait
done

tp_check "UE $UE1 de-registers" tp_ue_unregister "$UE1" "Persona-Dialog/1.0"
tp_check "after the de-REGISTER, an MT call to its contact completes" \
	tp_net_call net_call "direct-$UE1"
tp_ue_stop "$UE2"
TP_UE_MODE=ok tp_check "UE $UE2 comes back with persona none" \
	tp_ue_start "$UE2" "Persona-None/1.0"
tp_check "an MT call to the persona-none UE completes" tp_net_call net_call "$U2"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
lines() { tp_ladder --only-ue "$1" | tp_ladder_mask | cut -d' ' -f3-; }
mo="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"
mt="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"
for ip in $TP_UE_IPS; do
	l=$(lines "$ip" | grep " ue=$ip:$TP_UE_MO_PORT ")
	tp_eq "MO from $ip: the whole call on the UE's connection, not closed by the proxy" \
		"open=ue proxy=$P:$TP_PROXY_PORT ue=$ip:$TP_UE_MO_PORT $mo" \
		"$(sed -n 1p <<<"$l" | sed 's/ calls=.*//')"
	tp_eq "MO from $ip: no FIN from the proxy" 0 "$(grep -c 'close=FIN-proxy' <<<"$l")"
done
tp_eq "MO: no connection opened by the proxy toward $UE1 before the de-REGISTER" \
	1 "$(lines "$UE1" | grep -c '^open=proxy')"
tp_eq "after the de-REGISTER: stock (a new connection, ACK and BYE on it, not closed)" \
	"open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT $mt" \
	"$(lines "$UE1" | grep '^open=proxy' | sed 's/ calls=.*//')"
tp_eq "... and left open as stock Kamailio leaves it" "close=none-none" \
	"$(lines "$UE1" | grep '^open=proxy' | grep -o 'close=.*')"
tp_eq "persona none: stock" "open=proxy proxy=$P:* ue=$UE2:$TP_UE_PORT $mt close=none-none" \
	"$(lines "$UE2" | grep '^open=proxy' | sed 's/ calls=c[0-9]* / /')"
tp_eq "no binding: stock" "open=proxy proxy=$P:* ue=$UE3:$TP_UE_PORT $mt" \
	"$(lines "$UE3" | grep '^open=proxy' | sed 's/ calls=.*//')"

tp_done
