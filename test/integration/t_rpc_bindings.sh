#!/usr/bin/env bash
# tcp_persona.bindings / binding / unbind / stats against registered SIPp
# UEs, with good and bad parameters; the connections binding shows are
# checked against the capture; statistics after a known scenario, through
# kamcmd and xhttp_prom.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
U2=$(tp_ue_user "$UE2")
P=$TP_PROXY_IP

# every MT INVITE to a bound UE counted by discovery: its statistics below
# are exact (the default samples one INVITE in 16 per process)
if ! tp_wire_start -A WITH_PROM -A DISCOVER_MT_SAMPLE=1; then
	tp_fail "kamailio with tcp_persona, xhttp_prom and tshark start"
	tp_done
	exit
fi

flat() {
	tp_kamcmd "$@" 2>&1 | sed -n 's/^\t\+\([a-z_]*\): \(.*\)$/\1=\2/p;/^error/p' |
		paste -sd' '
}

tp_check "UE $UE1 (dialog) registers" tp_ue_start "$UE1" "Persona-Dialog/1.0"
tp_check "UE $UE2 (transaction) registers" tp_ue_start "$UE2" "Persona-Transaction/2.0"
tp_check "UE $UE3 (reuse) registers" tp_ue_start "$UE3" "Persona-Reuse/3.0"

# --- bindings
all=$(tp_kamcmd tcp_persona.bindings)
tp_eq "bindings: total, offset and count" "total=3 offset=0 count=3" \
	"$(flat tcp_persona.bindings | grep -o 'total=[0-9]* offset=[0-9]*\|count=[0-9]*' | paste -sd' ')"
b1=$(tp_kamcmd tcp_persona.bindings | sed -n "/address: $UE1:$TP_UE_PORT\$/,/}/p" |
	sed -n 's/^\t*\([a-z_]*\): \(.*\)$/\1=\2/p' | paste -sd' ' |
	sed 's/source=\([0-9.]*\):[0-9]*/source=\1:*/;s/reg_conn_id=-\?[1-9][0-9]*/reg_conn_id=N/;s/expires_in=\(59[0-9]\|600\) /expires_in=~600 /')
tp_eq "bindings: a UE's address, source, AoR, User-Agent, rule, mode, observe, connection, expiry" \
	"address=$UE1:$TP_UE_PORT source=$UE1:* aor=sip:$U1@$P user_agent=Persona-Dialog/1.0 rule=persona-dialog mode=dialog observe=0 reg_conn_id=N expires_in=~600 node=local" \
	"$b1"
pages=$( (tp_kamcmd tcp_persona.bindings 0 2; tp_kamcmd tcp_persona.bindings 2 2) |
	sed -n 's/^\t*address: //p' | sort | paste -sd' ')
tp_eq "bindings: two pages hold every UE once" \
	"$UE1:$TP_UE_PORT $UE2:$TP_UE_PORT $UE3:$TP_UE_PORT" "$pages"
tp_eq "bindings: a page of one" "total=3 offset=1 count=1" \
	"$(flat tcp_persona.bindings 1 1 | grep -o 'total=[0-9]* offset=[0-9]*\|count=[0-9]*' | paste -sd' ')"
tp_eq "bindings: past the end, an empty page" "total=3 offset=9 count=0" \
	"$(flat tcp_persona.bindings 9 | grep -o 'total=[0-9]* offset=[0-9]*\|count=[0-9]*' | paste -sd' ')"
tp_eq "bindings: limit 1000 is allowed" "count=3" \
	"$(flat tcp_persona.bindings 0 1000 | grep -o 'count=[0-9]*')"
# kamcmd takes "-1" for an option: "s:" sends it as a string
for bad in "s:-1" "x" "1x"; do
	tp_eq "bindings: offset '${bad#s:}' is an error reply" \
		"error: 400 - bad offset '${bad#s:}': expected a number >= 0" \
		"$(flat tcp_persona.bindings "$bad")"
done
for bad in 0 1001 "s:-5" ten; do
	tp_eq "bindings: limit '${bad#s:}' is an error reply" \
		"error: 400 - bad limit '${bad#s:}': expected 1 to 1000" \
		"$(flat tcp_persona.bindings 0 "$bad")"
done
tp_eq "bindings: a parameter that is no whole number (a float) is an error reply" \
	"error: 400 - bad parameters: expected [offset [limit]], whole numbers" \
	"$(flat tcp_persona.bindings 0 2.5)"
tp_eq "bindings: a third parameter is an error reply" \
	"error: 400 - too many parameters: expected [offset [limit]]" \
	"$(flat tcp_persona.bindings 0 10 5)"

# --- binding, during a call to the dialog UE (held 3 s)
TP_HOLD=3000 tp_net_call net_call "$U1" >/dev/null 2>&1 &
call_pid=$!
for i in $(seq 1 30); do
	tp_kamcmd tcp_persona.binding "$UE1:$TP_UE_PORT" | grep -q "owner: dialog" && break
	sleep 0.1
done
during=$(tp_kamcmd tcp_persona.binding "$UE1:$TP_UE_PORT")
source_addr=$(sed -n 's/^\tsource: //p' <<<"$during")
wait "$call_pid"
tp_eq "binding: the UE's fields" \
	"address=$UE1:$TP_UE_PORT aor=sip:$U1@$P user_agent=Persona-Dialog/1.0 rule=persona-dialog mode=dialog" \
	"$(sed -n 's/^\t\(address\|aor\|user_agent\|rule\|mode\): \(.*\)$/\1=\2/p' <<<"$during" | paste -sd' ')"
conn=$(sed -n '/connections:/,$p' <<<"$during" | sed -n 's/^\t*\([a-z_]*\): \(.*\)$/\1=\2/p' | paste -sd' ')
tp_eq "binding: during the call, one connection owned by the dialog" 1 \
	"$(grep -o 'owner=dialog' <<<"$conn" | wc -l)"
# the module's own connection ids count down from INT_MAX (tp_connid.h);
# the first is the new-connection marker's (tp_fresh.h)
tp_eq "binding: the first connection the module opened has its first free id" \
	"id=2147483646" "$(grep -o 'id=[0-9-]*' <<<"$conn" | head -1)"
tp_eq "binding: the same binding found by the REGISTER's source address" \
	"address=$UE1:$TP_UE_PORT" "$(flat tcp_persona.binding "$source_addr" | grep -o "address=[^ ]*")"
after=$(tp_kamcmd tcp_persona.binding "$UE1:$TP_UE_PORT")
tp_eq "binding: after the call, no connection held" "" \
	"$(sed -n '/connections:/,$p' <<<"$after" | grep -o 'owner: .*')"
for bad in "nonsense" "127.0.0.1" "127.0.0.1:0" "[::1]" "$UE1:99999"; do
	tp_eq "binding: '$bad' is an error reply" \
		"error: 400 - bad address '$bad': expected ip:port or [ipv6]:port" \
		"$(flat tcp_persona.binding "$bad")"
done
tp_eq "binding: no binding is a 404" "error: 404 - no binding for that address" \
	"$(flat tcp_persona.binding 127.0.0.99:5060)"
tp_eq "binding: missing parameter" \
	"error: 400 - missing parameter: the UE's address, ip:port or [ipv6]:port" \
	"$(flat tcp_persona.binding)"
tp_eq "binding: extra parameter" \
	"error: 400 - one parameter expected: the UE's address" \
	"$(flat tcp_persona.binding "$UE1:$TP_UE_PORT" x)"

# --- unbind: the transaction UE falls back to the default mode (none)
tp_check "an MT call to the transaction UE while bound" tp_net_call net_call "$U2"
tp_eq "unbind: removes the binding" "address=$UE2:$TP_UE_PORT removed=1" \
	"$(flat tcp_persona.unbind "$UE2:$TP_UE_PORT")"
tp_eq "unbind: the binding is gone" "error: 404 - no binding for that address" \
	"$(flat tcp_persona.binding "$UE2:$TP_UE_PORT")"
tp_eq "unbind: again is a 404" "error: 404 - no binding for that address" \
	"$(flat tcp_persona.unbind "$UE2:$TP_UE_PORT")"
tp_eq "unbind: a bad address" \
	"error: 400 - bad address 'x:1': expected ip:port or [ipv6]:port" \
	"$(flat tcp_persona.unbind x:1)"
tp_eq "unbind: missing parameter" \
	"error: 400 - missing parameter: the UE's address, ip:port or [ipv6]:port" \
	"$(flat tcp_persona.unbind)"
tp_check "an MT call to the unbound UE" tp_net_call net_call "$U2"

# --- statistics after this known scenario
stats=$(tp_kamcmd stats.get_statistics tcp_persona: | tr -d '\t' | sort |
	paste -sd' ')
tp_eq "stats.get_statistics tcp_persona: after the scenario" \
	"tcp_persona:bindings = 2 tcp_persona:bindings_refused = 0 tcp_persona:conn_closed_dialog = 1 tcp_persona:conn_closed_transaction = 2 tcp_persona:conn_opened_dialog = 1 tcp_persona:conn_opened_transaction = 2 tcp_persona:dmq_conflicts = 0 tcp_persona:dmq_dropped = 0 tcp_persona:dmq_received = 0 tcp_persona:dmq_sent = 0 tcp_persona:dmq_sync_batches = 0 tcp_persona:families = 2 tcp_persona:families_evicted = 0 tcp_persona:new_families = 2 tcp_persona:observe_registers = 0 tcp_persona:observe_requests = 0 tcp_persona:owned_lost = 0 tcp_persona:register_dialog = 1 tcp_persona:register_none = 0 tcp_persona:register_reuse = 1 tcp_persona:register_transaction = 1 tcp_persona:reuse_refused = 0 tcp_persona:unmatched = 0" \
	"$stats"
tp_eq "tcp_persona.stats says the same" \
	"bindings=2 capacity=100000 rules=4 generation=0 register_none=0 register_reuse=1 register_dialog=1 register_transaction=1 unmatched=0 conn_opened_dialog=1 conn_opened_transaction=2 conn_closed_dialog=1 conn_closed_transaction=2 reuse_refused=0 owned_lost=0 switch_failed=0 bindings_refused=0" \
	"$(flat tcp_persona.stats)"
prom=$(python3 -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
	"http://$P:$TP_PROXY_PORT/metrics" 2>&1 | grep '^kamailio_tcp_persona_' | sed 's/ [0-9]*$//;s/ \([0-9]*\) [0-9]*$/ \1/' | sort)
tp_eq "xhttp_prom: the gauge and a counter as Prometheus metrics" \
	"kamailio_tcp_persona_bindings 2|kamailio_tcp_persona_conn_opened_transaction 2" \
	"$(grep -E '^kamailio_tcp_persona_(bindings|conn_opened_transaction) ' <<<"$prom" | paste -sd'|')"
tp_check "the capture is written" tp_capture_stop

tp_ladder --call-ids | sed 's/^/# /'
local_port=$(sed -n '/connections:/,$p' <<<"$during" | sed -n 's/^\t*local_port: //p')
remote_port=$(sed -n '/connections:/,$p' <<<"$during" | sed -n 's/^\t*remote_port: //p')
tp_eq "binding: the connection shown is the call's on the wire (proxy port, UE port)" \
	"open=proxy proxy=$P:$local_port ue=$UE1:$remote_port" \
	"$(tp_ladder --only-ue "$UE1" | grep ' open=proxy ' | grep -o "open=proxy proxy=[^ ]* ue=[^ ]*")"
l2=$(tp_ladder --only-ue "$UE2" | grep ' open=proxy ' | tp_ladder_mask)
tp_eq "unbind: bound, the call's connection is closed by the proxy" "FIN-proxy" \
	"$(sed -n 1p <<<"$l2" | grep -o 'close=[^ ]*' | cut -d= -f2)"
tp_eq "unbind: unbound (mode none), the proxy leaves its connection open" \
	"none-none" "$(tail -1 <<<"$l2" | grep -o 'close=[^ ]*' | cut -d= -f2)"
tp_done
