#!/usr/bin/env bash
# A branch_route that sends a branch elsewhere after persona_enforce()
# planned it (issue 14; the admin guide, persona_enforce()): the branch is
# sent as stock Kamailio sends it, with a warning, and nothing of the
# planned UE's persona applies to it. The plan made for a reuse UE keeps
# its "existing connection only": such a branch goes out only on a
# connection that is already open to its new destination.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r D R N <<<"$TP_UE_IPS"
P=$TP_PROXY_IP
call="INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"

if ! TP_REDIRECT_IP=$N tp_wire_start -A WITH_BRANCH_REDIRECT; then
	tp_fail "kamailio with tcp_persona, a branch_route and tshark start"
	tp_done
	exit
fi

TP_UE_USER=redirect-d tp_check "UE $D (dialog) registers as redirect-d" \
	tp_ue_start "$D" "Persona-Dialog/1.0"
TP_UE_USER=redirect-r tp_check "UE $R (reuse) registers as redirect-r" \
	tp_ue_start "$R" "Persona-Reuse/3.0"
TP_UE_USER=target tp_check "UE $N (persona none), where the branch_route sends them, registers" \
	tp_ue_start "$N" "Persona-None/1.0"

# the reuse UE's branch goes to $N, to which the proxy has no connection
tp_check "an MT call to redirect-r (reuse), sent on to $N by the branch_route, fails" \
	tp_net_call net_call_477 redirect-r
# the dialog UE's branch goes to $N as stock: Kamailio's own connection
tp_check "an MT call to redirect-d (dialog), sent on to $N by the branch_route, is answered" \
	tp_net_call net_call redirect-d
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
lines() { tp_ladder --only-ue "$1" | tp_ladder_mask | cut -d' ' -f3- | sed 's/ calls=[^ ]*//'; }

tp_eq "the reuse UE's registration connection carries its REGISTER only" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$R:* msgs=REGISTER,200/REGISTER close=none-none" \
	"$(lines "$R")"
tp_eq "the dialog UE's registration connection carries its REGISTER only" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$D:* msgs=REGISTER,200/REGISTER close=none-none" \
	"$(lines "$D")"
l=$(lines "$N")
tp_eq "$N: one connection the proxy opened, the dialog UE's call as stock, left open" \
	"open=proxy proxy=$P:* ue=$N:$TP_UE_PORT msgs=$call close=none-none" \
	"$(grep '^open=proxy' <<<"$l")"
tp_eq "$N: besides it, its registration connection only" 2 "$(grep -c . <<<"$l")"

tp_eq "both branches were logged as sent elsewhere than planned" 2 \
	"$(grep -c "goes elsewhere than when persona_enforce() ran; sent as stock" "$TP_WORK/kamailio.log")"
stats=$(tp_kamcmd stats.get_statistics tcp_persona:)
tp_eq "the module opened no connection of its own" \
	"tcp_persona:conn_opened_dialog = 0" "$(grep conn_opened_dialog <<<"$stats")"
tp_eq "the module holds no connection for the dialog UE" 0 \
	"$(tp_kamcmd tcp_persona.binding "$D:$TP_UE_PORT" | grep -c 'owner: ')"

tp_done
