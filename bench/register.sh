#!/usr/bin/env bash
# tcp_persona benchmark: the REGISTER rate at scale, with and without the
# module. UES UEs (default 100,000; a third each dialog, reuse and none by
# User-Agent) register through SOURCES SIPp clients over TCP, each on its
# own loopback address (Contact: that address, a port per UE), at RATE/s
# in all: the fill. Then REFRESH of them register again (the same Contacts
# and User-Agents): the refreshes. Per phase: kamailio's CPU seconds
# (utime+stime, all processes) per 1,000 REGISTERs and the REGISTERs that
# got no 200. Configurations (i) no module and (ii) the module (pcscf.cfg,
# persona_bind() before save()), alternating for ROUNDS rounds, each run
# on a fresh kamailio and its own addresses (127.2.N.x for run N). Prints
# min/median/max, the per-round paired ratios and their median; writes
# $BENCH_OUT. The module's table chains UEs by IP: SOURCES sets how many
# UEs share one (UES/SOURCES), printed with the figures.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export TP_TEST_NAME=bench-register
source "$here/setup.sh"

UES=${BENCH_REG_UES:-100000}
SOURCES=${BENCH_REG_SOURCES:-20}
RATE=${BENCH_REG_RATE:-2000}
REFRESH=${BENCH_REG_REFRESH:-20000}
ROUNDS=${BENCH_REG_ROUNDS:-3}
SHM_MB=${BENCH_SHM_MB:-512}
BENCH_OUT=${BENCH_OUT:-/dev/null}
PER=$((UES / SOURCES))
UAS=("Persona-Dialog/1" "Persona-Reuse/1" "Persona-None/1")
tp_workdir
CSV_DIR=$TP_WORK

# one CSV per source: user;port;ua
for s in $(seq 1 "$SOURCES"); do
	awk -v s="$s" -v n="$PER" -v u1="${UAS[0]}" -v u2="${UAS[1]}" -v u3="${UAS[2]}" '
		BEGIN { print "SEQUENTIAL"; split(u1 "|" u2 "|" u3, ua, "|")
			for (i = 1; i <= n; i++) printf "r%d_%d;%d;%s\n", s, i, 10000 + i, ua[(i % 3) + 1] }' \
		>"$CSV_DIR/ues-$s.csv"
done

# phase LOG COUNT_PER_SOURCE: every source sends COUNT REGISTERs at
# RATE/SOURCES each, at once; sets P_CPU (cpu-s per 1000) and P_FAILED
phase() {
	local log=$1 n=$2 s pids=() t0 t1 ok=0 got
	t0=$(cpu_ticks "$TP_KAM_PID")
	for s in $(seq 1 "$SOURCES"); do
		timeout -k 2 $((n * SOURCES / RATE + 120)) "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" -t t1 \
			-i "${SRC[$s]}" -p 5090 -sf "$here/sipp/register_mix.xml" \
			-inf "$CSV_DIR/ues-$s.csv" -m "$n" -r "$(awk -v r="$RATE" -v k="$SOURCES" 'BEGIN { printf "%.0f", r / k }')" \
			-l 200 -nostdin -trace_screen -screen_file "$log-$s.screen" \
			>"$log-$s.out" 2>&1 &
		pids+=($!)
	done
	for s in "${pids[@]}"; do wait "$s"; done
	t1=$(cpu_ticks "$TP_KAM_PID")
	for s in $(seq 1 "$SOURCES"); do
		got=$(sed -n 's/^ *Successful call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$log-$s.screen" 2>/dev/null | tail -1)
		ok=$((ok + ${got:-0}))
	done
	P_FAILED=$((n * SOURCES - ok))
	P_CPU=$(awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v n="$ok" \
		'BEGIN { if (n) printf "%.3f", t / hz / n * 1000; else print "x" }')
}

RUN_NO=0
# run CONFIG ROUND: sets R_FILL, R_REFRESH (cpu-s per 1000), R_FAILED, R_BOUND
run() {
	local c=$1 n=$((++RUN_NO)) s log
	R_FILL=x R_REFRESH=x R_FAILED=x R_BOUND=-
	export TP_PROXY_IP=127.2.$n.1
	SRC=()
	for s in $(seq 1 "$SOURCES"); do SRC[$s]=127.2.$n.$((100 + s)); done
	log=$TP_WORK/run-$c-$2
	mkdir -p "$log"
	local save=$TP_WORK
	TP_WORK=$log
	bench_cfg "$log/kamailio.cfg"
	# shellcheck disable=SC2086
	if ! TP_KAMAILIO_ARGS="${ARGS[$c]} -m $SHM_MB ${BENCH_KAMAILIO_ARGS:-}" \
		tp_kamailio_start "$log/kamailio.cfg"; then
		tp_stop_all
		TP_WORK=$save
		return
	fi
	phase "$log/fill" "$PER"
	R_FILL=$P_CPU R_FAILED=$P_FAILED
	phase "$log/refresh" $((REFRESH / SOURCES))
	R_REFRESH=$P_CPU R_FAILED=$((R_FAILED + P_FAILED))
	# (the control socket is in this run's directory)
	[[ $c == i ]] || R_BOUND=$(tp_kamcmd tcp_persona.stats 2>/dev/null | sed -n 's/^\tbindings: //p')
	tp_stop_pid "$TP_KAM_PID"
	_tp_forget "$TP_KAM_PID"
	TP_WORK=$save
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else print "x" }'; }

declare -A FILL REFR RF RR
echo "REGISTER rate: $UES UEs (a third each dialog, reuse, none) from $SOURCES sources" \
	"($PER UEs per source address), $RATE REGISTERs/s in all; then $REFRESH refreshes;" \
	"$ROUNDS rounds of (i) no module and (ii) the module"
for r in $(seq 1 "$ROUNDS"); do
	order="i ii"
	((r % 2)) || order="ii i"
	for c in $order; do
		run "$c" "$r"
		echo "  round $r ($c): fill $R_FILL cpu-s/1000 REGISTERs, refresh $R_REFRESH," \
			"no 200: $R_FAILED, bindings: $R_BOUND"
		FILL[$c]+="$R_FILL " REFR[$c]+="$R_REFRESH "
		RF[$r,$c]=$R_FILL RR[$r,$c]=$R_REFRESH
	done
done
for c in i ii; do
	f=$(tr ' ' '\n' <<<"${FILL[$c]}" | grep -v '^x\?$' | median)
	g=$(tr ' ' '\n' <<<"${REFR[$c]}" | grep -v '^x\?$' | median)
	echo "($c) median cpu-s per 1000 REGISTERs: fill ${f:-x} (about $(awk -v v="${f:-0}" 'BEGIN { if (v > 0) printf "%.0f", 1000 / v; else print "?" }')/s per core)," \
		"refresh ${g:-x} (about $(awk -v v="${g:-0}" 'BEGIN { if (v > 0) printf "%.0f", 1000 / v; else print "?" }')/s per core)"
	echo "reg_${c}_fill=${f:-x} reg_${c}_refresh=${g:-x}" >>"$BENCH_OUT"
done
for p in fill refresh; do
	qs=()
	for r in $(seq 1 "$ROUNDS"); do
		if [[ $p == fill ]]; then q=$(ratio "${RF[$r,ii]}" "${RF[$r,i]}"); else q=$(ratio "${RR[$r,ii]}" "${RR[$r,i]}"); fi
		[[ $q == x ]] || qs+=("$q")
	done
	q=$(printf '%s\n' "${qs[@]}" | grep . | median)
	echo "(ii) over (i), $p, median of paired ratios: ${q:-x}x (per round: ${qs[*]})"
	echo "reg_${p}_ii_over_i=${q:-x}" >>"$BENCH_OUT"
done
