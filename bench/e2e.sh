#!/usr/bin/env bash
# tcp_persona benchmark, end to end: the real kamailio with
# test/integration/cfg/pcscf.cfg (its per-message xlog lines dropped), 30
# SIPp UEs over TCP (10 per persona under test), and MT calls
# (INVITE/200/ACK/BYE/200, BYE 30 ms after the ACK) from one SIPp caller
# over UDP at a fixed rate, the UEs in turn: at 300/s a UE gets a call every
# 100 ms, so calls to one UE do not overlap (the script approximations (vi)
# need that). Configurations, alternating, each round in another order:
#   (i)    no module             (ii)  module, every UE persona none
#   (iii)  every UE reuse        (iv)  every UE dialog
#   (v)    every UE transaction
#   (vi-d) no module, tcpops closes on the BYE's 2xx (what a script does
#          today for dialog)     (vi-t) also set_forward_close() on the ACK
#          (for transaction)
# Per run: kamailio's CPU seconds (utime+stime of all its processes) per
# 1,000 calls, failed calls, TCP connections of the proxy before and 3 s
# after. Every run starts from the same state: its own fresh loopback
# addresses (proxy 127.1.N.1, network 127.1.N.9, UEs 127.1.N.151-180 for
# run N), so no TIME_WAIT socket of an earlier run shares a bind bucket or
# a 4-tuple with it (printed per run: 0 expected). Prints min, median and
# max per configuration, the per-round paired ratios and their medians;
# writes $BENCH_OUT (key=value lines).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export TP_TEST_NAME=bench-e2e
source "$here/setup.sh"

ROUNDS=${BENCH_ROUNDS:-5}
RATE=${BENCH_RATE:-300}
CALLS=${BENCH_CALLS:-3000}
BENCH_OUT=${BENCH_OUT:-/dev/null}
HOLD=${BENCH_HOLD:-30}
# shared memory for kamailio: at 300 calls/s tm keeps about 1,500 calls'
# transactions (its 5 s wait) and dialogs, about 35 KB each with a dialog
# connection's buffers: more than the tests' 64 MB (every configuration
# gets the same)
SHM_MB=${BENCH_SHM_MB:-256}

tp_workdir
bench_caller_files

# conns: TCP connections of the proxy's address
conns() {
	ss -Htan state established "( src $TP_PROXY_IP or dst $TP_PROXY_IP )" | wc -l
}

# run CONFIG ROUND: one measured run, in this shell (its processes are
# stopped by PID); sets R_CPU (kamailio CPU s per 1000 calls), R_FAILED,
# R_BEFORE and R_AFTER (connections)
RUN_NO=0
# fresh_addresses: this run's own loopback addresses (see above)
fresh_addresses() {
	local n=$((++RUN_NO)) i
	TP_PROXY_IP=127.1.$n.1 TP_NET_IP=127.1.$n.9
	UE_IPS=()
	for i in $(seq 151 180); do UE_IPS+=("127.1.$n.$i"); done
	R_TW=$(ss -Htan state time-wait "( src 127.1.$n.0/24 or dst 127.1.$n.0/24 )" | wc -l)
}

run() {
	local c=$1 ip t0 t1 rc ok log=$TP_WORK/run-$1-$2
	R_CPU=x R_FAILED=$CALLS R_BEFORE=x R_AFTER=x
	fresh_addresses
	mkdir -p "$log"
	TP_WORK_SAVE=$TP_WORK
	TP_WORK=$log
	bench_cfg "$log/kamailio.cfg"
	# shellcheck disable=SC2086
	if ! TP_KAMAILIO_ARGS="${ARGS[$c]} -m $SHM_MB ${BENCH_KAMAILIO_ARGS:-}" \
		tp_kamailio_start "$log/kamailio.cfg"; then
		tp_stop_all
		TP_WORK=$TP_WORK_SAVE
		return
	fi
	TP_UE_LIFE=$(((CALLS / RATE + 40) * 1000))
	for ip in "${UE_IPS[@]}"; do
		tp_ue_start "$ip" "${UA[$c]}" 3600 >/dev/null 2>&1 ||
			echo "bench: UE $ip did not register ($c)" >&2
	done
	R_BEFORE=$(conns)
	if [[ -n ${BENCH_PERF:-} ]]; then
		# the profile of kamailio's processes during the load
		perf record -q -g -o "$log/perf.data" \
			-p "$(ps -o pid= --ppid "$TP_KAM_PID" | paste -sd, | tr -d ' ')" \
			>/dev/null 2>&1 &
		perf_pid=$!
	fi
	t0=$(cpu_ticks "$TP_KAM_PID")
	timeout -k 2 $((CALLS / RATE + 60)) "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" \
		-t u1 -i "$TP_NET_IP" -p "$TP_NET_PORT" -sf "$TP_WORK_SAVE/call.xml" \
		-inf "$TP_WORK_SAVE/aors.csv" -m "$CALLS" -r "$RATE" -l 200 \
		-key hold "$HOLD" -nostdin -trace_screen -screen_file "$log/screen" \
		>"$log/sipp.out" 2>&1
	rc=$?
	t1=$(cpu_ticks "$TP_KAM_PID")
	[[ -z ${BENCH_PERF:-} ]] || tp_stop_pid "$perf_pid" INT
	sleep 3 # closes after the last call
	R_AFTER=$(conns)
	R_FAILED=$(sed -n 's/^ *Failed call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$log/screen" | tail -1)
	ok=$(sed -n 's/^ *Successful call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$log/screen" | tail -1)
	[[ -n $R_FAILED ]] || R_FAILED=$((CALLS - ${ok:-0}))
	((rc == 0 || R_FAILED > 0)) || R_FAILED=1 # sipp saw a failure
	for ip in "${UE_IPS[@]}"; do tp_ue_stop "$ip"; done
	tp_stop_pid "$TP_KAM_PID"
	_tp_forget "$TP_KAM_PID"
	TP_WORK=$TP_WORK_SAVE
	R_CPU=$(awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v n="${ok:-0}" \
		'BEGIN { if (n) printf "%.3f", t / hz / n * 1000; else print "x" }')
}

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

declare -A CPU FAILED BEFORE AFTER ROUND_CPU
echo "end to end: $CALLS MT calls at $RATE/s to 30 UEs per run (BYE ${HOLD} ms after the ACK), $ROUNDS rounds of ${CONFIGS[*]}"
for r in $(seq 1 "$ROUNDS"); do
	# another order each round (seeded): a run leaves TIME_WAIT sockets
	# and warm caches to the next one, which must not always be the same
	read -r -a order <<<"$(printf '%s\n' "${CONFIGS[@]}" |
		shuf --random-source=<(yes "$r$r$r tcp_persona") | paste -sd' ')"
	echo "  round $r order: ${order[*]}"
	for c in "${order[@]}"; do
		run "$c" "$r"
		echo "  round $r ($c): $R_CPU cpu-s/1000 calls, $R_FAILED failed," \
			"connections $R_BEFORE -> $R_AFTER, TIME_WAIT on its addresses before: $R_TW" \
			"(all: $(ss -Htan state time-wait | wc -l))"
		[[ $R_CPU == x ]] || CPU[$c]+="$R_CPU "
		ROUND_CPU[$r,$c]=$R_CPU
		FAILED[$c]=$((${FAILED[$c]:-0} + R_FAILED))
		BEFORE[$c]=$R_BEFORE
		AFTER[$c]=$R_AFTER
	done
done
printf "%-8s %-26s %8s %8s %8s %7s %14s\n" config what min median max failed "conns bef/aft"
declare -A WHAT=([i]="no module" [ii]="module, all none" [iii]="module, all reuse"
	[iv]="module, all dialog" [v]="module, all transaction"
	[vi-d]="script: close on BYE 2xx" [vi-t]="script: + close after ACK")
declare -A MED=([i]=x [ii]=x [iii]=x [iv]=x [v]=x [vi-d]=x [vi-t]=x)
for c in "${CONFIGS[@]}"; do
	MED[$c]=$(tr ' ' '\n' <<<"${CPU[$c]:-}" | grep . | median)
	[[ -n ${MED[$c]} ]] || MED[$c]=x
	mm=$(tr ' ' '\n' <<<"${CPU[$c]:-}" | grep . | sort -g | sed -n '1p;$p' | paste -sd' ')
	printf "%-8s %-26s %8s %8s %8s %7s %14s\n" "($c)" "${WHAT[$c]}" "${mm% *}" \
		"${MED[$c]}" "${mm#* }" "${FAILED[$c]}" "${BEFORE[$c]}/${AFTER[$c]}"
	echo "e2e_${c//-/_}_cpu=${MED[$c]} e2e_${c//-/_}_failed=${FAILED[$c]} e2e_${c//-/_}_conns=${BEFORE[$c]}/${AFTER[$c]}" >>"$BENCH_OUT"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else print "x" }'; }
check() { awk -v r="$1" -v lim="$2" 'BEGIN { print (r != "x" && r + 0 <= lim ? "met" : "MISSED") }'; }
# paired A B LIMIT: A's CPU over B's, round by round (the same round: the
# machine's state alike), and their median against LIMIT
paired() {
	local a=$1 b=$2 r q qs=()
	[[ -n ${FAILED[$a]:-} && -n ${FAILED[$b]:-} ]] || return 0
	for r in $(seq 1 "$ROUNDS"); do
		q=$(ratio "${ROUND_CPU[$r,$a]:-x}" "${ROUND_CPU[$r,$b]:-x}")
		[[ $q == x ]] || qs+=("$q")
	done
	q=$(printf '%s\n' "${qs[@]}" | grep . | median)
	echo "target ($a) <= ${3}x the CPU of ($b), median of paired ratios:" \
		"$(check "${q:-x}" "$3") (${q:-x}x; per round: ${qs[*]})"
	echo "e2e_${a//-/_}_over_${b//-/_}=${q:-x}" >>"$BENCH_OUT"
}
paired ii i 1.02
paired iii i 1.02
paired iv vi-d 1.0
paired v vi-t 1.0
for c in iv v; do
	[[ -n ${FAILED[$c]:-} ]] || continue
	ok=MISSED
	[[ ${FAILED[$c]} == 0 && ${BEFORE[$c]} == "${AFTER[$c]}" ]] && ok=met
	echo "target ($c) $RATE calls/s, 0 failed, connections back to the baseline: $ok (failed ${FAILED[$c]}, connections ${BEFORE[$c]} -> ${AFTER[$c]})"
done
