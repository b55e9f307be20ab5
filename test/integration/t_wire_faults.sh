#!/usr/bin/env bash
# Faults on the wire, persona dialog and transaction: a UE that never
# answers an MT INVITE, a UE that refuses the connection (nothing listens
# on its Contact), a UE that resets (RST) the proxy's connection mid-call.
# Each time: the right error upstream, no retry storm, nothing left behind
# (the module holds no connection, every proxy connection is closed).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
P=$TP_PROXY_IP
# the caller expecting a final answer CODE: net_call_480.xml with CODE
expecting() {
	sed "s/response=\"480\"/response=\"$1\"/" "$TP_SIPP_DIR/net_call_480.xml" \
		>"$TP_WORK/net_call_$1.xml"
	echo "$TP_WORK/net_call_$1.xml"
}
held() { tp_kamcmd tcp_persona.binding "$1:$TP_UE_PORT" | grep -c 'owner: '; }

if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

# 1. never answers: tm's fr_timer (3 s) ends the INVITE with a 408
TP_UE_MODE=mute tp_check "UE $UE1 (dialog, answers nothing) registers" \
	tp_ue_start "$UE1" "Persona-Dialog/1.0"
tp_check "an MT INVITE to the silent UE ends in 408 upstream" \
	tp_net_call "$(expecting 408)" "$(tp_ue_user "$UE1")"
sleep 1
tp_eq "no connection left held for the silent UE" 0 "$(held "$UE1")"

# 2. refuses: the UE is bound, but nothing listens on its Contact
tp_check "UE $UE2 (transaction) registers" tp_ue_start "$UE2" "Persona-Transaction/1.0"
tp_ue_stop "$UE2"
tp_check "an MT INVITE to the refusing UE gets an error answer (477) at once" \
	tp_net_call "$(expecting 477)" "$(tp_ue_user "$UE2")"
tp_check "a second one too (the first's failed send left nothing in its way)" \
	tp_net_call "$(expecting 477)" "$(tp_ue_user "$UE2")"
tp_eq "no connection held for the refusing UE" 0 "$(held "$UE2")"

# 3. resets: the UE's end of the proxy's dialog connection is killed (RST)
tp_check "UE $UE3 (dialog) registers" tp_ue_start "$UE3" "Persona-Dialog/1.0"
TP_HOLD=3000 tp_net_call net_call "$(tp_ue_user "$UE3")" >/dev/null 2>&1 &
call=$!
for _ in $(seq 1 30); do
	[[ $(held "$UE3") == 1 ]] && break
	sleep 0.1
done
# the reset comes once the call is answered: the network side has the 200
# (its newest message log; nothing earlier in this test got a 200)
for _ in $(seq 1 30); do
	grep -q '^SIP/2.0 200 OK' "$(ls -t "$TP_WORK"/net-*.msg | head -1)" 2>/dev/null && break
	sleep 0.1
done
port=$(tp_kamcmd tcp_persona.binding "$UE3:$TP_UE_PORT" | sed -n 's/^\t*local_port: //p')
tp_check "the UE's socket of the call's connection is reset (ss -K)" \
	ss -K -tn state established src "$UE3:$TP_UE_PORT" dst "$P:$port"
sleep 0.5
tp_eq "the reset connection is no longer held" 0 "$(held "$UE3")"
tp_eq "counted as lost" 1 "$(tp_kamcmd tcp_persona.stats | sed -n 's/^\towned_lost: //p')"
# SIPp gives up when one of its sockets is reset: the handset "reboots"
# its stack and registers again before the network side's BYE
tp_ue_stop "$UE3"
tp_check "UE $UE3 registers again" tp_ue_start "$UE3" "Persona-Dialog/1.0"
tp_check "the call (its BYE 3 s after the ACK) completes" wait "$call"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
l1=$(tp_ladder --only-ue "$UE1" | tp_ladder_mask | grep ' open=proxy ')
tp_eq "silent UE: the INVITE's connection, closed by the proxy after the 408" \
	"open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT msgs=INVITE close=FIN-proxy" \
	"$(cut -d' ' -f3- <<<"$l1" | sed 's/ calls=c[0-9]*//')"
syn=$(tp_ladder --only-ue "$UE2" | tp_ladder_mask | grep -c " ue=$UE2:$TP_UE_PORT ")
tp_eq "refusing UE: one connection attempt per INVITE, no retry storm" 2 "$syn"
l3=$(tp_ladder --only-ue "$UE3" | tp_ladder_mask | grep ' open=proxy ')
tp_eq "reset UE: the call's connection ends in the UE's RST" "RST-ue" \
	"$(sed -n 1p <<<"$l3" | grep -o 'close=[^ ]*' | cut -d= -f2)"
tp_eq "reset UE: the BYE opens a new connection, closed by the proxy after its 200" \
	"msgs=BYE,200/BYE close=FIN-proxy" \
	"$(tail -1 <<<"$l3" | grep -o 'msgs=[^ ]*\|close=[^ ]*' | paste -sd' ')"
tp_eq "reset UE: nothing else rode on a proxy connection" 2 "$(grep -c . <<<"$l3")"
tp_done
