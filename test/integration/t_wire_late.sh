#!/usr/bin/env bash
# Requests that come after their dialog ended, as when they cross the BYE
# (over UDP from the far end, two workers may take the ACK and the BYE in
# either order): the ACK again and an UPDATE, once the BYE is answered.
# Dialog: the late ACK opens no connection; the late UPDATE gets one of its
# own, closed by the proxy after its answer (not a dialog connection that
# nobody closes). Transaction: the same. Nothing is left afterwards.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 _ <<<"$TP_UE_IPS"
P=$TP_PROXY_IP
NET_LATE_PORT=5065

if ! tp_wire_start -A WORKERS=4; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

late_net() {
	timeout -k 2 40 python3 "$TP_RACE_PEERS" late --proxy "$P" \
		--proxy-port "$TP_PROXY_PORT" --ip "$TP_NET_IP" --port "$NET_LATE_PORT" \
		--aor "$(tp_ue_user "$1")" >>"$TP_WORK/late-net.log" 2>&1
}

tp_check "UE $UE1 (dialog) registers" tp_race_ue "$UE1" "Persona-Dialog/1.0"
tp_check "UE $UE2 (transaction) registers" tp_race_ue "$UE2" "Persona-Transaction/1.0"
tp_check "dialog UE: a call, then an ACK and an UPDATE after its BYE, answered" \
	late_net "$UE1"
tp_check "transaction UE: the same, answered" late_net "$UE2"
sed 's/^/# /' "$TP_WORK/late-net.log"
sleep 6 # tm's wait timer: every transaction is gone
tp_check "the capture is written" tp_capture_stop

lines() { tp_ladder --only-ue "$1" | tp_ladder_mask | grep ' open=proxy ' | cut -d' ' -f3-; }
acks() { grep -o 'msgs=[^ ]*' <<<"$1" | tr ',' '\n' | grep -cx 'ACK\|msgs=ACK'; }
head="open=proxy proxy=$P:\* ue=%s:$TP_UE_PORT msgs="

l=$(lines "$UE1")
echo "$l" | sed 's/^/# dialog: /'
tp_eq "dialog: two proxy connections (the call, the late UPDATE)" 2 "$(grep -c . <<<"$l")"
tp_check "dialog: the call on one, closed by the proxy after the BYE's 200" \
	grep -qE "^$(printf "$head" "$UE1")INVITE,[^ ]*ACK,BYE,200/BYE calls=c[0-9]+ close=FIN-proxy$" <<<"$l"
tp_check "dialog: the late UPDATE alone on the other, closed by the proxy" \
	grep -qE "^$(printf "$head" "$UE1")UPDATE,200/UPDATE calls=c[0-9]+ close=FIN-proxy$" <<<"$l"
tp_eq "dialog: the late ACK went nowhere (one ACK on the wire)" 1 "$(acks "$l")"

l=$(lines "$UE2")
echo "$l" | sed 's/^/# transaction: /'
tp_eq "transaction: three proxy connections (INVITE, BYE, late UPDATE)" 3 "$(grep -c . <<<"$l")"
tp_eq "transaction: every one closed by the proxy" "" \
	"$(grep -v 'close=FIN-proxy$' <<<"$l" | head -3)"
tp_check "transaction: the late UPDATE alone on one" \
	grep -qE "^$(printf "$head" "$UE2")UPDATE,200/UPDATE calls=" <<<"$l"
tp_eq "transaction: the late ACK went nowhere (one ACK on the wire)" 1 "$(acks "$l")"

for ue in "$UE1" "$UE2"; do
	tp_eq "the module holds no connection to $ue afterwards" 0 \
		"$(tp_kamcmd tcp_persona.binding "$ue:$TP_UE_PORT" | grep -c 'owner: ')"
done
tp_eq "no proxy connection to a UE is left open" 0 \
	"$(ss -Htn state established "( src $P )" | awk -v p=":$TP_PROXY_PORT" '$3 !~ p"$"' | grep -c .)"
tp_done
