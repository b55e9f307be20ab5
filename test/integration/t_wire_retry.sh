#!/usr/bin/env bash
# Retried dialogs (issue 11, item 3): a UE of persona dialog refuses the
# first MT INVITE (422, then in a second call 407); the network retries
# with the same Call-ID and CSeq 2, and the retry is answered. The first
# attempt's connection ends after the ACK of its refusal; the answered
# attempt keeps its own connection until its own end (the BYE's 200), even
# though the first attempt's transaction and dialog end in the middle of
# the call (the call is held past tm's wait timer).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 _ <<<"$TP_UE_IPS"
P=$TP_PROXY_IP
HOLD=${TP_RETRY_HOLD:-7000} # ms: tm's wait timer (5 s) ends the refused attempt mid-call
call="INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"

if ! tp_wire_start ${TP_RETRY_ARGS:-}; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

TP_UE_MODE=retry TP_UE_REJECT=422 tp_check "UE $UE1 (dialog, refuses a first INVITE with 422) registers" \
	tp_ue_start "$UE1" "Persona-Dialog/1.0"
TP_UE_MODE=retry TP_UE_REJECT=407 tp_check "UE $UE2 (dialog, refuses a first INVITE with 407) registers" \
	tp_ue_start "$UE2" "Persona-Dialog/1.0"
TP_NET_UAC_PORT=5062 tp_net_call net_call_retry "$(tp_ue_user "$UE1")" -key hold "$HOLD" &
first=$!
tp_pids+=("$first")
sleep 1
tp_check "the call to $UE2 (407, retried) completes" \
	tp_net_call net_call_retry "$(tp_ue_user "$UE2")" -key hold "$HOLD"
tp_check "the call to $UE1 (422, retried) completes" wait "$first"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
for x in "$UE1 422" "$UE2 407"; do
	read -r ue code <<<"$x"
	l=$(tp_ladder --only-ue "$ue" | tp_ladder_mask | grep ' open=proxy ' | cut -d' ' -f3-)
	tp_eq "$code: the refused attempt's connection ends after the ACK of its $code" \
		"open=proxy proxy=$P:* ue=$ue:$TP_UE_PORT msgs=INVITE,100/INVITE,$code/INVITE,ACK calls=c$((${ue##*.} == ${UE1##*.} ? 3 : 4)) close=FIN-proxy" \
		"$(sed -n 1p <<<"$l")"
	tp_eq "$code: the retry keeps its own connection until the 200 of its BYE" \
		"open=proxy proxy=$P:* ue=$ue:$TP_UE_PORT msgs=$call calls=c$((${ue##*.} == ${UE1##*.} ? 3 : 4)) close=FIN-proxy" \
		"$(sed -n 2p <<<"$l")"
	tp_eq "$code: no other proxy connection to the UE" 2 "$(grep -c . <<<"$l")"
done

tp_done
