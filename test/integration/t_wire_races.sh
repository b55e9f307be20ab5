#!/usr/bin/env bash
# Requests racing on one Call-ID (issue 11, load and faults):
#  - a re-INVITE racing an UPDATE, then a BYE racing a re-INVITE, toward a
#    UE of persona dialog and one of persona transaction. SIPp cannot race
#    requests on one Call-ID (a call about to send aborts on a message that
#    comes first), so both ends are test/wire/race_peers.py;
#  - CANCELs racing the UE's 200 (20 calls, either side may win).
# Dialog: every call stays on its one proxy connection, closed by the proxy
# after its last message. Transaction: every proxy connection is closed by
# the proxy. Nothing is left afterwards.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
P=$TP_PROXY_IP
RACES=${TP_RACE_CALLS:-20}
NET_RACE_PORT=5064

if ! tp_wire_start -A WORKERS=4; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

race_net() {
	timeout -k 2 30 python3 "$TP_RACE_PEERS" net --proxy "$P" --proxy-port "$TP_PROXY_PORT" \
		--ip "$TP_NET_IP" --port "$NET_RACE_PORT" --aor "$(tp_ue_user "$1")" \
		>>"$TP_WORK/race-net.log" 2>&1
}

tp_check "UE $UE1 (dialog, race peer) registers" tp_race_ue "$UE1" "Persona-Dialog/1.0"
tp_check "UE $UE3 (transaction, race peer) registers" tp_race_ue "$UE3" "Persona-Transaction/1.0"
tp_check "UE $UE2 (dialog, race peer, answers after 1 s) registers" \
	tp_race_ue "$UE2" "Persona-Dialog/1.0" --delay 1

tp_check "dialog UE: re-INVITE racing UPDATE, then BYE racing re-INVITE, all answered" \
	race_net "$UE1"
tp_check "transaction UE: the same races, all answered" race_net "$UE3"
sed 's/^/# /' "$TP_WORK/race-net.log"
tp_check "$RACES CANCELs racing the UE's 200 (dialog UE), every call ended properly" \
	timeout -k 2 120 python3 "$TP_RACE_PEERS" cancel --proxy "$P" --proxy-port "$TP_PROXY_PORT" \
	--ip "$TP_NET_IP" --port "$NET_RACE_PORT" --aor "$(tp_ue_user "$UE2")" \
	--calls "$RACES" >>"$TP_WORK/race-net.log" 2>&1
sed -n 's/^cancel: /# cancel: /p' "$TP_WORK/race-net.log"
sleep 6 # tm's wait timer: every transaction is gone
tp_check "the capture is written" tp_capture_stop

lines() { tp_ladder --only-ue "$1" | tp_ladder_mask | grep ' open=proxy ' | cut -d' ' -f3-; }
l=$(lines "$UE1")
echo "# dialog: $l"
tp_eq "races (dialog): the whole call on one proxy connection" 1 "$(grep -c . <<<"$l")"
tp_check "races (dialog): with the UPDATE and the BYE on it, closed by the proxy" \
	grep -qE "msgs=INVITE,.*UPDATE.*BYE.* calls=c[0-9]+ close=FIN-proxy$" <<<"$l"
tp_eq "races (dialog): three INVITEs on it" 3 \
	"$(grep -o 'msgs=[^ ]*' <<<"$l" | sed 's/^msgs=//' | tr ',' '\n' | grep -cx INVITE)"

l=$(lines "$UE3")
tp_eq "races (transaction): a proxy connection per request but the ACKs (5)" 5 "$(grep -c . <<<"$l")"
tp_eq "races (transaction): every proxy connection closed by the proxy" "" \
	"$(grep -v 'close=FIN-proxy$' <<<"$l" | head -3)"

l=$(lines "$UE2")
tp_eq "CANCEL races: one proxy connection per call" "$RACES" "$(grep -c . <<<"$l")"
# A forwarded CANCEL is answered whenever the UE gets to it, even after the
# BYE went out: check it is answered, then read the call's end without it.
tp_eq "CANCEL races: every CANCEL sent to the UE is answered on its connection" "" \
	"$(awk '{ n = gsub(/[=,]CANCEL/, "&"); a = gsub(/200\/CANCEL/, "&"); if (n != a) print }' <<<"$l" | head -3)"
tp_eq "CANCEL races: each one call, ended (487 and ACK, or BYE and 200; the ACK may cross the BYE), closed by the proxy" "" \
	"$(sed 's#,200/CANCEL##g' <<<"$l" |
		grep -vE "^open=proxy proxy=$P:\* ue=$UE2:$TP_UE_PORT msgs=INVITE,[^ ]*(487/INVITE,ACK|BYE,200/BYE|BYE,200/BYE,ACK|BYE,ACK,200/BYE) calls=c[0-9]+ close=FIN-proxy\$" | head -3)"
echo "$l" | sed 's/^open=proxy.* msgs=/# cancel race: /; s/ calls=.*//' | sort | uniq -c | sed 's/^/# /'

tp_check_nothing_left "$UE1" "$UE2" "$UE3"
tp_done
