#!/usr/bin/env bash
# A Kamailio restart: bindings live in shared memory, so they start empty
# and come back with the next REGISTERs, personas and all.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona starts"
	tp_done
	exit
fi
stat() { tp_kamcmd tcp_persona.stats | sed -n "s/^\t$1: //p"; }

tp_check "UE $UE1 (dialog) registers" tp_ue_start "$UE1" "Persona-Dialog/1.0"
tp_check "an MT call to it completes" tp_net_call net_call "$U1"

# restart: the UE's registration connection goes with the old kamailio
tp_stop_pid "$TP_KAM_PID"
_tp_forget "$TP_KAM_PID"
tp_ue_stop "$UE1"
TP_KAMAILIO_ARGS="-A WITH_PERSONA" tp_check "kamailio starts again" \
	tp_kamailio_start "$TP_WORK/kamailio.cfg"
tp_eq "after the restart no UE is bound" 0 "$(stat bindings)"
tp_check "the UE registers again" tp_ue_start "$UE1" "Persona-Dialog/1.0"
tp_eq "and is bound again, with its persona" "mode: dialog" \
	"$(tp_kamcmd tcp_persona.binding "$UE1:$TP_UE_PORT" | grep -o 'mode: .*')"
tp_check "an MT call to it completes" tp_net_call net_call "$U1"
tp_eq "on a connection the module opened and closed (counters restarted too)" "1 1" \
	"$(stat conn_opened_dialog) $(stat conn_closed_dialog)"
tp_done
