#!/usr/bin/env bash
# Bindings come from accepted registrations only (issue 11, item 1), the
# proxy answering REGISTERs itself (save()): a client that REGISTERs a
# registered UE's Contact and is refused (401) changes nothing, and the
# UE's next MT call goes to the UE with its own persona, never on the
# refused client's connection. A client accepted for another AoR that
# names the same Contact (from another host) cannot pull the UE's calls
# onto its connection either: the module pins only to a connection to the
# host the request is routed to.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
U2=$(tp_ue_user "$UE2")
U3=$(tp_ue_user "$UE3")
BAD=$TP_REFUSE_IP
P=$TP_PROXY_IP
calls="INVITE,100/INVITE,180/INVITE,200/INVITE,ACK"

if ! tp_wire_start -A WITH_REFUSE; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi
stat() { tp_kamcmd stats.get_statistics tcp_persona: | sed -n "s/^tcp_persona:$1 = //p"; }

tp_check "UE $UE1 (dialog persona) registers, asking for 7200 s" \
	tp_ue_start "$UE1" "Persona-Dialog/1.0" 7200
left=$(tp_binding_field "$UE1" expires_in | sed 's/^expires_in=//')
tp_check "bound for the 3600 s save() granted (registrar max_expires), not the 7200 s asked ($left s left)" \
	test "${left:-0}" -gt 3590 -a "${left:-0}" -le 3600
tp_check "a client on $BAD REGISTERs $U1 with $UE1's Contact as reuse, and is refused" \
	tp_forged_start "$BAD" "$U1" "$UE1" "Persona-Reuse/3.0"
tp_check "the client got the 401" grep -q "^answered 401" "$TP_WORK/forged-$BAD.log"
tp_eq "the UE's binding is unchanged: its persona" "mode=dialog" "$(tp_binding_field "$UE1" mode)"
tp_eq "the UE's binding is unchanged: its source host" "$UE1" \
	"$(tp_binding_field "$UE1" source | sed 's/^source=//; s/:[0-9]*$//')"
tp_eq "the refused REGISTER is not counted as a registration" 0 "$(stat register_reuse)"
tp_check "an MT call to $U1 completes" tp_net_call net_call "$U1"

tp_check "UE $UE2 (reuse persona) registers" tp_ue_start "$UE2" "Persona-Reuse/3.0"
tp_check "UE $UE3, accepted as $U3, REGISTERs $UE2's Contact as reuse" \
	tp_forged_start "$UE3" "$U3" "$UE2" "Persona-Reuse/3.0"
tp_check "that REGISTER got the 200" grep -q "^answered 200" "$TP_WORK/forged-$UE3.log"
tp_check "an MT call to $U2 completes" tp_net_call net_call "$U2"
tp_check "the refused pin is logged" grep -q \
	"reuse UE $UE2:$TP_UE_PORT (AoR sip:$U3@$P): registration connection [0-9-]* goes to $UE3:[0-9]*, not to the request's host" \
	"$TP_WORK/kamailio.log"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
tp_check_refused_client "$BAD" c2
l=$(tp_ladder --only-ue "$UE1" | tp_ladder_mask | cut -d' ' -f3-)
tp_eq "UE $UE1: the call on a new proxy connection (dialog), FIN by the proxy" \
	"open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT msgs=$calls,BYE,200/BYE calls=c3 close=FIN-proxy" \
	"$(grep '^open=proxy' <<<"$l")"
tp_eq "UE $UE1: nothing else but its registration connection" 2 "$(grep -c . <<<"$l")"

l=$(tp_ladder --only-ue "$UE3" | tp_ladder_mask | cut -d' ' -f3-)
tp_eq "the accepted claimant's connection carries its REGISTER and the 200 only" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE3:* msgs=REGISTER,200/REGISTER calls=c5 close=none-none" \
	"$l"
l=$(tp_ladder --only-ue "$UE2" | tp_ladder_mask | cut -d' ' -f3-)
tp_eq "UE $UE2: the call reaches the UE's own address" 1 \
	"$(grep -c "ue=$UE2:$TP_UE_PORT msgs=$calls,BYE,200/BYE" <<<"$l")"

tp_done
