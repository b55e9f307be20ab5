#!/usr/bin/env bash
# tcp_persona benchmark, end to end: the real kamailio with
# test/integration/cfg/pcscf.cfg (its per-message xlog lines dropped), 30
# SIPp UEs over TCP (10 per persona under test), and MT calls
# (INVITE/200/ACK/BYE/200, no hold) from one SIPp caller over UDP at a
# fixed rate. Configurations, alternating round after round:
#   (i)    no module             (ii)  module, every UE persona none
#   (iii)  every UE reuse        (iv)  every UE dialog
#   (v)    every UE transaction
#   (vi-d) no module, tcpops closes on the BYE's 2xx (what a script does
#          today for dialog)     (vi-t) also set_forward_close() on the ACK
#          (for transaction)
# Per run: kamailio's CPU seconds (utime+stime of all its processes) per
# 1,000 calls, failed calls, TCP connections of the proxy before and 3 s
# after. Prints medians and ratios; writes $BENCH_OUT (key=value lines).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export TP_TEST_NAME=bench-e2e
export TP_PROXY_IP=${TP_PROXY_IP:-127.0.0.141} TP_PROXY_PORT=${TP_PROXY_PORT:-35060}
export TP_NET_IP=${TP_NET_IP:-127.0.0.149}
UE_IPS=()
for i in $(seq 151 180); do UE_IPS+=("127.0.0.$i"); done
export TP_UE_IPS="${UE_IPS[*]}"
source "$here/../test/integration/lib.sh"
source "$here/../test/integration/lib_wire.sh"
trap tp_stop_all EXIT

ROUNDS=${BENCH_ROUNDS:-3}
RATE=${BENCH_RATE:-300}
CALLS=${BENCH_CALLS:-3000}
BENCH_OUT=${BENCH_OUT:-/dev/null}
CONFIGS=(i ii iii iv v vi-d vi-t)
declare -A UA=([i]=Persona-None/1 [ii]=Persona-None/1 [iii]=Persona-Reuse/1
	[iv]=Persona-Dialog/1 [v]=Persona-Transaction/1 [vi-d]=Persona-None/1
	[vi-t]=Persona-None/1)
declare -A ARGS=([i]="" [ii]="-A WITH_PERSONA" [iii]="-A WITH_PERSONA"
	[iv]="-A WITH_PERSONA" [v]="-A WITH_PERSONA"
	[vi-d]="-A WITH_SCRIPT_CLOSE" [vi-t]="-A WITH_SCRIPT_CLOSE -A WITH_SCRIPT_CLOSE_ACK")

tp_workdir
# the test P-CSCF without its log line per message, and a caller that takes
# its AoR from a list, one UE after the other
sed -e '/xlog("L_INFO", "REQ /d' -e '/xlog("L_INFO", "RPL /d' \
	-e 's/^debug=2/debug=1/' "$TP_IT_DIR/cfg/pcscf.cfg" >"$TP_WORK/pcscf.cfg"
sed 's/\[service\]/[field0]/g' "$TP_SIPP_DIR/net_call.xml" >"$TP_WORK/call.xml"
{
	echo SEQUENTIAL
	for ip in "${UE_IPS[@]}"; do echo "$(tp_ue_user "$ip");"; done
} >"$TP_WORK/aors.csv"

# cpu_ticks PID: utime+stime of PID and its children, in clock ticks
cpu_ticks() {
	local p sum=0
	for p in "$1" $(ps -o pid= --ppid "$1"); do
		sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$sum"
}

# conns: TCP connections of the proxy's address
conns() {
	ss -Htan state established "( src $TP_PROXY_IP or dst $TP_PROXY_IP )" | wc -l
}

# run CONFIG: one measured run; prints "cpu_per_1000 failed before after"
run() {
	local c=$1 ip pid t0 t1 before after rc log=$TP_WORK/run-$1-$2
	mkdir -p "$log"
	tp_wire_cfg "$log/kamailio.cfg" RULES_FILE="$TP_IT_DIR/cfg/wire.rules" \
		LUA=/dev/null
	sed -i -e '/xlog("L_INFO", "REQ /d' -e '/xlog("L_INFO", "RPL /d' \
		-e 's/^debug=2/debug=1/' "$log/kamailio.cfg"
	TP_WORK_SAVE=$TP_WORK
	TP_WORK=$log
	# shellcheck disable=SC2086
	TP_KAMAILIO_ARGS="${ARGS[$c]}" tp_kamailio_start "$log/kamailio.cfg" ||
		{ TP_WORK=$TP_WORK_SAVE; echo "x x x x"; return; }
	TP_UE_LIFE=$(((CALLS / RATE + 40) * 1000))
	for ip in "${UE_IPS[@]}"; do
		tp_ue_start "$ip" "${UA[$c]}" 3600 >/dev/null 2>&1 ||
			echo "bench: UE $ip did not register ($c)" >&2
	done
	before=$(conns)
	t0=$(cpu_ticks "$TP_KAM_PID")
	timeout -k 2 $((CALLS / RATE + 60)) "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" \
		-t u1 -i "$TP_NET_IP" -p "$TP_NET_PORT" -sf "$TP_WORK_SAVE/call.xml" \
		-inf "$TP_WORK_SAVE/aors.csv" -m "$CALLS" -r "$RATE" -l 200 \
		-key hold 0 -nostdin -trace_screen -screen_file "$log/screen" \
		>"$log/sipp.out" 2>&1
	rc=$?
	t1=$(cpu_ticks "$TP_KAM_PID")
	sleep 3 # closes after the last call
	after=$(conns)
	failed=$(sed -n 's/^ *Failed call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$log/screen" | tail -1)
	ok=$(sed -n 's/^ *Successful call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$log/screen" | tail -1)
	[[ -n $failed ]] || failed=$((CALLS - ${ok:-0}))
	for ip in "${UE_IPS[@]}"; do tp_ue_stop "$ip"; done
	tp_stop_pid "$TP_KAM_PID"
	_tp_forget "$TP_KAM_PID"
	TP_WORK=$TP_WORK_SAVE
	awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v n="${ok:-0}" \
		-v f="$failed" -v b="$before" -v a="$after" -v rc="$rc" \
		'BEGIN { printf "%.3f %d %d %d\n", (n ? t / hz / n * 1000 : 0), f + (rc && !f), b, a }'
}

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

declare -A CPU FAILED BEFORE AFTER
echo "end to end: $CALLS MT calls at $RATE/s to 30 UEs per run, $ROUNDS rounds of ${CONFIGS[*]}"
for r in $(seq 1 "$ROUNDS"); do
	for c in "${CONFIGS[@]}"; do
		read -r cpu failed before after <<<"$(run "$c" "$r")"
		echo "  round $r ($c): ${cpu} cpu-s/1000 calls, $failed failed, connections $before -> $after"
		CPU[$c]+="$cpu "
		FAILED[$c]=$((${FAILED[$c]:-0} + ${failed:-0}))
		BEFORE[$c]=$before
		AFTER[$c]=$after
	done
done
printf "%-8s %-34s %12s %8s %14s\n" config what "cpu-s/1000" failed "conns bef/aft"
declare -A WHAT=([i]="no module" [ii]="module, all none" [iii]="module, all reuse"
	[iv]="module, all dialog" [v]="module, all transaction"
	[vi-d]="script: close on BYE 2xx" [vi-t]="script: + close after ACK")
declare -A MED
for c in "${CONFIGS[@]}"; do
	MED[$c]=$(tr ' ' '\n' <<<"${CPU[$c]}" | grep . | median)
	printf "%-8s %-34s %12s %8s %14s\n" "($c)" "${WHAT[$c]}" "${MED[$c]}" \
		"${FAILED[$c]}" "${BEFORE[$c]}/${AFTER[$c]}"
	echo "e2e_${c//-/_}_cpu=${MED[$c]} e2e_${c//-/_}_failed=${FAILED[$c]} e2e_${c//-/_}_conns=${BEFORE[$c]}/${AFTER[$c]}" >>"$BENCH_OUT"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
check() { awk -v r="$1" -v lim="$2" 'BEGIN { print (r <= lim ? "met" : "MISSED") }'; }
for c in ii iii; do
	q=$(ratio "${MED[$c]}" "${MED[i]}")
	echo "target ($c) <= 1.02x the CPU of (i): $(check "$q" 1.02) (${q}x)"
done
q=$(ratio "${MED[iv]}" "${MED[vi-d]}")
echo "target (iv) <= 1.1x the CPU of (vi-d): $(check "$q" 1.1) (${q}x)"
q=$(ratio "${MED[v]}" "${MED[vi-t]}")
echo "target (v) <= 1.1x the CPU of (vi-t): $(check "$q" 1.1) (${q}x)"
for c in iv v; do
	echo "target ($c) $RATE calls/s, 0 failed, connections back to the baseline: failed ${FAILED[$c]}, connections ${BEFORE[$c]} -> ${AFTER[$c]}"
done
