#!/usr/bin/env bash
# tcp_persona benchmark: instructions per REGISTER, counted by valgrind's
# callgrind in every kamailio process, without (i) and with (ii) the
# module. N UEs (a third each dialog, reuse, none) register over one TCP
# connection (bench/sipp/register_mix.xml); the counters are zeroed and
# the same N register again (refreshes), at RATE/s; then dumped. Prints
# instructions per refresh, the module's entry points per refresh, and the
# functions that grew most. BENCH_KAMAILIO_ARGS="-x tlsf" as instr.sh.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export TP_TEST_NAME=bench-instr-register
export BENCH_CONFIGS=${BENCH_CONFIGS:-i ii}
source "$here/setup.sh"

N=${BENCH_REG_N:-2000}
RATE=${BENCH_REG_RATE:-200}
MODULE_FNS="w_persona_bind tp_reg_sl_out tp_reg_tm_out tp_post_script tp_tick"
tp_workdir
awk -v n="$N" 'BEGIN { print "SEQUENTIAL"; split("Persona-Dialog/1|Persona-Reuse/1|Persona-None/1", ua, "|")
	for (i = 1; i <= n; i++) printf "q%d;%d;%s\n", i, 10000 + i, ua[(i % 3) + 1] }' >"$TP_WORK/ues.csv"

# registers IP: N REGISTERs from IP at RATE/s; returns how many got a 200
registers() {
	timeout -k 2 $((N / RATE + 60)) "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" -t t1 \
		-i "$1" -p 5090 -sf "$here/sipp/register_mix.xml" -inf "$TP_WORK/ues.csv" \
		-m "$N" -r "$RATE" -l 200 -nostdin -trace_screen -screen_file "$TP_WORK/$2.screen" \
		>"$TP_WORK/$2.out" 2>&1
	sed -n 's/^ *Successful call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$TP_WORK/$2.screen" | tail -1
}

declare -A IR OKN
for c in "${CONFIGS[@]}"; do
	log=$TP_WORK/$c
	mkdir -p "$log"
	save=$TP_WORK
	TP_WORK=$log
	bench_callgrind_start "$log" "$c" 256
	TP_WORK=$save
	fill=$(registers 127.0.0.150 "$c-fill")
	TP_WORK=$log
	callgrind_control -z $(kamailio_pids) >/dev/null 2>&1
	TP_WORK=$save
	ok=$(registers 127.0.0.150 "$c-refresh")
	TP_WORK=$log
	rm -f "$log"/cg.*.[0-9]*
	callgrind_control -d $(kamailio_pids) >/dev/null 2>&1
	sleep 1
	tp_stop_pid "$TP_KAM_PID"
	_tp_forget "$TP_KAM_PID"
	TP_WORK=$save
	# shellcheck disable=SC2046
	python3 "$here/callgrind_sum.py" --top 400 $(printf -- '--fn %s ' $MODULE_FNS) \
		"$log"/cg.*.[0-9]* >"$TP_WORK/$c.sum"
	IR[$c]=$(awk -F= -v n="${ok:-0}" '$1 == "ir" { if (n) printf "%.0f", $2 / n; else print "x" }' "$TP_WORK/$c.sum")
	echo "($c): ${IR[$c]} instructions per refresh (${ok:-0} of $N refreshes answered, fill ${fill:-0} of $N)"
	OKN[$c]=${ok:-0}
done
if [[ ${IR[i]:-x} =~ ^[0-9]+$ && ${IR[ii]:-x} =~ ^[0-9]+$ ]]; then
	echo "(ii) over (i): $(awk -v a="${IR[ii]}" -v b="${IR[i]}" 'BEGIN { printf "%.3f", a / b }')x"
	echo "the module's functions, instructions per refresh (calls per refresh):"
	awk -F'[= ]' -v n="${OKN[ii]}" '$1 == "incl." || /^incl\./ { }
		/^incl\./ { split($0, f, " "); split(f[1], a, "="); split(f[2], b, "=");
			if (b[2] > 0) printf "  %s %.0f (%.2f)\n", substr(a[1], 6), a[2] / n, b[2] / n }' "$TP_WORK/ii.sum"
	echo "(ii) against (i), own instructions per refresh, largest differences:"
	awk -F= -v na="${OKN[ii]}" -v nb="${OKN[i]}" '
		FNR == 1 { f++ }
		$1 ~ /^self\./ { k = substr($1, 6); if (f == 1) a[k] = $2 / na; else b[k] = $2 / nb }
		END { for (k in a) d[k] = a[k] - b[k]; for (k in b) if (!(k in a)) d[k] = -b[k]
			for (k in d) printf "%+12.0f %s\n", d[k], k }' \
		"$TP_WORK/ii.sum" "$TP_WORK/i.sum" | sort -gr | head -15 | sed 's/^/  /'
fi
