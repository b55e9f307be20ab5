#!/usr/bin/env bash
# A UE's reg-event subscription through the IMS P-CSCF of
# doc/example-ims-pcscf.cfg: the UE SUBSCRIBEs (Event: reg) on a
# connection of its own, the core answers 200 and sends two NOTIFYs in
# that dialog, back through the proxy. Which connection each NOTIFY takes
# depends on the UE's persona:
#   dialog       on the SUBSCRIBE's connection (the dialog's), never one
#                the proxy opens;
#   transaction  each NOTIFY on a new connection from the proxy, closed by
#                the proxy after its 200;
#   reuse        on the UE's registration connection.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
source "$(dirname "$0")/lib_ims.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
P=$TP_PROXY_IP

tp_ims_setup 600 || exit
declare -A UA=([$UE1]=Persona-Dialog/1.0 [$UE2]=Persona-Transaction/1.0
	[$UE3]=Persona-Reuse/1.0)
declare -A MODE=([$UE1]=dialog [$UE2]=transaction [$UE3]=reuse)
for ip in $UE1 $UE2 $UE3; do
	tp_check \
		"UE $ip (${MODE[$ip]}) registers through the core" \
		tp_ue_start "$ip" "${UA[$ip]}" 600
	tp_ims_regevent_start
	# the dialog UE gets the NOTIFYs on the SUBSCRIBE's connection
	n=0
	[[ ${MODE[$ip]} == dialog ]] && n=2
	tp_check "UE $ip subscribes to its reg event" \
		tp_ue_call "$ip" ue_subscribe "$(tp_ue_user "$ip")" -key notifies "$n"
	tp_check "the core's two NOTIFYs to $ip were answered" _tp_wait_started "$TP_REGEVENT_PID"
done
sleep 0.5
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
sub="msgs=SUBSCRIBE,200/SUBSCRIBE"
notify="NOTIFY,200/NOTIFY"

l=$(tp_ims_lines "$UE1")
tp_eq "dialog $UE1: both NOTIFYs on the SUBSCRIBE's connection, not closed by the proxy" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE1:$TP_UE_MO_PORT $sub,$notify,$notify" \
	"$(grep " ue=$UE1:$TP_UE_MO_PORT " <<<"$l" | sed 's/ calls=.*//')"
tp_eq "dialog $UE1: no connection opened by the proxy" 0 "$(grep -c '^open=proxy' <<<"$l")"
tp_eq "dialog $UE1: no FIN from the proxy" 0 "$(grep -c 'close=FIN-proxy' <<<"$l")"

l=$(tp_ims_lines "$UE2")
tp_eq "transaction $UE2: the SUBSCRIBE's connection carries the SUBSCRIBE only" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE2:$TP_UE_MO_PORT $sub" \
	"$(grep " ue=$UE2:$TP_UE_MO_PORT " <<<"$l" | sed 's/ calls=.*//')"
tp_eq "transaction $UE2: each NOTIFY on a new proxy connection, FIN by the proxy" \
	"open=proxy proxy=$P:* ue=$UE2:$TP_UE_PORT msgs=$notify close=FIN-proxy
open=proxy proxy=$P:* ue=$UE2:$TP_UE_PORT msgs=$notify close=FIN-proxy" \
	"$(grep '^open=proxy' <<<"$l" | sed 's/ calls=c[0-9]* / /')"

l=$(tp_ims_lines "$UE3")
tp_eq "reuse $UE3: both NOTIFYs on the registration connection" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE3:* msgs=REGISTER,401/REGISTER,REGISTER,200/REGISTER,$notify,$notify" \
	"$(grep -m1 'REGISTER' <<<"$l" | sed 's/ calls=.*//')"
tp_eq "reuse $UE3: no connection opened by the proxy" 0 "$(grep -c '^open=proxy' <<<"$l")"

tp_done
