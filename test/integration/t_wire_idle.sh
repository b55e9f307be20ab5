#!/usr/bin/env bash
# tcp_main closes a dialog-persona connection the module owns because it sat
# idle for tcp_connection_lifetime (3 s here) in the middle of a long call.
# The core fires no close event for that: the module's sweep must notice it
# (owned_lost, one log line) before the call ends, and the BYE must get a
# connection of its own, closed after its 200, with nothing stale used.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
P=$TP_PROXY_IP
LIFETIME=3
# the core keeps a connection in its reader 5 s (TCP_CHILD_TIMEOUT) after
# its last message, checked every 2 s, then LIFETIME s in tcp_main, whose
# timer runs every 5 s: closed 8-15 s after the ACK; the module sweeps
# every 5 s
READER_SECS=5
HOLD=30 # s between the ACK and the BYE: well past all of that
owned_lost() {
	tp_kamcmd stats.get_statistics tcp_persona: |
		sed -n 's/^tcp_persona:owned_lost = //p'
}

if ! tp_wire_start -A "TCP_LIFETIME=$LIFETIME"; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

tp_check "UE $UE1 (dialog persona) registers" tp_ue_start "$UE1" \
	"Persona-Dialog/1.0"
(TP_HOLD=$((HOLD * 1000)) TP_SIPP_TIMEOUT=$((HOLD + 15)) \
	tp_net_call net_call "$U1") &
call=$!
lost=0 up=no
deadline=$((SECONDS + HOLD + 5))
while ((SECONDS < deadline)); do
	lost=$(owned_lost)
	if [[ $lost == 1 ]]; then
		kill -0 "$call" 2>/dev/null && up=yes
		break
	fi
	sleep 0.5
done
tp_eq "the module noticed the idle expiry" 1 "$lost"
tp_eq "... while the call was still up" yes "$up"
wait "$call"
tp_eq "the call ends with a BYE the UE answers" 0 $?
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids --quiet | sed 's/^/# /'
l=$(tp_ladder --only-ue "$UE1" --quiet | tp_ladder_mask | cut -d' ' -f3- |
	grep '^open=proxy')
first=$(sed -n 1p <<<"$l")
tp_eq "the dialog's connection carried the call's start, closed by the proxy" \
	"open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK calls=c2 close=FIN-proxy" \
	"${first% quiet=*}"
# idle for the reader's 5 s plus LIFETIME at least before tcp_main closed
# it, and closed well before the BYE was due
quiet=${first##* quiet=}
tp_check "it was closed for idleness ($quiet s after the ACK), before the BYE" \
	awk -v q="$quiet" -v min="$((READER_SECS + LIFETIME - 1))" \
	-v max="$((HOLD - 5))" 'BEGIN { exit !(q >= min && q <= max) }'
tp_eq "the BYE on a new connection, closed by the proxy after its 200" \
	"open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT msgs=BYE,200/BYE calls=c2 close=FIN-proxy" \
	"$(sed -n 2p <<<"$l" | sed 's/ quiet=.*//')"
tp_eq "no other proxy connection to the UE" 2 "$(grep -c . <<<"$l")"
tp_eq "one log line says a connection ended without a close event" 1 \
	"$(grep -c 'ended without a close event' "$TP_WORK/kamailio.log")"
tp_eq "the module opened two dialog connections and closed one itself" \
	"2 1" "$(tp_kamcmd stats.get_statistics tcp_persona: |
		awk '/conn_opened_dialog/ { o = $3 } /conn_closed_dialog/ { c = $3 }
		END { print o, c }')"
tp_eq "the module holds no connection for the UE afterwards" 0 \
	"$(tp_kamcmd tcp_persona.binding "$UE1:$TP_UE_PORT" | grep -c 'owner: ')"

tp_done
