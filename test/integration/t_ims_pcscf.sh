#!/usr/bin/env bash
# tcp_persona in an IMS P-CSCF on Kamailio's IMS modules: our own
# doc/example-ims-pcscf.cfg as shipped (ims_usrloc_pcscf,
# ims_registrar_pcscf, ims_dialog), SIPp as the UEs and as the IMS core.
# Each REGISTER is relayed with a Path and challenged by the core (401),
# then accepted (200 with Service-Route): only the 200 binds, a REGISTER
# that only got its 401 binds nothing. On the wire: an MT call to a UE of
# each persona (Request-URI its Contact, Route the P-CSCF's Path), two
# overlapping calls to the dialog UE, an MO call from each along the
# Service-Route, a re-REGISTER over a new connection (the reuse UE's
# calls follow it), a de-REGISTER (the binding goes with it).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
source "$(dirname "$0")/lib_ims.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
BAD=$TP_REFUSE_IP
P=$TP_PROXY_IP
GRANT=300

tp_ims_setup "$GRANT" || exit
tp_check "ims_dialog, not dialog, is the dialog module" \
	grep -q 'loadmodule "ims_dialog.so"' "$TP_WORK/kamailio.cfg"
tp_eq "the dialog module is not loaded" "" \
	"$(grep '^loadmodule "dialog.so"' "$TP_WORK/kamailio.cfg")"

# --- registrations through the core: 401, then 200
declare -A UA=([$UE1]=Persona-Dialog/1.0 [$UE2]=Persona-Transaction/1.0
	[$UE3]=Persona-Reuse/1.0)
declare -A MODE=([$UE1]=dialog [$UE2]=transaction [$UE3]=reuse)
for ip in $UE1 $UE2 $UE3; do
	tp_check \
		"UE $ip (${MODE[$ip]}) registers: 401 from the core, then 200" \
		tp_ue_start "$ip" "${UA[$ip]}" 600
	tp_eq "UE $ip bound with its persona" "mode=${MODE[$ip]}" \
		"$(tp_binding_field "$ip" mode)"
done
left=$(tp_binding_field "$UE1" expires_in | sed "s/^expires_in=//")
tp_check "bound for what the core granted ($GRANT s), not the 600 s asked ($left s left)" \
	test "${left:-0}" -gt $((GRANT - 10)) -a "${left:-0}" -le "$GRANT"
tp_check "a client on $BAD REGISTERs (reuse), the core answers 401" \
	tp_forged_start "$BAD" "$(tp_ue_user "$BAD")" "$BAD" "Persona-Reuse/3.0"
tp_check "the client got the 401" grep -q "^answered 401" "$TP_WORK/forged-$BAD.log"
tp_eq "... and has no binding" "" "$(tp_binding_field "$BAD" mode)"

# --- MT: the core calls each UE at its Contact, through the Path
for ip in $UE1 $UE2 $UE3; do
	tp_check "an MT call from the core to $ip (${MODE[$ip]}) completes" tp_ims_call "$ip"
done

# --- overlap: two calls to the dialog UE at once
tp_check "two overlapping MT calls from the core to $UE1 (dialog)" \
	tp_ims_call "$UE1" -m 2 -l 2 -r 4 -key hold 1500

# --- MO: each UE calls along the Service-Route
for ip in $UE1 $UE2 $UE3; do
	tp_ims_mo_call "$ip" "${MODE[$ip]}"
done

# --- the reuse UE registers again over a new connection
tp_ue_stop "$UE3"
tp_check \
	"UE $UE3 registers again over a new connection (401, 200)" \
	tp_ue_start "$UE3" "${UA[$UE3]}" 600
tp_check "an MT call to $UE3 after it" tp_ims_call "$UE3"

# --- de-REGISTER: the binding goes
tp_check "UE $UE2 de-registers (the core answers 200)" \
	tp_ue_unregister "$UE2" "${UA[$UE2]}"
tp_eq "UE $UE2: no binding after its de-REGISTER" "" "$(tp_binding_field "$UE2" mode)"
tp_check "an MT call to $UE2's Contact after it completes" tp_ims_call "$UE2"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
call="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"
reg="msgs=REGISTER,401/REGISTER,REGISTER,200/REGISTER"

l=$(tp_ims_lines "$UE1")
tp_eq "dialog $UE1: REGISTER, 401, REGISTER, 200 on its own connection" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE1:* $reg" \
	"$(grep -m1 'REGISTER' <<<"$l" | sed 's/ calls=.*//')"
tp_eq "dialog $UE1: the MT call and each overlapping one on a new proxy connection, FIN by the proxy" \
	"$(for _ in 1 2 3; do echo "open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT $call close=FIN-proxy"; done)" \
	"$(grep '^open=proxy' <<<"$l" | sed 's/ calls=c[0-9]* / /')"
tp_eq "dialog $UE1: one call per proxy connection" 3 \
	"$(grep '^open=proxy' <<<"$l" | grep -c ' calls=c[0-9]* ')"

l=$(tp_ims_lines "$UE2")
p=$(grep '^open=proxy' <<<"$l")
tp_eq "transaction $UE2: INVITE..ACK on a new connection, FIN by the proxy" \
	"open=proxy proxy=$P:* ue=$UE2:$TP_UE_PORT msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK close=FIN-proxy" \
	"$(sed -n 1p <<<"$p" | sed 's/ calls=c[0-9]* / /')"
tp_eq "transaction $UE2: BYE..200 on another, FIN by the proxy" \
	"open=proxy proxy=$P:* ue=$UE2:$TP_UE_PORT msgs=BYE,200/BYE close=FIN-proxy" \
	"$(sed -n 2p <<<"$p" | sed 's/ calls=c[0-9]* / /')"
tp_eq "after its de-REGISTER: stock (one connection, the whole call, left open)" \
	"open=proxy proxy=$P:* ue=$UE2:$TP_UE_PORT $call close=none-none" \
	"$(sed -n 3p <<<"$p" | sed 's/ calls=c[0-9]* / /')"
tp_eq "transaction $UE2: three proxy connections in all" 3 "$(grep -c . <<<"$p")"

for ip in $UE1 $UE2 $UE3; do
	tp_eq "${MODE[$ip]} $ip: the MO call on the UE's own connection, not closed by the proxy" \
		"open=ue proxy=$P:$TP_PROXY_PORT ue=$ip:$TP_UE_MO_PORT $call close=FIN-ue" \
		"$(tp_ims_lines "$ip" | grep " ue=$ip:$TP_UE_MO_PORT " | grep INVITE | sed 's/ calls=c[0-9]* / /')"
done

l=$(tp_ims_lines "$UE3")
tp_eq "reuse $UE3: no connection opened by the proxy" 0 "$(grep -c '^open=proxy' <<<"$l")"
r=$(grep REGISTER <<<"$l")
tp_eq "reuse $UE3: the first call on the first registration connection" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE3:* $reg,$(cut -d= -f2 <<<"$call")" \
	"$(sed -n 1p <<<"$r" | sed 's/ calls=.*//')"
tp_eq "reuse $UE3: the call after the new REGISTER on the new connection" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE3:* $reg,$(cut -d= -f2 <<<"$call")" \
	"$(sed -n 2p <<<"$r" | sed 's/ calls=.*//')"
tp_check_refused_client "$BAD" "$(tp_ladder --call-ids | awk -v ip="@$BAD" '$1 == "call" && index($3, ip) { print $2 }')"

tp_done
