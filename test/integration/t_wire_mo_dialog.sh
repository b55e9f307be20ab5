#!/usr/bin/env bash
# MO on a connection of the UE's own (issue 14: the binding table keyed by
# IP and port): a dialog-persona UE places a call over a new TCP
# connection, from another port than its registration's. The module finds
# the UE by the Contact the INVITE names (registered from the same IP), so
# the dialog stays on that connection: the network side's BYE reaches the
# UE there. Stock Kamailio, and a UE of persona none, get the BYE on a new
# connection the proxy opens to the Contact.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r D N _ <<<"$TP_UE_IPS"
P=$TP_PROXY_IP
mo="INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"

if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

export TP_NET_ANSWER=net_answer_netbye
tp_check "UE $D (dialog) registers" tp_ue_start "$D" "Persona-Dialog/1.0"
tp_net_answer_start 1
tp_check "UE $D places an MO call on a new connection; the network hangs up" \
	tp_ue_call "$D" ue_call_netbye
tp_check "the network side's call completed" tp_net_answer_wait

# persona none: the BYE goes to the Contact, the UE's main sipp, which
# does not expect it: only the network side's view is checked
tp_check "UE $N (persona none) registers" tp_ue_start "$N" "Persona-None/1.0"
tp_net_answer_start 1
tp_ue_call "$N" ue_call_netbye >/dev/null 2>&1
tp_net_answer_wait >/dev/null 2>&1
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
lines() { tp_ladder --only-ue "$1" | tp_ladder_mask | cut -d' ' -f3- | sed 's/ calls=[^ ]*//'; }
l=$(lines "$D")
tp_eq "dialog UE: the whole call, the network's BYE included, on the connection it opened" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$D:$TP_UE_MO_PORT msgs=$mo" \
	"$(grep " ue=$D:$TP_UE_MO_PORT " <<<"$l" | sed 's/ close=.*//')"
tp_eq "dialog UE: no connection opened by the proxy" 0 "$(grep -c '^open=proxy' <<<"$l")"
l=$(lines "$N")
tp_eq "persona none (stock): the BYE on a new connection the proxy opens to the Contact" \
	"open=proxy proxy=$P:* ue=$N:$TP_UE_PORT msgs=BYE" \
	"$(grep '^open=proxy' <<<"$l" | sed 's/ close=.*//; s/,200\/BYE//; s/,[0-9]*\/BYE//')"
tp_eq "persona none: its MO connection carries the call without the BYE" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$N:$TP_UE_MO_PORT msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK" \
	"$(grep " ue=$N:$TP_UE_MO_PORT " <<<"$l" | sed 's/ close=.*//')"

tp_done
