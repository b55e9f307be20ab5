#!/usr/bin/env bash
# Bindings from accepted registrations, the REGISTER relayed statefully to
# a registrar upstream that challenges it first (an IMS P-CSCF: the S-CSCF
# answers 401, then 200): the 401 binds nothing, the 200 binds with the
# expiry the registrar grants (not the one the UE asked for); a client
# that REGISTERs a bound UE's Contact and only ever gets the 401 changes
# nothing, and the UE's MT call keeps its persona on the wire.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
BAD=$TP_REFUSE_IP
P=$TP_PROXY_IP
GRANT=120
calls="INVITE,100/INVITE,180/INVITE,200/INVITE,ACK"

if ! tp_wire_start -A WITH_RELAY_REGISTER; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

# the registrar: 401 without Authorization, else 200 with ;expires=GRANT
timeout -k 2 "$TP_SIPP_TIMEOUT" "$SIPP" -t u1 -i "$TP_NET_IP" -p "$TP_NET_REG_PORT" \
	-sf "$TP_SIPP_DIR/net_registrar.xml" -key grant "$GRANT" -m 4 -deadcall_wait 0 \
	-nostdin -trace_msg -message_file "$TP_WORK/registrar.msg" \
	>"$TP_WORK/registrar.out" 2>&1 &
REG_PID=$!
tp_pids+=("$REG_PID")
sleep 0.3

TP_UE_REGISTER=ue_register_challenged tp_check \
	"UE $UE1 (dialog persona) registers: 401, then 200 from upstream" \
	tp_ue_start "$UE1" "Persona-Dialog/1.0" 600
tp_eq "bound with the persona of its User-Agent" "mode=dialog" "$(tp_binding_field "$UE1" mode)"
left=$(tp_binding_field "$UE1" expires_in | sed "s/^expires_in=//")
tp_check "bound for what the registrar granted ($GRANT s), not the 600 s asked ($left s left)" \
	test "${left:-0}" -gt $((GRANT - 10)) -a "${left:-0}" -le "$GRANT"
tp_check "a client on $BAD REGISTERs $UE1's Contact as reuse, upstream answers 401" \
	tp_forged_start "$BAD" "$U1" "$UE1" "Persona-Reuse/3.0"
tp_check "the client got the 401" grep -q "^answered 401" "$TP_WORK/forged-$BAD.log"
tp_eq "the UE's binding is unchanged" "mode=dialog" "$(tp_binding_field "$UE1" mode)"
tp_check "an MT call to $UE1 completes" tp_net_call net_call "direct-$UE1"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
tp_check_refused_client "$BAD" c2
l=$(tp_ladder --only-ue "$UE1" | tp_ladder_mask | cut -d' ' -f3-)
tp_eq "UE $UE1: REGISTER, 401, REGISTER, 200 on its own connection, nothing else" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE1:* msgs=REGISTER,401/REGISTER,REGISTER,200/REGISTER calls=c1 close=none-none" \
	"$(sed -n 1p <<<"$l")"
tp_eq "UE $UE1: the call on a new proxy connection (dialog), FIN by the proxy" \
	"open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT msgs=$calls,BYE,200/BYE calls=c3 close=FIN-proxy" \
	"$(sed -n 2p <<<"$l")"
tp_eq "UE $UE1: no other connection" 2 "$(grep -c . <<<"$l")"

tp_done
