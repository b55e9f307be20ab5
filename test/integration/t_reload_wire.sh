#!/usr/bin/env bash
# tcp_persona.reload on a loaded proxy: reloads (some of them bad files)
# while SIPp places MT calls to a dialog and a transaction UE lose no call
# and change nothing on the wire; then "reload reclassify" moves a bound UE
# to another persona, and its next call shows it on the wire.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
U2=$(tp_ue_user "$UE2")
P=$TP_PROXY_IP
RULES=$TP_WORK/persona.rules
export TP_WIRE_RULES=$RULES
CALLS=${TP_RELOAD_CALLS:-40}

# good_rules N: the wire rules plus N filler rules: same personas, another set
good_rules() {
	cp "$TP_IT_DIR/cfg/wire.rules" "$RULES"
	for i in $(seq 1 "$1"); do
		echo "name=filler-$i;mode=dialog;ua=^Filler-$i/" >>"$RULES"
	done
}
good_rules 0

if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

tp_check "UE $UE1 (dialog) registers" tp_ue_start "$UE1" "Persona-Dialog/1.0"
tp_check "UE $UE2 (transaction) registers" tp_ue_start "$UE2" "Persona-Transaction/1.0"

# the load: two SIPp callers, $CALLS calls each at 8/s, 300 ms held
TP_NET_UAC_PORT=5061 tp_net_call net_call "$U1" -m "$CALLS" -r 8 -l 8 \
	-key hold 300 >/dev/null 2>&1 &
load1=$!
TP_NET_UAC_PORT=5062 tp_net_call net_call "$U2" -m "$CALLS" -r 8 -l 8 \
	-key hold 300 >/dev/null 2>&1 &
load2=$!
good=0 bad=0 wrong=0
for i in $(seq 1 15); do
	sleep 0.25
	if ((i % 3 == 0)); then
		echo "name=broken-$i;mode=dialog;ua=^(" >>"$RULES"
		tp_kamcmd tcp_persona.reload 2>&1 | grep -q "^error: 500 - $RULES:" &&
			bad=$((bad + 1)) || wrong=$((wrong + 1))
	else
		good_rules "$i"
		tp_kamcmd tcp_persona.reload | grep -q "generation: $((good + 1))$" &&
			good=$((good + 1)) || wrong=$((wrong + 1))
	fi
done
tp_check "every call to the dialog UE passed during the reloads" wait "$load1"
tp_check "every call to the transaction UE passed during the reloads" wait "$load2"
tp_eq "10 good reloads taken, 5 bad files refused, no other answer" \
	"10 5 0" "$good $bad $wrong"
tp_eq "the last good set is active (4 + 14 filler rules)" "rules=18 generation=10" \
	"$(tp_kamcmd tcp_persona.stats | sed -n 's/^\t\(rules\|generation\): /\1=/p' | paste -sd' ')"

# reclassify: the dialog persona becomes reuse
sed -i 's/^name=persona-dialog;mode=dialog;/name=persona-dialog;mode=reuse;/' "$RULES"
sed -i '/broken/d' "$RULES"
tp_eq "reload without reclassify: the bound UE keeps its mode" "mode: dialog" \
	"$(tp_kamcmd tcp_persona.reload >/dev/null; tp_kamcmd tcp_persona.binding "$UE1:$TP_UE_PORT" | grep -o 'mode: .*')"
tp_check "a call to it still gets a connection of its own" tp_net_call net_call "$U1"
tp_eq "reload reclassify: 2 bindings re-matched, 1 changed" \
	"reclassified: 2 changed: 1" \
	"$(tp_kamcmd tcp_persona.reload reclassify | sed -n 's/^\t\(reclassified\|changed\): /\1: /p' | paste -sd' ')"
tp_eq "the UE is bound as reuse now" "mode: reuse" \
	"$(tp_kamcmd tcp_persona.binding "$UE1:$TP_UE_PORT" | grep -o 'mode: .*')"
tp_check "a call after the reclassification" tp_net_call net_call "$U1"
tp_check "the capture is written" tp_capture_stop

l=$(tp_ladder --only-ue "$UE1" | tp_ladder_mask)
tp_ladder --only-ue "$UE1" | tail -3 | sed 's/^/# /'
proxy=$(grep ' open=proxy ' <<<"$l")
tp_eq "dialog UE: one proxy connection per call, each FIN'd by the proxy" \
	"$((CALLS + 1)) $((CALLS + 1)) $((CALLS + 1))" \
	"$(grep -c . <<<"$proxy") $(grep -c 'close=FIN-proxy' <<<"$proxy") $(grep -c ' calls=c[0-9]* ' <<<"$proxy")"
tp_eq "after reclassify the call rides on the registration connection" \
	"conn 1 open=ue proxy=$P:$TP_PROXY_PORT ue=$UE1:* msgs=REGISTER,200/REGISTER,INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE calls=c1+cN close=none-none" \
	"$(sed -n 1p <<<"$l" | sed 's/calls=c1+c[0-9]* /calls=c1+cN /')"
l2=$(tp_ladder --only-ue "$UE2" | tp_ladder_mask | grep ' open=proxy ')
tp_eq "transaction UE: a connection per INVITE and per BYE, all FIN'd by the proxy" \
	"$((2 * CALLS)) $((2 * CALLS))" \
	"$(grep -c . <<<"$l2") $(grep -c 'close=FIN-proxy' <<<"$l2")"
tp_done
