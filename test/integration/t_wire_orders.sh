#!/usr/bin/env bash
# Every supported script order (issue 11): persona_enforce() after
# t_newtran() (the dialog, transaction and MO ladders hold unchanged: the
# whole tests run again with -A WITH_NEWTRAN_FIRST), and from a
# failure_route for a new branch (an MT INVITE refused 486 by a dialog UE
# goes on to another dialog UE: each branch on a connection of its own).
# force_send_socket() before persona_enforce() is the "direct-" route of
# pcscf.cfg (t_register_relayed).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

for t in t_wire_dialog t_wire_transaction t_wire_mo_none; do
	out=$(TP_WIRE_ARGS="-A WITH_NEWTRAN_FIRST" TP_TEST_NAME="$TP_TEST_NAME-$t" \
		bash "$TP_IT_DIR/$t.sh" 2>&1)
	tp_check "t_newtran() first: $t passes ($(tail -1 <<<"$out" | sed 's/.*: //'))" \
		grep -q ': [0-9]* passed, 0 failed$' <<<"$(tail -1 <<<"$out")"
	grep '^FAIL' <<<"$out" | sed 's/^/#   /'
done

read -r UE1 UE2 _ <<<"$TP_UE_IPS"
P=$TP_PROXY_IP
if ! TP_FAILOVER_IP=$UE2 tp_wire_start -A WITH_FAILOVER; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi
TP_UE_MODE=486 tp_check "UE $UE1 (dialog, answers 486) registers" \
	tp_ue_start "$UE1" "Persona-Dialog/1.0"
tp_check "UE $UE2 (dialog) registers" tp_ue_start "$UE2" "Persona-Dialog/1.0"
tp_check "an MT call to $UE1 is refused, failure_route sends it to $UE2, who answers" \
	tp_net_call net_call "$(tp_ue_user "$UE1")"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
lines() { tp_ladder --only-ue "$1" | tp_ladder_mask | grep ' open=proxy ' | cut -d' ' -f3-; }
tp_eq "the refused branch: its own connection, FIN after the ACK of its 486" \
	"open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT msgs=INVITE,100/INVITE,486/INVITE,ACK calls=c3 close=FIN-proxy" \
	"$(lines "$UE1")"
tp_eq "the failure_route branch: a connection of its own for the whole dialog" \
	"open=proxy proxy=$P:* ue=$UE2:$TP_UE_PORT msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE calls=c3 close=FIN-proxy" \
	"$(lines "$UE2")"

tp_done
