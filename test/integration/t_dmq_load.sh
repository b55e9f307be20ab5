#!/usr/bin/env bash
# Three P-CSCFs over DMQ under REGISTER load: 10,000 REGISTERs through
# node 1 at 500/s (five SIPp clients over TCP, 2,000 UEs each, a mix of
# personas, 30 s registrations) must all be bound on nodes 2 and 3 with
# node 1's expiry, in batches (not a DMQ message per REGISTER); node 3
# restarted gets all of them back from the others, in batches; when the
# registrations expire, every node drops them and its shared memory comes
# back to where it was before the load.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
source "$(dirname "$0")/lib_dmq.sh"
tp_workdir

N1=${TP_DMQ_NODE1_IP:-127.0.0.62}
N2=$TP_PROXY_IP
N3=${TP_DMQ_NODE3_IP:-127.0.0.63}
read -r -a SRC <<<"${TP_FORK_UE_IPS:-127.0.0.81 127.0.0.82 127.0.0.83 127.0.0.85 127.0.0.86}"
PER=${TP_DMQ_LOAD_PER:-2000}
TOTAL=$((PER * ${#SRC[@]}))
RATE=${TP_DMQ_LOAD_RATE:-500}
LIFE=30
UAS=("Persona-Dialog/1" "Persona-Transaction/1" "Persona-Reuse/1" "Persona-None/1")
# room for the load (the default 64 MB is the wire tests')
export TP_KAMAILIO_ARGS="-m 128"

shm_used() { dmq_kamcmd "$1" core.shmmem | sed -n 's/^\tused: //p'; }
bound() { dmq_stat "$1" bindings; }

tp_cfg_dmq() {
	TP_WIRE_ARGS="-A WITH_DMQ -m 128" TP_DMQ_PEER="$N1:$DMQ_PORT" tp_wire_start
}
TP_DMQ_ARGS="-m 128"
if ! dmq_node_start n1 "$N1" "$N2" || ! tp_cfg_dmq ||
	! dmq_node_start n3 "$N3" "$N1"; then
	tp_fail "three kamailio nodes with dmq and tcp_persona start"
	tp_done
	exit
fi
# the three know each other before the load (node 3 joined through node
# 1). A node may also list itself a second time, as another node: the
# module ignores its own bindings coming back.
peers_of() {
	local c
	c=$(dmq_kamcmd "$1" dmq.list_nodes | grep -c "status: active")
	((c >= 3)) && echo yes || echo "$c"
}
tp_check "each node lists the three nodes as active" \
	eval "dmq_wait 30 yes peers_of proxy && dmq_wait 30 yes peers_of n1 && dmq_wait 30 yes peers_of n3"
for n in n1 proxy n3; do
	dmq_kamcmd "$n" dmq.list_nodes | grep -E "host|port|status|local" | paste - - - - |
		sed "s/^/# $n lists: /"
done
sleep 1
declare -A SHM0
for n in n1 proxy n3; do SHM0[$n]=$(shm_used "$n"); done

for s in "${!SRC[@]}"; do
	awk -v s="$s" -v n="$PER" -v uas="${UAS[*]}" '
		BEGIN { print "SEQUENTIAL"; k = split(uas, ua, " ")
			for (i = 1; i <= n; i++) printf "l%d_%d;%d;%s\n", s, i, 10000 + i, ua[(i % k) + 1] }' \
		>"$TP_WORK/ues-$s.csv"
done
t0=$(date +%s)
pids=()
for s in "${!SRC[@]}"; do
	timeout -k 2 $((PER * ${#SRC[@]} / RATE + 60)) "$SIPP" "$N1:$TP_PROXY_PORT" -t t1 \
		-i "${SRC[$s]}" -p 5090 -sf "$TP_SIPP_DIR/register_load.xml" \
		-inf "$TP_WORK/ues-$s.csv" -key expires "$LIFE" -m "$PER" \
		-r $((RATE / ${#SRC[@]})) -l 200 -nostdin -trace_screen \
		-screen_file "$TP_WORK/load-$s.screen" >"$TP_WORK/load-$s.out" 2>&1 &
	pids+=($!)
done
ok=0
for s in "${!SRC[@]}"; do
	wait "${pids[$s]}"
	got=$(sed -n 's/^ *Successful call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$TP_WORK/load-$s.screen" 2>/dev/null | tail -1)
	ok=$((ok + ${got:-0}))
done
took=$(($(date +%s) - t0))
tp_eq "node 1 answered all $TOTAL REGISTERs 200 (in ${took} s)" "$TOTAL" "$ok"
tp_check "node 1 holds $TOTAL bindings" dmq_wait 10 "$TOTAL" bound n1
tp_check "node 2 holds all $TOTAL, within 10 s of the last REGISTER" dmq_wait 10 "$TOTAL" bound proxy
tp_check "node 3 holds all $TOTAL, within 10 s of the last REGISTER" dmq_wait 10 "$TOTAL" bound n3
sent=$(dmq_stat n1 dmq_sent)
tp_eq "node 1 sent each binding once" "$TOTAL" "$sent"
# on the wire: the KDMQ requests of tcp_persona's channel node 1 sent to
# node 2 carry many bindings each, not one per REGISTER
tp_check "the capture is written" tp_capture_stop
msgs=$("$TSHARK" -r "$TP_PCAP" -Y "sip.Method == \"KDMQ\" && ip.src == $N1 && ip.dst == $N2 && sip.r-uri.user == \"tcp_persona\"" 2>/dev/null | wc -l)
echo "# node 1 -> node 2: $TOTAL bindings in $msgs KDMQ requests"
tp_check "node 1 -> node 2: $TOTAL bindings in $msgs KDMQ requests (batched: at least 20 per request)" \
	test "$msgs" -gt 0 -a "$msgs" -le $((TOTAL / 20))

# the same expiry on every node: node 1's, to the second
expiry_of() {
	dmq_kamcmd "$1" tcp_persona.binding "$2" | sed -n 's/^\texpires_in: //p'
}
same=0 checked=0
for s in "${!SRC[@]}"; do
	for i in 1 $((PER / 2)) "$PER"; do
		a=${SRC[$s]}:$((10000 + i))
		e1=$(expiry_of n1 "$a") e2=$(expiry_of proxy "$a") e3=$(expiry_of n3 "$a")
		checked=$((checked + 1))
		[[ -n $e1 && $e2 =~ ^[0-9]+$ && $e3 =~ ^[0-9]+$ ]] &&
			((e2 - e1 <= 1 && e1 - e2 <= 1 && e3 - e1 <= 1 && e1 - e3 <= 1)) &&
			same=$((same + 1))
	done
done
tp_eq "15 UEs sampled: nodes 2 and 3 expire them with node 1 (+/- 1 s)" "$checked" "$same"
modes() { dmq_kamcmd "$1" tcp_persona.binding "$2" | sed -n 's/^\tmode: //p'; }
tp_eq "a UE's persona is node 1's on nodes 2 and 3" \
	"$(modes n1 "${SRC[0]}:10001") $(modes n1 "${SRC[0]}:10001")" \
	"$(modes proxy "${SRC[0]}:10001") $(modes n3 "${SRC[0]}:10001")"

# node 3 restarted with max_bindings 4000: the replicas respect it
tp_stop_pid "${NODE_PID[n3]}"
_tp_forget "${NODE_PID[n3]}"
TP_DMQ_ARGS="-m 128 -A MAX_BINDINGS=4000" tp_check "node 3 restarts with max_bindings 4000" \
	dmq_node_start n3 "$N3" "$N1"
tp_check "node 3 holds 4000 bindings, no more" dmq_wait 20 4000 bound n3
sleep 2
tp_eq "node 3 still holds 4000 when the others are done" 4000 "$(bound n3)"
refused=$(dmq_stat n3 bindings_refused)
tp_check "node 3 counts the ones it refused ($refused)" test "${refused:-0}" -ge 6000

# node 3 restarted: the others send it their tables, in batches
tp_stop_pid "${NODE_PID[n3]}"
_tp_forget "${NODE_PID[n3]}"
b0=$(dmq_stat n1 dmq_sync_batches)
tp_check "node 3 restarts" dmq_node_start n3 "$N3" "$N1"
tp_check "node 3, restarted, holds all $TOTAL again within 20 s" dmq_wait 20 "$TOTAL" bound n3
# node 2's answer may come first: node 1's comes too, a moment later
n1_answered() { (($(dmq_stat n1 dmq_sync_batches) > b0)) && echo yes || echo no; }
dmq_wait 10 yes n1_answered >/dev/null
sleep 1
b1=$(dmq_stat n1 dmq_sync_batches)
echo "# node 1 sent its table to node 3 in $((b1 - b0)) messages"
tp_check "node 1 sent its table in batches ($((b1 - b0)) messages for $TOTAL bindings)" \
	test $((b1 - b0)) -gt 0 -a $((b1 - b0)) -le $((TOTAL / 20))
c=$(dmq_stat n3 dmq_conflicts)
tp_check "node 3 counts the second copies it did not take (dmq_conflicts $c)" \
	test "${c:-0}" -ge 1
tp_eq "node 3 names node 1 as where a UE registered" \
	"sip:$N1:$DMQ_PORT" "$(dmq_kamcmd n3 tcp_persona.binding "${SRC[1]}:10007" | sed -n 's/^\tnode: //p')"

# a reuse UE (every fourth from the third on) keeps its registration
# connection on node 1, whatever comes back over the bus; node 2 has none
conn_of() { dmq_kamcmd "$1" tcp_persona.binding "$2" | sed -n 's/^\treg_conn_id: //p'; }
r=${SRC[0]}:10002
tp_eq "reuse UE $r: node 1 keeps its registration connection, node 2 has none" \
	"reuse yes 0" "$(modes n1 "$r") $( (($(conn_of n1 "$r") > 0)) && echo yes || echo no) $(conn_of proxy "$r")"

# expiry: all gone everywhere, shared memory back where it was
for n in n1 proxy n3; do
	tp_check "node $n: every registration gone $LIFE s later" dmq_wait $((LIFE + 40)) 0 bound "$n"
done
# node 1 is also the registrar: usrloc frees expired contacts on its own
# timer (every 60 s), and they are not the module's
ul_contacts() {
	dmq_kamcmd "$1" stats.get_statistics usrloc: |
		grep -o 'location_contacts = [0-9]*' | grep -o '[0-9]*$'
}
tp_check "node 1: usrloc dropped the expired contacts too" dmq_wait 90 0 ul_contacts n1
sleep 6 # tm keeps the DMQ transactions a few seconds after their reply
for n in n1 proxy n3; do
	now=$(shm_used "$n")
	d=$((now - SHM0[$n]))
	echo "# node $n: shm used ${SHM0[$n]} before, $now after ($d bytes)"
	tp_check "node $n: shared memory back to its level before the load (+/- 64 KiB, $d bytes)" \
		test "${d#-}" -le 65536
done
[[ -n ${TP_DMQ_HOLD:-} ]] && sleep "$TP_DMQ_HOLD"
tp_done
