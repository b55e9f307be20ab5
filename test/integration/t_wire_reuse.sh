#!/usr/bin/env bash
# Persona "reuse" on the wire (the seed's manufacturer C): every MT message
# on the connection the UE registered over, never a proxy SYN; the proxy
# keeps that connection open while the registration lives; a gone
# connection makes persona_enforce() refuse (-2 -> 480), still no SYN.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
U2=$(tp_ue_user "$UE2")
U3=$(tp_ue_user "$UE3")
P=$TP_PROXY_IP
UA="Persona-Reuse/3.0"
# tcp_connection_lifetime: the reuse UE idles much longer. 6 s: the
# module's timer walks a third of the table per second (each reuse UE
# every L/2 = 3 s)
LIFETIME=6

# the UEs' SIPp outlive the idle and the held call
TP_UE_LIFE=$(((11 * LIFETIME + 50) * 1000))

if ! tp_wire_start -A "TCP_LIFETIME=$LIFETIME"; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

tp_check "UE $UE1 (reuse persona) registers" tp_ue_start "$UE1" "$UA"
tp_check "UE $UE2 (persona none, the control) registers" \
	tp_ue_start "$UE2" "Persona-None/1.0"
tp_check "two overlapping MT calls complete" \
	tp_net_call net_call "$U1" -m 2 -l 2 -r 4 -key hold 1500
sleep $((7 * LIFETIME)) # idle: seven times tcp_connection_lifetime
# its ACK comes 6 s after the 200, when tcp_main holds the connection
# again: a send, which restarts its idle timeout with L; then nothing for
# 4 L. (On 5.6 tcp_main's timer for the connection is set from the
# lifetime the module gave it at REGISTER when a reader hands it back, so
# it holds even without the timer's stretches: run without them, this
# test passes too.)
TP_SIPP_TIMEOUT=$((4 * LIFETIME + 40)) tp_check \
	"after idling, an MT call is still delivered, its late ACK followed by $((4 * LIFETIME)) s of silence" \
	tp_net_call net_call_late_ack "$U1" -key ack_delay 6000 -key hold $((4 * LIFETIME * 1000))

tp_check "UE $UE3 (reuse persona) registers" tp_ue_start "$UE3" "$UA"
tp_check "UE $UE3 registers again over a new connection" \
	tp_ue_reregister "$UE3" "$UA"
tp_check "an MT call follows the newest registration connection" \
	tp_net_call net_call "$U3"
tp_ue_stop "$UE3"
tp_ue_stop "$UE1"
sleep 0.5
tp_check "the registration connection is gone: the call is refused with 480" \
	tp_net_call net_call_480 "$U1"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
lines() { tp_ladder --only-ue "$1" | tp_ladder_mask | cut -d' ' -f3-; }
calls="INVITE,100/INVITE,180/INVITE,200/INVITE,ACK"

l=$(lines "$UE1")
tp_eq "reuse: not a single connection opened by the proxy" 0 \
	"$(grep -c '^open=proxy' <<<"$l")"
tp_eq "reuse: everything on the registration connection, kept open while idle" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE1:* msgs=REGISTER,200/REGISTER,$calls,$calls,BYE,200/BYE,BYE,200/BYE,$calls,BYE,200/BYE calls=c1+c3+c4+c5 close=FIN-ue" \
	"$(sed -n 1p <<<"$l")"
tp_eq "reuse: nothing else toward the UE" 1 "$(grep -c . <<<"$l")"

l=$(lines "$UE2")
tp_eq "control: stock Kamailio closes the idle registration connection itself" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE2:* msgs=REGISTER,200/REGISTER calls=c2 close=FIN-proxy" \
	"$(sed -n 1p <<<"$l")"

l=$(lines "$UE3")
tp_eq "re-REGISTER: the first registration connection carries no call" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE3:* msgs=REGISTER,200/REGISTER calls=c6 close=FIN-ue" \
	"$(sed -n 1p <<<"$l")"
tp_eq "re-REGISTER: the call rides on the newest registration connection" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE3:$TP_UE_MO_PORT msgs=REGISTER,200/REGISTER,$calls,BYE,200/BYE calls=c7+c8 close=none-none" \
	"$(sed -n 2p <<<"$l")"
tp_eq "re-REGISTER: no proxy connection to the UE" 0 "$(grep -c '^open=proxy' <<<"$l")"

tp_check "the refusal is logged with the UE and its AoR" \
	grep -q "reuse UE $UE1:$TP_UE_PORT (AoR sip:$U1@$P): registration connection [0-9]* is gone" \
	"$TP_WORK/kamailio.log"
tp_eq "the refusal is counted" "tcp_persona:reuse_refused = 1" \
	"$(tp_kamcmd stats.get_statistics tcp_persona: | grep reuse_refused)"

tp_done
