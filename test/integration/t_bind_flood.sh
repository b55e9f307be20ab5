#!/usr/bin/env bash
# A binding flood: with max_bindings 2, a third UE and then 300 REGISTERs
# of distinct Contacts are still registered (200 OK, usrloc) but not bound;
# they are counted, logged at most once per 10 s per process, and the
# unbound UE is handled as stock; bound UEs can still refresh.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
if ! tp_wire_start -A MAX_BINDINGS=2; then
	tp_fail "kamailio with tcp_persona (max_bindings 2) and tshark start"
	tp_done
	exit
fi
field() { tp_kamcmd tcp_persona.stats | sed -n "s/^\t$1: //p"; }
# flood NAME: the 300 REGISTERs of ues.csv at once from UE3, bounded in
# time; its output in NAME.out, its exit status returned
flood() {
	timeout -k 2 60 "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" -t t1 -i "$UE3" -p 5095 \
		-sf "$TP_ROOT/bench/sipp/register_many.xml" -inf "$TP_WORK/ues.csv" \
		-m 300 -r 300 -l 100 -nostdin >"$TP_WORK/$1.out" 2>&1
}

tp_check "UE $UE1 registers and is bound" tp_ue_start "$UE1" "Persona-Dialog/1.0"
tp_check "UE $UE2 registers and is bound" tp_ue_start "$UE2" "Persona-Dialog/1.0"
tp_check "UE $UE3 registers (200 OK) beyond max_bindings" \
	tp_ue_start "$UE3" "Persona-Dialog/1.0"
tp_eq "two UEs bound, one refused" "2 1" "$(field bindings) $(field bindings_refused)"
tp_eq "UE $UE3 has no binding" "error: 404 - no binding for that address" \
	"$(tp_kamcmd tcp_persona.binding "$UE3:$TP_UE_PORT" 2>&1)"
tp_check "an MT call to the unbound UE completes (stock handling)" \
	tp_net_call net_call "$(tp_ue_user "$UE3")"
tp_check "a bound UE refreshes its registration over a new connection" \
	tp_ue_reregister "$UE1" "Persona-Dialog/1.0"

# 300 more UEs at once, from one SIPp over TCP (distinct Contact ports)
{
	echo SEQUENTIAL
	for i in $(seq 1 300); do echo "flood$i;$((20000 + i))"; done
} >"$TP_WORK/ues.csv"
flood flood
tp_eq "the flood's 300 REGISTERs all got their 200 OK" 0 "$?"
tp_eq "still two bindings, 301 refused" "2 301" "$(field bindings) $(field bindings_refused)"
tp_eq "usrloc registered them all (registration is not refused): 3 UEs + 300" \
	"usrloc:registered_users = 303" \
	"$(tp_kamcmd stats.get_statistics usrloc: | grep -o 'usrloc:registered_users = [0-9]*')"
warned=$(grep -c "max_bindings reached" "$TP_WORK/kamailio.log")
tp_check "the refusals are logged, at most once per 10 s per process ($warned lines)" \
	test "$warned" -ge 1 -a "$warned" -le 4
tp_check "kamailio still serves: a call to bound UE $UE2" \
	tp_net_call net_call "$(tp_ue_user "$UE2")"
tp_check "the capture is written" tp_capture_stop
tp_eq "the bound UE's call rode on a proxy-opened connection closed by the proxy" 1 \
	"$(tp_ladder --only-ue "$UE2" | grep -c ' open=proxy .*close=FIN-proxy')"

# the table itself full: hash_size 4 holds 12 UEs, max_bindings 0 sets no
# other limit; the same flood binds 12 and refuses the rest
tp_stop_all
if ! tp_wire_start -A HASH_SIZE=4 -A MAX_BINDINGS=0; then
	tp_fail "kamailio with tcp_persona (hash_size 4) starts"
	tp_done
	exit
fi
tp_check "startup warns that hash_size 4 holds 12 UEs" \
	grep -q "hash_size 4: the binding table holds 12 UEs" "$TP_WORK/kamailio.log"
tp_eq "the status shows the capacity" 12 "$(field capacity)"
flood flood2
tp_eq "the flood's 300 REGISTERs all got their 200 OK" 0 "$?"
tp_eq "12 bound, 288 refused" "12 288" "$(field bindings) $(field bindings_refused)"
tp_check "the refusal is logged with its reason" \
	grep -q "the binding table is full (hash_size)" "$TP_WORK/kamailio.log"
tp_done
