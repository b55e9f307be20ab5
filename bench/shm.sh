#!/usr/bin/env bash
# tcp_persona benchmark: shared memory per binding in a running kamailio.
# 10,000 UEs register (one SIPp over TCP, distinct Contacts) with and
# without the module (test/integration/cfg/pcscf.cfg, -A WITH_PERSONA);
# kamcmd core.shmmem before and after. The module's cost per UE is the
# difference of the two growths; usrloc's own is shown beside it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export TP_TEST_NAME=bench-shm
export TP_UE_IPS=127.0.0.150
source "$here/setup.sh"
N=${BENCH_UES:-10000}
BENCH_OUT=${BENCH_OUT:-/dev/null}
tp_workdir
{
	echo SEQUENTIAL
	for i in $(seq 1 "$N"); do echo "u$i;$((10000 + i))"; done
} >"$TP_WORK/ues.csv"

shm_used() { tp_kamcmd core.shmmem | sed -n 's/^\treal_used: //p'; }

# growth ARGS: real_used after minus before N REGISTERs
growth() {
	local b a
	bench_cfg "$TP_WORK/kamailio.cfg"
	# shellcheck disable=SC2086
	TP_KAMAILIO_ARGS="$*" tp_kamailio_start "$TP_WORK/kamailio.cfg" -m 256 ||
		return 1
	sleep 1
	b=$(shm_used)
	timeout -k 2 120 "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" -t t1 \
		-i 127.0.0.150 -p 5090 -sf "$here/sipp/register_many.xml" -inf "$TP_WORK/ues.csv" -m "$N" \
		-r 2000 -l 500 -nostdin >"$TP_WORK/sipp.out" 2>&1 ||
		echo "shm: not every REGISTER got its 200" >&2
	sleep 1
	a=$(shm_used)
	echo "$((a - b)) $(tp_kamcmd tcp_persona.stats 2>/dev/null | sed -n 's/^\tbindings: //p')"
	tp_stop_pid "$TP_KAM_PID"
	_tp_forget "$TP_KAM_PID"
}

read -r without _ <<<"$(growth)"
read -r with bound <<<"$(growth -A WITH_PERSONA)"
per=$(awk -v a="$with" -v b="$without" -v n="$N" 'BEGIN { printf "%.0f", (a - b) / n }')
echo "shm (kamailio, $N UEs): usrloc alone $((without / N)) bytes per UE;" \
	"with tcp_persona $((with / N)); the module's binding: $per bytes per UE" \
	"(${bound:-?} bindings)"
echo "shm_per_binding=$per shm_usrloc_per_ue=$((without / N)) shm_bound=${bound:-0}" >>"$BENCH_OUT"
