#!/usr/bin/env bash
# Requests that come after their dialog ended, as when they cross the BYE
# (over UDP from the far end, two workers may take the ACK and the BYE in
# either order): once the BYE is answered, the ACK again, then a re-INVITE
# (with its ACK) and an UPDATE.
# Dialog: the late ACK opens no connection; the late re-INVITE and UPDATE
# get one each, closed by the proxy (not a dialog connection that nobody
# closes). Transaction: the same. A BYE answered 401 does not end the
# dialog: the BYE sent again rides its connection. Nothing is left
# afterwards.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
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
tp_check "dialog UE: a call, then an ACK, a re-INVITE and an UPDATE after its BYE, answered" \
	late_net "$UE1"
tp_check "transaction UE: the same, answered" late_net "$UE2"
tp_check "UE $UE3 (dialog, answers a call's first BYE 401) registers" \
	tp_race_ue "$UE3" "Persona-Dialog/1.0" --challenge-bye
tp_check "dialog UE that challenges the BYE: the same, the BYE sent again" \
	late_net "$UE3"
sed 's/^/# /' "$TP_WORK/late-net.log"
sleep 6 # tm's wait timer: every transaction is gone
tp_check "the capture is written" tp_capture_stop

lines() { tp_ladder --only-ue "$1" | tp_ladder_mask | grep ' open=proxy ' | cut -d' ' -f3-; }
acks() { grep -o 'msgs=[^ ]*' <<<"$1" | tr ',' '\n' | grep -cx 'ACK\|msgs=ACK'; }
head="open=proxy proxy=$P:\* ue=%s:$TP_UE_PORT msgs="

l=$(lines "$UE1")
echo "$l" | sed 's/^/# dialog: /'
tp_eq "dialog: three proxy connections (the call, the late re-INVITE, UPDATE)" 3 \
	"$(grep -c . <<<"$l")"
tp_eq "dialog: every one closed by the proxy" "" "$(grep -v 'close=FIN-proxy$' <<<"$l" | head -3)"
tp_check "dialog: the call on one, closed after the BYE's 200" \
	grep -qE "^$(printf "$head" "$UE1")INVITE,[^ ]*ACK,BYE,200/BYE calls=" <<<"$l"
tp_check "dialog: the late re-INVITE and its ACK on one of their own" \
	grep -qE "^$(printf "$head" "$UE1")INVITE,200/INVITE,ACK calls=" <<<"$l"
tp_check "dialog: the late UPDATE alone on the other" \
	grep -qE "^$(printf "$head" "$UE1")UPDATE,200/UPDATE calls=" <<<"$l"
tp_eq "dialog: the late ACK went nowhere (two ACKs on the wire)" 2 "$(acks "$l")"

l=$(lines "$UE2")
echo "$l" | sed 's/^/# transaction: /'
tp_eq "transaction: four proxy connections (INVITE, BYE, late re-INVITE, UPDATE)" 4 \
	"$(grep -c . <<<"$l")"
tp_eq "transaction: every one closed by the proxy" "" \
	"$(grep -v 'close=FIN-proxy$' <<<"$l" | head -3)"
tp_eq "transaction: the call's INVITE and the late re-INVITE, each with its ACK, on one each" 2 \
	"$(grep -cE "^$(printf "$head" "$UE2")INVITE,200/INVITE,ACK calls=" <<<"$l")"
tp_check "transaction: the late UPDATE alone on one" \
	grep -qE "^$(printf "$head" "$UE2")UPDATE,200/UPDATE calls=" <<<"$l"
tp_eq "transaction: the late ACK went nowhere (two ACKs on the wire)" 2 "$(acks "$l")"

l=$(lines "$UE3")
echo "$l" | sed 's/^/# challenged BYE: /'
tp_check "challenged BYE: the call, both BYEs too, on one connection, closed after the 200" \
	grep -qE "^$(printf "$head" "$UE3")INVITE,[^ ]*ACK,BYE,401/BYE,BYE,200/BYE calls=c[0-9]+ close=FIN-proxy$" <<<"$l"
tp_eq "challenged BYE: three proxy connections (the call, the late re-INVITE, UPDATE)" 3 \
	"$(grep -c . <<<"$l")"
tp_eq "challenged BYE: every one closed by the proxy" "" "$(grep -v 'close=FIN-proxy$' <<<"$l" | head -3)"

tp_check_nothing_left "$UE1" "$UE2" "$UE3"
tp_done
