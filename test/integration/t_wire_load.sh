#!/usr/bin/env bash
# Persona "transaction" under load: 1,500 MT calls at 150/s to three UEs,
# each BYE 500 ms after the ACK (the hold this test has always run with:
# its "-key hold 0" was ignored until the helpers let a test's hold win;
# a BYE right after the ACK makes SIPp UEs drop calls at this rate, to be
# looked into). Every proxy connection must carry exactly
# one transaction (INVITE..ACK or BYE..200) and be closed by the proxy.
# Guards against connections that share an id: the core numbers them with
# an unlocked counter, so two workers opening at once could get one id and
# a send by id (the ACK pinned to its INVITE's connection) could take the
# other UE's connection.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
CALLS=${TP_LOAD_CALLS:-1500}
if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi
for ip in $UE1 $UE2 $UE3; do
	tp_check "UE $ip (transaction persona) registers" \
		tp_ue_start "$ip" "Persona-Transaction/1.0" 3600
done
sed 's/\[service\]/[field0]/g' "$TP_SIPP_DIR/net_call.xml" >"$TP_WORK/call.xml"
{
	echo SEQUENTIAL
	for ip in $UE1 $UE2 $UE3; do echo "$(tp_ue_user "$ip");"; done
} >"$TP_WORK/aors.csv"
tp_check "$CALLS calls at 150/s, BYE 500 ms after the ACK, none failed" \
	tp_net_call "$TP_WORK/call.xml" ignored -inf "$TP_WORK/aors.csv" \
	-m "$CALLS" -r 150 -l 100 -key hold 500
tp_check "the capture is written" tp_capture_stop

l=$(tp_ladder | tp_ladder_mask | grep ' open=proxy ')
tx_inv="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK calls=c[0-9]+ close=FIN-proxy"
tx_bye="msgs=BYE,200/BYE calls=c[0-9]+ close=FIN-proxy"
tp_eq "two proxy connections per call" "$((2 * CALLS))" "$(grep -c . <<<"$l")"
tp_eq "each one transaction of one call, closed by the proxy" "" \
	"$(grep -vE " ($tx_inv|$tx_bye)\$" <<<"$l" | head -3)"
unclaimed() { grep -c "the send opened no connection of its own" "$TP_WORK/kamailio.log"; }
tp_eq "no connection went unclaimed (module warnings)" 0 "$(unclaimed)"
tp_done
