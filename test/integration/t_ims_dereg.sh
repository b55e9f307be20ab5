#!/usr/bin/env bash
# Bindings end with the IMS registration they came from, in the IMS P-CSCF
# of doc/example-ims-pcscf.cfg, without a REGISTER of the UE's:
#   - network-initiated de-registration: the core's reg-event NOTIFY
#     ("terminated", "deactivated") is handled by ims_registrar_pcscf,
#     which deletes the contact in ims_usrloc_pcscf; the binding goes;
#   - expiry: the registration runs out (the core granted a few seconds)
#     and ims_usrloc_pcscf's timer deletes the contact; the binding goes;
#   - a NOTIFY that ends another contact leaves the binding alone, and so
#     does the expiry of the pending contact a client left by REGISTERing
#     the UE's Contact from elsewhere (it got only the core's 401).
# On the wire, reuse UEs show it: an MT call rides the registration
# connection while the UE is bound, and is stock (a new connection from
# the proxy) once the binding is gone.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
source "$(dirname "$0")/lib_ims.sh"
tp_workdir

read -r UE1 UE2 _ <<<"$TP_UE_IPS"
BAD=$TP_REFUSE_IP
P=$TP_PROXY_IP
GRANT=6
PENDING=4

# a contact whose REGISTER got no 200 is dropped after PENDING s
TP_IMS_PENDING=$PENDING
tp_ims_setup 600 || exit
for ip in $UE1; do
	tp_check \
		"UE $ip (reuse) registers through the core" \
		tp_ue_start "$ip" "Persona-Reuse/1.0" 600
done
tp_eq "UE $UE1 is bound" "mode=reuse" "$(tp_binding_field "$UE1" mode)"
# contacts ims_usrloc_pcscf holds
ims_records() {
	tp_kamcmd ulpcscf.status | sed -n 's/^\t*Records: //p'
}
tp_check "an MT call to $UE1 while it is bound" tp_ims_call "$UE1"

# --- a NOTIFY about another contact: nothing changes
tp_check "the core ends the registration of a contact nobody holds" \
	tp_ims_dereg "$UE2"
tp_eq "UE $UE1 still bound" "mode=reuse" "$(tp_binding_field "$UE1" mode)"

# --- a client's REGISTER of UE1's Contact, refused: its pending contact
tp_check "a client on $BAD REGISTERs $UE1's Contact, the core answers 401" \
	tp_forged_start "$BAD" "$(tp_ue_user "$UE1")" "$UE1" "Persona-Dialog/1.0"
tp_eq "ims_usrloc_pcscf holds UE $UE1's contact and the client's pending one" \
	2 "$(ims_records)"
for _ in $(seq 1 60); do
	[[ $(ims_records) == 1 ]] && break
	sleep 0.5
done
tp_eq "ims_usrloc_pcscf dropped the pending contact" 1 "$(ims_records)"
tp_eq "UE $UE1 is still bound" "mode=reuse" "$(tp_binding_field "$UE1" mode)"

# --- network-initiated de-registration of UE1
tp_check "the core de-registers $UE1 (reg-event NOTIFY, answered 200)" \
	tp_ims_dereg "$UE1"
tp_eq "UE $UE1: no binding after the network's de-registration" "" \
	"$(tp_binding_field "$UE1" mode)"
tp_check "the module says why" \
	grep -q "UE $UE1:$TP_UE_PORT: its IMS registration ended, binding removed" \
	"$TP_WORK/kamailio.log"
tp_check "an MT call to $UE1 after it" tp_ims_call "$UE1"

# --- expiry: UE2 registered for GRANT seconds
tp_stop_pid "$TP_CORE_PID"
_tp_forget "$TP_CORE_PID"
TP_CORE_LIFE=120 tp_check "the core's registrar now grants $GRANT s" \
	tp_ims_core_start 100 "$GRANT"
tp_check \
	"UE $UE2 (reuse) registers through the core, for $GRANT s" \
	tp_ue_start "$UE2" "Persona-Reuse/1.0" 600
tp_eq "UE $UE2 is bound" "mode=reuse" "$(tp_binding_field "$UE2" mode)"
tp_check "an MT call to $UE2 while it is bound" tp_ims_call "$UE2"
for _ in $(seq 1 40); do
	grep -q "UE $UE2:$TP_UE_PORT: its IMS registration expired" "$TP_WORK/kamailio.log" && break
	sleep 0.5
done
tp_check "ims_usrloc_pcscf expired the contact (the module logged it)" \
	grep -q "UE $UE2:$TP_UE_PORT: its IMS registration expired" "$TP_WORK/kamailio.log"
tp_eq "UE $UE2: no binding after the expiry" "" "$(tp_binding_field "$UE2" mode)"
tp_check "an MT call to $UE2 after it" tp_ims_call "$UE2"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
call="INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"
reg="REGISTER,401/REGISTER,REGISTER,200/REGISTER"
for ip in $UE1 $UE2; do
	l=$(tp_ims_lines "$ip")
	tp_eq "$ip: bound, the call rode its registration connection" \
		"open=ue proxy=$P:$TP_PROXY_PORT ue=$ip:* msgs=$reg,$call" \
		"$(grep -m1 'REGISTER' <<<"$l" | sed 's/ calls=.*//')"
	tp_eq "$ip: unbound, the call on a new proxy connection (stock)" \
		"open=proxy proxy=$P:* ue=$ip:$TP_UE_PORT msgs=$call" \
		"$(grep '^open=proxy' <<<"$l" | sed 's/ calls=.*//')"
done

tp_done
