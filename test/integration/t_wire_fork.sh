#!/usr/bin/env bash
# Forking (issue 11, item 2): an AoR with contacts of different personas,
# lookup() putting them all in the branch set. Every branch is sent with
# the persona of the UE it goes to, and nothing pinned or opened for one
# branch applies to another: the reuse UE's INVITE on its registration
# connection, the dialog UE's on a new proxy connection that carries its
# whole dialog (or its CANCEL and the ACK of its 487, then FIN), the stock
# UE's as Kamailio sends it.
source "$(dirname "$0")/lib.sh"
TP_UE_IPS=${TP_FORK_UE_IPS:-"127.0.0.81 127.0.0.82 127.0.0.83 127.0.0.85 127.0.0.86"}
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r R1 D1 N1 R2 D2 <<<"$TP_UE_IPS"
P=$TP_PROXY_IP
ring="INVITE,100/INVITE,180/INVITE"
call="$ring,200/INVITE,ACK,BYE,200/BYE"
cancelled="$ring,CANCEL,200/CANCEL,487/INVITE,ACK"

if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

# fork1: the dialog UE answers, the reuse and the stock UE ring until the
# proxy cancels them; fork2: the reuse UE answers, the dialog UE rings
export TP_UE_DELAY=8000
TP_UE_USER=fork1 TP_UE_MODE=slow tp_check "fork1: UE $R1 (reuse) registers" \
	tp_ue_start "$R1" "Persona-Reuse/3.0"
TP_UE_USER=fork1 TP_UE_MODE=slow tp_check "fork1: UE $N1 (persona none) registers" \
	tp_ue_start "$N1" "Persona-None/1.0"
TP_UE_USER=fork1 tp_check "fork1: UE $D1 (dialog) registers" \
	tp_ue_start "$D1" "Persona-Dialog/1.0"
TP_UE_USER=fork2 TP_UE_MODE=slow tp_check "fork2: UE $D2 (dialog) registers" \
	tp_ue_start "$D2" "Persona-Dialog/1.0"
TP_UE_USER=fork2 tp_check "fork2: UE $R2 (reuse) registers" \
	tp_ue_start "$R2" "Persona-Reuse/3.0"

tp_check "an MT call to fork1 forks to three UEs and is answered by $D1" \
	tp_net_call net_call_fork fork1
tp_check "an MT call to fork2 forks to two UEs and is answered by $R2" \
	tp_net_call net_call_fork fork2
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
lines() { tp_ladder --only-ue "$1" | tp_ladder_mask | cut -d' ' -f3- | sed 's/ calls=[^ ]*//'; }

l=$(lines "$R1")
tp_eq "fork1, reuse UE: the INVITE and its CANCEL on the registration connection" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$R1:* msgs=REGISTER,200/REGISTER,$cancelled close=none-none" "$l"
l=$(lines "$D1")
tp_eq "fork1, dialog UE: the whole dialog on a new proxy connection, FIN after the BYE's 200" \
	"open=proxy proxy=$P:* ue=$D1:$TP_UE_PORT msgs=$call close=FIN-proxy" \
	"$(grep '^open=proxy' <<<"$l")"
tp_eq "fork1, dialog UE: nothing else than its registration connection" 2 "$(grep -c . <<<"$l")"
l=$(lines "$N1")
tp_eq "fork1, stock UE: a new proxy connection (Kamailio's own), left open" \
	"open=proxy proxy=$P:* ue=$N1:$TP_UE_PORT msgs=$cancelled close=none-none" \
	"$(grep '^open=proxy' <<<"$l")"

l=$(lines "$R2")
tp_eq "fork2, reuse UE: the whole call on the registration connection" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$R2:* msgs=REGISTER,200/REGISTER,$call close=none-none" "$l"
l=$(lines "$D2")
tp_eq "fork2, dialog UE: its cancelled INVITE on a new proxy connection, FIN after the ACK of its 487" \
	"open=proxy proxy=$P:* ue=$D2:$TP_UE_PORT msgs=$cancelled close=FIN-proxy" \
	"$(grep '^open=proxy' <<<"$l")"
tp_eq "fork2, dialog UE: nothing else than its registration connection" 2 "$(grep -c . <<<"$l")"

stats=$(tp_kamcmd stats.get_statistics tcp_persona:)
tp_eq "the module opened one connection per dialog branch" \
	"tcp_persona:conn_opened_dialog = 2" "$(grep conn_opened_dialog <<<"$stats")"
tp_eq "and closed both" "tcp_persona:conn_closed_dialog = 2" \
	"$(grep conn_closed_dialog <<<"$stats")"
for ue in "$D1:$TP_UE_PORT" "$D2:$TP_UE_PORT"; do
	tp_eq "the module holds no connection for $ue afterwards" 0 \
		"$(tp_kamcmd tcp_persona.binding "$ue" | grep -c 'owner: ')"
done

tp_done
