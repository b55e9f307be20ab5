#!/usr/bin/env bash
# Two P-CSCFs sharing bindings over DMQ (enable_dmq). The UEs register
# through node 1; the network's calls reach them through node 2, which
# never saw their REGISTERs. On the wire, node 2 must give each UE its
# persona: dialog (each call on a connection node 2 opens and closes after
# the call), transaction (each transaction on its own connection); reuse
# needs the registration connection, which lives on node 1 only: node 2
# refuses (-2, the script's 480) and opens nothing. Then: a rules reload
# on node 1 reclassifies on node 2; node 2 restarted is synced; a
# de-registration through node 1 unbinds on node 2; after a split (node 2
# frozen) node 1 pushes node 2 what it missed; node 1 killed, node 2 goes
# on giving its dialog UE a connection per call. A UE of an observe-only
# rule is handled as none on node 2 too.
# Node 2 is the proxy the capture follows; node 1 is a second kamailio.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
source "$(dirname "$0")/lib_dmq.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
read -r _ _ _ UE4 _ <<<"${TP_FORK_UE_IPS:-127.0.0.81 127.0.0.82 127.0.0.83 127.0.0.85 127.0.0.86}"
N1=${TP_DMQ_NODE1_IP:-127.0.0.62}
N2=$TP_PROXY_IP
P=$N2
RULES=$TP_WORK/persona.rules
export TP_WIRE_RULES=$RULES
cp "$TP_IT_DIR/cfg/wire.rules" "$RULES"
echo "name=persona-observed;mode=dialog;observe=1;ua=^Persona-Observed/" >>"$RULES"

node1_start() { dmq_node_start n1 "$N1" "$N2" "$RULES" && N1_PID=${NODE_PID[n1]}; }
n1_kamcmd() { dmq_kamcmd n1 "$@"; }
n2_binding() { dmq_binding proxy "$1:$TP_UE_PORT"; }
wait_binding() { dmq_wait 10 "$2" n2_binding "$1"; }
n2_stat() { dmq_stat proxy "$1"; }

if ! node1_start; then
	tp_fail "node 1 (kamailio with dmq and tcp_persona) starts"
	tp_done
	exit
fi
if ! TP_WIRE_ARGS="-A WITH_DMQ" TP_DMQ_PEER="$N1:$DMQ_PORT" tp_wire_start; then
	tp_fail "node 2 (kamailio with dmq and tcp_persona) and tshark start"
	tp_done
	exit
fi
FROM_N1="sip:$N1:$DMQ_PORT"
TP_PROXY_IP=$N1 tp_check "UE $UE1 (dialog persona) registers through node 1" \
	tp_ue_start "$UE1" "Persona-Dialog/1.0"
TP_PROXY_IP=$N1 tp_check "UE $UE2 (transaction persona) registers through node 1" \
	tp_ue_start "$UE2" "Persona-Transaction/1.0"
TP_PROXY_IP=$N1 tp_check "UE $UE3 (reuse persona) registers through node 1" \
	tp_ue_start "$UE3" "Persona-Reuse/1.0"
tp_check "node 2 holds UE $UE1's dialog binding, from node 1" \
	wait_binding "$UE1" "dialog $FROM_N1"
tp_check "node 2 holds UE $UE2's transaction binding, from node 1" \
	wait_binding "$UE2" "transaction $FROM_N1"
tp_check "node 2 holds UE $UE3's reuse binding, from node 1" \
	wait_binding "$UE3" "reuse $FROM_N1"
tp_check "two overlapping MT calls to the dialog UE through node 2" \
	tp_net_call net_call "direct-$UE1" -m 2 -l 2 -r 4 -key hold 1500
tp_check "an MT call to the transaction UE through node 2" \
	tp_net_call net_call "direct-$UE2"
tp_check "an MT call to the reuse UE through node 2 is refused with 480" \
	tp_net_call net_call_480 "direct-$UE3"
TP_PROXY_IP=$N1 tp_check "UE $UE4 (dialog, observe-only rule) registers through node 1" \
	tp_ue_start "$UE4" "Persona-Observed/1.0"
n2_observe() { dmq_kamcmd proxy tcp_persona.binding "$1:$TP_UE_PORT" 2>/dev/null | sed -n 's/^\tobserve: //p'; }
tp_check "node 2 holds UE $UE4's binding as dialog, from node 1" \
	wait_binding "$UE4" "dialog $FROM_N1"
tp_eq "... marked observe-only" 1 "$(n2_observe "$UE4")"
opened=$(n2_stat conn_opened_dialog)
tp_check "an MT call to the observed UE through node 2" \
	tp_net_call net_call "direct-$UE4"
tp_eq "node 2 handled it as none: no dialog connection opened, its INVITE, ACK and BYE counted in observe_requests" \
	"$opened 3" "$(n2_stat conn_opened_dialog) $(n2_stat observe_requests)"

# a reload on node 1 reloads node 2: transaction becomes dialog
sed -i 's/^name=persona-transaction;mode=transaction;/name=persona-transaction;mode=dialog;/' "$RULES"
reply=$(n1_kamcmd tcp_persona.reload reclassify)
echo "$reply" | sed 's/^/# reload on node 1: /'
tp_check "tcp_persona.reload reclassify on node 1 says it asked the others" \
	grep -q 'dmq_broadcast: 1' <<<"$reply"
tp_eq "... and its reply lists node 2's answer" \
	"node=sip:$N2:$DMQ_PORT reload_code=200 reload_answer=reloaded 5 rules, generation 1, 1 changed" \
	"$(sed -n '/nodes:/,$p' <<<"$reply" | sed -n 's/^\t*\(node\|reload_code\|reload_answer\): /\1=/p' | paste -sd' ')"
tp_check "node 2 reloaded: UE $UE2 is now dialog there" \
	wait_binding "$UE2" "dialog $FROM_N1"
# node_answer NODE: node 1's record of what NODE answered to its reload
node_answer() {
	n1_kamcmd tcp_persona.nodes | awk -v n="$1" '/node:/ { on = $2 == n }
		on && /reload_code:/ { c = $2 } on && /reload_answer:/ { sub(/^[^:]*: /, ""); a = $0 }
		END { print c, a }'
}
wait_answer() { dmq_wait 5 "$2" node_answer "$1"; }
tp_check "tcp_persona.nodes on node 1: node 2 answered its reload" \
	wait_answer "sip:$N2:$DMQ_PORT" "200 reloaded 5 rules, generation 1, 1 changed"
tp_check "an MT call to UE $UE2 through node 2 after the reload" \
	tp_net_call net_call "direct-$UE2"

# node 2 restarted: it gets the bindings back from node 1 when it joins
tp_stop_pid "$TP_KAM_PID"
_tp_forget "$TP_KAM_PID"
TP_KAMAILIO_ARGS="-A WITH_PERSONA -A WITH_DMQ" tp_kamailio_start \
	"$TP_WORK/kamailio.cfg"
tp_check "node 2, restarted, is synced by node 1" \
	wait_binding "$UE1" "dialog $FROM_N1"
n=$(n2_stat dmq_received)
tp_check "node 2 counts the binding records it received ($n)" test "${n:-0}" -ge 3

# the UE's de-registration through node 1 reaches node 2
TP_PROXY_IP=$N1 tp_check "UE $UE1 de-registers through node 1" tp_ue_unregister "$UE1"
tp_check "node 2 drops UE $UE1's binding" wait_binding "$UE1" ""

# a split: node 2 frozen (SIGSTOP) until node 1 counts it gone; a UE
# registers through node 1 meanwhile; node 2 thawed: node 1 pushes it
# the whole table when dmq sees it active again
n2_all="$TP_KAM_PID $(ps -o pid= --ppid "$TP_KAM_PID")"
n2_status() {
	n1_kamcmd dmq.list_nodes | awk -v h="$N2" '/host:/ { on = $2 == h } on && /status:/ { print $2; exit }'
}
n2_active() { [[ $(n2_status) == active ]] && echo yes || echo no; }
# shellcheck disable=SC2086 # the PIDs, split
kill -STOP $n2_all
tp_check "node 2 frozen: node 1 no longer counts it active (30 s at most)" \
	dmq_wait 30 no n2_active
printf 'SEQUENTIAL\nsplit-ue;5064;Persona-Dialog/2\n' >"$TP_WORK/split.csv"
tp_check "during the split, UE $UE3:5064 (dialog) registers through node 1" \
	timeout 20 "$SIPP" "$N1:$TP_PROXY_PORT" -t t1 -i "$UE3" -p 5092 \
	-sf "$TP_SIPP_DIR/register_load.xml" -inf "$TP_WORK/split.csv" \
	-key expires 300 -m 1 -timeout 10 -nostdin -trace_screen \
	-screen_file "$TP_WORK/split.screen" >"$TP_WORK/split.out" 2>&1
# shellcheck disable=SC2086
kill -CONT $n2_all
tp_check "node 2 thawed: it holds UE $UE3:5064 within 30 s" \
	dmq_wait 30 "dialog $FROM_N1" dmq_binding proxy "$UE3:5064"

# node 1 dies (all its processes SIGKILLed, no goodbye): node 2 keeps
# serving what it learnt
n1_all="$N1_PID $(ps -o pid= --ppid "$N1_PID")"
# shellcheck disable=SC2086 # the PIDs, split
kill -KILL $n1_all 2>/dev/null
wait "$N1_PID" 2>/dev/null
_tp_forget "$N1_PID"
tp_check "node 1 killed: node 2 still holds UE $UE2 (dialog, from node 1)" \
	wait_binding "$UE2" "dialog $FROM_N1"
tp_check "node 1 killed: an MT call to UE $UE2 through node 2" \
	tp_net_call net_call "direct-$UE2"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
call="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"
inv="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK"
bye="msgs=BYE,200/BYE"
lines() { tp_ladder --only-ue "$1" | tp_ladder_mask | cut -d' ' -f3- | grep '^open=proxy'; }
l=$(lines "$UE1")
tp_eq "dialog UE: node 2 opened one connection per call, each one whole call, closed by node 2" \
	"2 2" "$(grep -c "proxy=$P:" <<<"$l") $(grep -c "proxy=$P:.* $call calls=c[0-9]* close=FIN-proxy" <<<"$l")"
l=$(lines "$UE2")
tp_eq "transaction UE: the INVITE's and the BYE's transactions on connections of their own, closed by node 2" \
	"proxy=$P:* ue=$UE2:$TP_UE_PORT $inv close=FIN-proxy|proxy=$P:* ue=$UE2:$TP_UE_PORT $bye close=FIN-proxy" \
	"$(sed -n 1,2p <<<"$l" | sed 's/^open=proxy //; s/ calls=c[0-9]*//' | paste -sd'|')"
tp_eq "after the reload, dialog: the next call on one connection, closed by node 2" \
	"proxy=$P:* ue=$UE2:$TP_UE_PORT $call close=FIN-proxy" \
	"$(sed -n 3p <<<"$l" | sed 's/^open=proxy //; s/ calls=c[0-9]*//')"
tp_eq "node 1 killed: the call on one connection, closed by node 2" \
	"proxy=$P:* ue=$UE2:$TP_UE_PORT $call close=FIN-proxy" \
	"$(sed -n 4p <<<"$l" | sed 's/^open=proxy //; s/ calls=c[0-9]*//')"
tp_eq "reuse UE: node 2 opened no connection to it" "" "$(lines "$UE3")"
# (stock keeps that connection until it idles: no close checked)
tp_eq "observed UE: one connection from node 2 for the call" \
	"proxy=$P:* ue=$UE4:$TP_UE_PORT $call" \
	"$(lines "$UE4" | sed 's/^open=proxy //; s/ calls=c[0-9]*//; s/ close=.*//')"
tp_done
