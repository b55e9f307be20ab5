#!/usr/bin/env bash
# Observe-only rules (mode=...;observe=1): the UE is classified, counted
# and bound with the rule's persona, but its traffic is handled as none,
# which the wire shows: an observed dialog UE gets stock Kamailio's
# connection handling (overlapping MT calls share one proxy connection;
# the network's BYE of its MO call on a new connection to the Contact); an
# observed reuse UE's registration connection is not kept (the proxy
# closes it when idle, as stock does) and its calls do not ride it. A
# reload with observe=0 and reclassify switches the rules on: the next
# calls get their persona on the wire (the reuse UE after it registers
# again: its registration connection is gone).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r D T R _ <<<"$TP_UE_IPS"
# an observed dialog UE of the same family that only calls out (MO)
read -r _ _ _ M _ <<<"${TP_FORK_UE_IPS:-127.0.0.81 127.0.0.82 127.0.0.83 127.0.0.85 127.0.0.86}"
UD=$(tp_ue_user "$D")
UT=$(tp_ue_user "$T")
UR=$(tp_ue_user "$R")
P=$TP_PROXY_IP
RULES=$TP_WORK/persona.rules
export TP_WIRE_RULES=$RULES
cat >"$RULES" <<'EOF'
name=persona-dialog;mode=dialog;observe=1;ua=^Persona-Dialog/
name=persona-transaction;mode=transaction;observe=0;ua=^Persona-Transaction/
name=persona-reuse;mode=reuse;observe=1;ua=^Persona-Reuse/
EOF
call="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"
LIFETIME=6 # tcp_connection_lifetime: idle connections close soon
export TP_UE_LIFE=$(((12 * LIFETIME + 60) * 1000))

stat() {
	tp_kamcmd stats.get_statistics tcp_persona: | tr -d '\t' |
		sed -n "s/^tcp_persona:$1 = //p"
}

if ! tp_wire_start -A "TCP_LIFETIME=$LIFETIME"; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

tp_eq "tcp_persona.rules shows which rules are observe-only" \
	"persona-dialog:1 persona-transaction:0 persona-reuse:1" \
	"$(tp_kamcmd tcp_persona.rules | awk '/^\tname:/ { n = $2 } /^\tobserve:/ { printf "%s%s:%s", s, n, $2; s = " " }')"

tp_check "UE $D (dialog, observed) registers" tp_ue_start "$D" "Persona-Dialog/2.1"
tp_check "UE $T (transaction) registers" tp_ue_start "$T" "Persona-Transaction/1.0"
tp_check "UE $R (reuse, observed) registers" tp_ue_start "$R" "Persona-Reuse/7"
tp_check "UE $M (dialog, observed, MO only) registers" tp_ue_start "$M" "Persona-Dialog/2.2"
tp_eq "the observed dialog UE's binding shows the persona it would get" \
	"rule=persona-dialog mode=dialog observe=1" \
	"$(tp_binding_field "$D" 'rule\|mode\|observe' | paste -sd' ')"
tp_eq "the observed reuse UE's binding too" "mode=reuse observe=1" \
	"$(tp_binding_field "$R" 'mode\|observe' | paste -sd' ')"
tp_eq "the transaction UE is not observed" "mode=transaction observe=0" \
	"$(tp_binding_field "$T" 'mode\|observe' | paste -sd' ')"
tp_eq "REGISTERs counted as if the rules applied, and as observed" \
	"2 1 1 3" \
	"$(stat register_dialog) $(stat register_reuse) $(stat register_transaction) $(stat observe_registers)"

# MT: two overlapping calls to the observed dialog UE, one to each other
tp_check "two overlapping MT calls to the observed dialog UE" \
	tp_net_call net_call "$UD" -m 2 -l 2 -r 4 -key hold 1500
tp_check "an MT call to the observed reuse UE" tp_net_call net_call "$UR"
tp_check "an MT call to the transaction UE" tp_net_call net_call "$UT"
# MO: an observed dialog UE calls out on a connection of its own; the
# network hangs up. Stock sends that BYE to the Contact, whose sipp does
# not expect it: only the network side's view is checked.
export TP_NET_ANSWER=net_answer_netbye
tp_net_answer_start 1
tp_ue_call "$M" ue_call_netbye >/dev/null 2>&1
tp_net_answer_wait >/dev/null 2>&1
unset TP_NET_ANSWER
# each MT call: INVITE, ACK, BYE to the UE; the MO call: the INVITE from
# the UE and the network's BYE to it (its ACK, on a connection of its own
# and without a Contact, is not known as the UE's: handled as stock in
# every persona)
tp_eq "observe_requests: 3 per MT call to an observed UE, 2 for the MO call" \
	11 "$(stat observe_requests)"
tp_eq "no connection opened or closed for a persona of an observed UE" \
	"0 0" "$(stat conn_opened_dialog) $(stat conn_closed_dialog)"

# the observed reuse UE's registration connection idles past the lifetime
sleep $((2 * LIFETIME + 2))

# switch both rules on, reclassify the bound UEs
sed -i 's/;observe=1;/;observe=0;/' "$RULES"
tp_eq "reload reclassify: 4 re-matched, 3 changed (observe off)" \
	"reclassified: 4 changed: 3" \
	"$(tp_kamcmd tcp_persona.reload reclassify | sed -n 's/^\t\(reclassified\|changed\): /\1: /p' | paste -sd' ')"
tp_eq "the dialog UE is no longer observed" "mode=dialog observe=0" \
	"$(tp_binding_field "$D" 'mode\|observe' | paste -sd' ')"
tp_check "two overlapping MT calls to the dialog UE, rule on" \
	tp_net_call net_call "$UD" -m 2 -l 2 -r 4 -key hold 1500
tp_check "the reuse UE registers again (its connection is gone)" \
	tp_ue_reregister "$R" "Persona-Reuse/7"
tp_check "an MT call to the reuse UE, rule on" tp_net_call net_call "$UR"
tp_eq "observe_requests did not move" 11 "$(stat observe_requests)"
tp_check "the capture is written" tp_capture_stop
tp_ladder --call-ids | sed 's/^/# /'

l=$(tp_ladder --only-ue "$D" | tp_ladder_mask | sed 's/ calls=[^ ]*//')
two="INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE,BYE,200/BYE"
tp_eq "observed dialog UE: the overlapping calls share one proxy connection (stock)" \
	"conn 2 open=proxy proxy=$P:* ue=$D:$TP_UE_PORT msgs=$two" \
	"$(sed -n 2p <<<"$l" | sed 's/ close=.*//')"
lm=$(tp_ladder --only-ue "$M" | tp_ladder_mask | cut -d' ' -f3- | sed 's/ calls=[^ ]*//')
tp_eq "observed dialog UE, MO: its connection carries the call without the network's BYE (stock)" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$M:$TP_UE_MO_PORT msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK" \
	"$(grep " ue=$M:$TP_UE_MO_PORT " <<<"$lm" | sed 's/ close=.*//')"
tp_eq "observed dialog UE, MO: the BYE on a connection the proxy opens to the Contact" \
	"open=proxy proxy=$P:* ue=$M:$TP_UE_PORT msgs=BYE" \
	"$(grep '^open=proxy' <<<"$lm" | sed 's/ close=.*//; s/,[0-9]*\/BYE//')"
tp_eq "dialog UE, rule on: each call on a new connection FIN'd by the proxy; no other proxy connection but the observed calls' one" \
	"2 3" \
	"$(grep -c " open=proxy .* $call close=FIN-proxy" <<<"$l") $(grep -c ' open=proxy ' <<<"$l")"
lr=$(tp_ladder --only-ue "$R" | tp_ladder_mask | sed 's/ calls=[^ ]*//')
tp_eq "observed reuse UE: its registration connection carries no call and is closed idle by the proxy (stock)" \
	"conn 1 open=ue proxy=$P:$TP_PROXY_PORT ue=$R:* msgs=REGISTER,200/REGISTER close=FIN-proxy" \
	"$(sed -n 1p <<<"$lr")"
tp_eq "observed reuse UE: its call on a connection the proxy opens to the Contact (stock)" \
	"open=proxy proxy=$P:* ue=$R:$TP_UE_PORT $call" \
	"$(grep ' open=proxy ' <<<"$lr" | cut -d' ' -f3- | sed 's/ close=.*//')"
tp_eq "reuse UE, rule on: the call rides on its new registration connection" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$R:$TP_UE_MO_PORT msgs=REGISTER,200/REGISTER,${call#msgs=}" \
	"$(grep " ue=$R:$TP_UE_MO_PORT " <<<"$lr" | cut -d' ' -f3- | sed 's/ close=.*//')"
tp_done
