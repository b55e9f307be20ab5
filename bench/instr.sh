#!/usr/bin/env bash
# tcp_persona benchmark: instructions per call, counted by valgrind's
# callgrind in every kamailio process (this VM has no hardware counters).
# The same fixed workload per configuration: 30 UEs registered (10 per
# persona under test), then CALLS MT calls at RATE/s (the UEs in turn), in
# a window of fixed length: the counters are zeroed when the calls start
# and dumped WINDOW seconds later, so timer work is counted alike for every
# configuration. Instructions do not drift with the machine's load, so one
# round is enough; the configurations are those of bench/e2e.sh:
#   (i) no module (ii) all none (iii) all reuse (iv) all dialog
#   (v) all transaction (vi-d) script close on BYE 2xx (vi-t) + after ACK
#   (i-ctl) no module, tcpops loaded and never called: the control
#   (i-ev) no module, and the text of the three event routes the wire
#   tests have (never run; core variables for $persona): what script
#   text alone moves in the allocator's layout. Every other configuration
#   runs without those routes (bench_cfg)
#   (ii-idle) this module loaded, never called: its presence apart from
#   its work ((ii) minus (ii-idle) is what persona_enforce() and its
#   callbacks add to a call)
# Prints instructions per call for each (every process but the module's
# timer process, which does per-second work and is printed apart, in
# instructions per second), the ratios the targets name, the module's own
# functions per call (what they and their callees execute), and the
# functions whose instructions grew most against (i). Writes key=value
# lines to $BENCH_OUT. BENCH_KAMAILIO_ARGS="-x tlsf" runs kamailio with
# its TLSF allocator instead of Debian's default (qm, whose search for a
# free block walks its size buckets: most of the instructions of a call).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export TP_TEST_NAME=bench-instr
# (i-ctl), an unused module loaded, is this benchmark's control
export BENCH_CONFIGS=${BENCH_CONFIGS:-i i-ctl i-ev ii-idle ii iii iv v vi-d vi-t}
source "$here/setup.sh"

CALLS=${BENCH_INSTR_CALLS:-200}
RATE=${BENCH_INSTR_RATE:-10}
WINDOW=${BENCH_INSTR_WINDOW:-$((CALLS / RATE + 15))}
HOLD=${BENCH_HOLD:-30}
BENCH_OUT=${BENCH_OUT:-/dev/null}
# the module's entry points: script functions, tm/dialog/core callbacks,
# its timer
MODULE_FNS="w_persona_bind w_persona_enforce tp_discover_initial tp_discover_indialog tp_mt_answer tp_mt_done tp_on_tx
tp_post_script tp_on_tcp_closed tp_reg_tm_out tp_on_dlg_created tp_on_dlg_end tp_tick"

tp_workdir
bench_caller_files

# measure CONFIG: one run under callgrind; sets M_IR (instructions per
# call), M_OK (answered calls) and leaves the sums in $TP_WORK/CONFIG.sum
measure() {
	local c=$1 log=$TP_WORK/$1 t0 i ok
	M_IR=x M_OK=0
	mkdir -p "$log"
	local save=$TP_WORK
	TP_WORK=$log
	bench_callgrind_start "$log" "$c" 64
	# the module's timer process: counted apart, per second
	timer_pid=$(tp_kamcmd core.psx 2>/dev/null |
		awk '/PID:/ { p = $2 } /DSC: tcp_persona timer/ { print p }')
	TP_UE_LIFE=$(((WINDOW + 60) * 1000))
	for ip in "${UE_IPS[@]}"; do
		tp_ue_start "$ip" "${UA[$c]}" 3600 >/dev/null 2>&1 ||
			echo "bench: UE $ip did not register ($c)" >&2
	done
	sleep 2
	t0=$(date +%s)
	callgrind_control -z $(kamailio_pids) >"$log/zero.out" 2>&1
	timeout -k 2 $((WINDOW + 30)) "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" \
		-t u1 -i "$TP_NET_IP" -p "$TP_NET_PORT" -sf "$save/call.xml" \
		-inf "$save/aors.csv" -m "$CALLS" -r "$RATE" -l 50 \
		-key hold "$HOLD" -nostdin -trace_screen -screen_file "$log/screen" \
		>"$log/sipp.out" 2>&1
	while (($(date +%s) < t0 + WINDOW)); do sleep 0.2; done
	rm -f "$log"/cg.*.[0-9]*
	callgrind_control -d $(kamailio_pids) >"$log/dump.out" 2>&1
	sleep 1 # the dumps are written by each process
	ok=$(sed -n 's/^ *Successful call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$log/screen" | tail -1)
	M_OK=${ok:-0}
	for ip in "${UE_IPS[@]}"; do tp_ue_stop "$ip"; done
	tp_stop_pid "$TP_KAM_PID"
	_tp_forget "$TP_KAM_PID"
	TP_WORK=$save
	local calls=() timer=()
	for f in "$log"/cg.*.[0-9]*; do
		if [[ -n $timer_pid && $f == "$log/cg.$timer_pid."* ]]; then
			timer+=("$f")
		else
			calls+=("$f")
		fi
	done
	# shellcheck disable=SC2086
	python3 "$here/callgrind_sum.py" --top 400 $(printf -- '--fn %s ' $MODULE_FNS) \
		"${calls[@]}" >"$TP_WORK/$c.sum"
	M_IR=$(awk -F= -v n="$M_OK" '$1 == "ir" { if (n) printf "%.0f", $2 / n; else print "x" }' \
		"$TP_WORK/$c.sum")
	M_TIMER=-
	if [[ ${#timer[@]} -gt 0 ]]; then
		python3 "$here/callgrind_sum.py" --top 12 "${timer[@]}" >"$TP_WORK/$c.timer.sum"
		M_TIMER=$(awk -F= -v w="$WINDOW" '$1 == "ir" { printf "%.0f", $2 / w }' \
			"$TP_WORK/$c.timer.sum")
	fi
}

# which allocator the figures are for, on every target line
case " ${BENCH_KAMAILIO_ARGS:-} " in
*" -x tlsf "*) ALLOC="TLSF" ;;
*) ALLOC="qm, Debian's default: its layout dominates, see the notes" ;;
esac

declare -A IR OK
echo "instructions: $CALLS MT calls at $RATE/s to 30 UEs (BYE ${HOLD} ms after the ACK)," \
	"all kamailio processes counted for ${WINDOW} s from the first call, configurations ${CONFIGS[*]}"
for c in "${CONFIGS[@]}"; do
	measure "$c"
	IR[$c]=$M_IR OK[$c]=$M_OK
	echo "  ($c): $M_IR instructions per call ($M_OK of $CALLS calls answered);" \
		"the module's timer process: $M_TIMER instructions per second"
	echo "instr_${c//-/_}_per_call=$M_IR instr_${c//-/_}_ok=$M_OK instr_${c//-/_}_timer_per_s=$M_TIMER" >>"$BENCH_OUT"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.4f", a / b; else print "x" }'; }
check() { awk -v r="$1" -v lim="$2" 'BEGIN { print (r != "x" && r + 0 <= lim ? "met" : "MISSED") }'; }
if [[ ${IR[i-ctl]:-x} =~ ^[0-9]+$ && ${IR[i]:-x} =~ ^[0-9]+$ ]]; then
	q=$(ratio "${IR[i-ctl]}" "${IR[i]}")
	echo "control (i-ctl), an unused module loaded, against (i) [$ALLOC]:" \
		"$((${IR[i-ctl]} - ${IR[i]})) instructions per call (${q}x): what loading any module moves"
fi
if [[ ${IR[i-ev]:-x} =~ ^[0-9]+$ && ${IR[i]:-x} =~ ^[0-9]+$ ]]; then
	echo "control (i-ev), three event routes never run, against (i) [$ALLOC]:" \
		"$((${IR[i-ev]} - ${IR[i]})) instructions per call ($(ratio "${IR[i-ev]}" "${IR[i]}")x): what script text alone moves"
fi
if [[ ${IR[ii-idle]:-x} =~ ^[0-9]+$ && ${IR[i]:-x} =~ ^[0-9]+$ ]]; then
	echo "presence (ii-idle), this module loaded and never called, against (i) [$ALLOC]:" \
		"$((${IR[ii-idle]} - ${IR[i]})) instructions per call ($(ratio "${IR[ii-idle]}" "${IR[i]}")x)"
	for c in ii iii; do
		[[ ${IR[$c]:-x} =~ ^[0-9]+$ ]] || continue
		echo "work ($c) against (ii-idle) [$ALLOC]: $((${IR[$c]} - ${IR[ii-idle]}))" \
			"instructions per call ($(ratio "${IR[$c]}" "${IR[ii-idle]}")x)"
	done
fi
for c in ii iii; do
	[[ -n ${IR[$c]:-} && -n ${IR[i]:-} ]] || continue
	q=$(ratio "${IR[$c]}" "${IR[i]}")
	echo "target ($c) <= 1.01x the instructions per call of (i) [$ALLOC]: $(check "$q" 1.01) (${q}x)"
done
for p in "iv vi-d" "v vi-t"; do
	read -r a b <<<"$p"
	[[ -n ${IR[$a]:-} && -n ${IR[$b]:-} ]] || continue
	q=$(ratio "${IR[$a]}" "${IR[$b]}")
	echo "target ($a) <= 1.0x the instructions per call of ($b) [$ALLOC]: $(check "$q" 1.0) (${q}x)"
done

# the module's entry points, per call (instructions in them and below)
echo "the module's functions, instructions per call (calls per call):"
for c in "${CONFIGS[@]}"; do
	[[ ${OK[$c]} -gt 0 ]] || continue
	awk -F'[= ]' -v n="${OK[$c]}" -v c="$c" '
		$1 ~ /^incl\./ { f = substr($1, 6); ir = $2; k = $4
			if (k > 0) line = line sprintf(" %s %.0f (%.2f)", f, ir / n, k / n) }
		END { print "  (" c "):" (line == "" ? " none" : line) }' "$TP_WORK/$c.sum"
done

# where the instructions above (i) went: the functions that grew most
for c in "${CONFIGS[@]}"; do
	[[ $c != i && ${OK[$c]} -gt 0 && ${OK[i]:-0} -gt 0 ]] || continue
	echo "($c) against (i), own instructions per call, largest differences:"
	awk -F= -v na="${OK[$c]}" -v nb="${OK[i]}" '
		FNR == 1 { f++ }
		$1 ~ /^self\./ { k = substr($1, 6); if (f == 1) a[k] = $2 / na; else b[k] = $2 / nb }
		END { for (k in a) d[k] = a[k] - b[k]; for (k in b) if (!(k in a)) d[k] = -b[k]
			for (k in d) printf "%+12.0f %s\n", d[k], k }' \
		"$TP_WORK/$c.sum" "$TP_WORK/i.sum" | sort -gr | head -8 | sed 's/^/  /'
done
