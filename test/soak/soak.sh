#!/usr/bin/env bash
# make soak: at least 20,000 MT calls over at least 5 minutes to 30 SIPp
# UEs over TCP (10 dialog, 10 transaction, 10 reuse), calls to one UE
# overlapping; then the UEs' registrations run out. Figures: calls failed,
# TCP connections of the proxy at the end against before, shared memory
# once every binding expired against before the UEs came, and the first
# seconds of the soak, captured, checked against each persona's rules.
# Bounded: SOAK_RATE calls/s for SOAK_SECONDS (defaults 70 and 300).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export TP_TEST_NAME=soak
source "$here/../../bench/setup.sh"

RATE=${SOAK_RATE:-70}
SECONDS_LOAD=${SOAK_SECONDS:-300}
CALLS=$((RATE * SECONDS_LOAD))
HOLD=${SOAK_HOLD:-1000}
SAMPLE=${SOAK_SAMPLE_SECONDS:-20}
EXPIRES=$((SECONDS_LOAD + 40))
tp_workdir
persona() { # UE index -> User-Agent
	case $(($1 % 3)) in
	0) echo Persona-Dialog/1.0 ;;
	1) echo Persona-Transaction/1.0 ;;
	*) echo Persona-Reuse/1.0 ;;
	esac
}
shm_used() { tp_kamcmd core.shmmem | sed -n 's/^\treal_used: //p'; }
conns() { ss -Htan state established "( src $TP_PROXY_IP or dst $TP_PROXY_IP )" | wc -l; }
stat() { tp_kamcmd stats.get_statistics "${1%%:*}:" | grep -o "$1 = [0-9]*" | grep -o "[0-9]*$"; }

bench_cfg "$TP_WORK/kamailio.cfg"
# the test P-CSCF's timers: dialogs end with their BYE, usrloc sweeps often
sed -i 's/^modparam("usrloc", "db_mode", 0)$/&\nmodparam("usrloc", "timer_interval", 5)/' \
	"$TP_WORK/kamailio.cfg"
TP_KAMAILIO_ARGS="-A WITH_PERSONA" tp_kamailio_start "$TP_WORK/kamailio.cfg" -m 256 ||
	exit 1
sleep 2
shm0=$(shm_used)
conns0=$(conns)
echo "soak: $CALLS MT calls at $RATE/s over ${SECONDS_LOAD} s, held ${HOLD} ms, to 30 UEs; registrations of ${EXPIRES} s"
TP_UE_LIFE=$(((EXPIRES + 30) * 1000))
i=0
for ip in "${UE_IPS[@]}"; do
	tp_ue_start "$ip" "$(persona $i)" "$EXPIRES" >/dev/null 2>&1 ||
		echo "soak: UE $ip did not register" >&2
	i=$((i + 1))
done
conns1=$(conns)
{
	echo SEQUENTIAL
	for ip in "${UE_IPS[@]}"; do echo "$(tp_ue_user "$ip");"; done
} >"$TP_WORK/aors.csv"
sed 's/\[service\]/[field0]/g' "$TP_SIPP_DIR/net_call.xml" >"$TP_WORK/call.xml"

tp_capture_start sample || exit 1
( sleep "$SAMPLE"; tp_capture_stop >/dev/null 2>&1 ) &
sampler=$!
timeout -k 2 $((SECONDS_LOAD + 120)) "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" \
	-t u1 -i "$TP_NET_IP" -p "$TP_NET_PORT" -sf "$TP_WORK/call.xml" \
	-inf "$TP_WORK/aors.csv" -m "$CALLS" -r "$RATE" -l $((RATE * 10)) \
	-key hold "$HOLD" -nostdin -trace_screen -screen_file "$TP_WORK/screen" \
	>"$TP_WORK/sipp.out" 2>&1
rc=$?
wait "$sampler"
ok=$(sed -n 's/^ *Successful call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$TP_WORK/screen" | tail -1)
failed=$(sed -n 's/^ *Failed call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$TP_WORK/screen" | tail -1)
sleep 5
conns2=$(conns)
echo "calls: ${ok:-0} passed, ${failed:-?} failed (sipp exit $rc) (target: 0 failed)"
echo "connections of the proxy (ss counts both ends): $conns1 with the UEs registered, $conns2 after the calls (idle registration connections of non-reuse UEs expire meanwhile)"
echo "module: $(tp_kamcmd tcp_persona.stats | sed -n 's/^\t\(conn_opened_dialog\|conn_closed_dialog\|conn_opened_transaction\|conn_closed_transaction\|owned_lost\|reuse_refused\): /\1=/p' | paste -sd' ')"

# the sample: every connection checked against its UE's persona
python3 "$TP_WIRE_DIR/ladder.py" "$TP_WORK/sample.pcap" --proxy "$TP_PROXY_IP" \
	--port "$TP_PROXY_PORT" --port "$TP_UE_PORT" >"$TP_WORK/sample.ladder"
bad=0 checked=0
i=0
for ip in "${UE_IPS[@]}"; do
	l=$(grep " ue=$ip:" "$TP_WORK/sample.ladder" | grep ' open=proxy ' | grep -v 'close=none-none')
	n=$(grep -c . <<<"$l")
	checked=$((checked + n))
	case $(persona $i) in
	Persona-Dialog*) # one call per connection, closed by the proxy
		bad=$((bad + $(grep -vcE ' calls=c[0-9]+ close=FIN-proxy$' <<<"$l"))) ;;
	Persona-Transaction*) # one transaction per connection
		bad=$((bad + $(grep -vcE ' msgs=(INVITE,100/INVITE,180/INVITE,200/INVITE,ACK|BYE,200/BYE) calls=c[0-9]+ close=FIN-proxy$' <<<"$l"))) ;;
	*) # reuse: the proxy opens nothing
		bad=$((bad + n)) ;;
	esac
	i=$((i + 1))
done
echo "sample: the first ${SAMPLE} s captured, $checked closed proxy connections checked against their UE's persona: $bad violations (target: 0)"

# the UEs go; their registrations and bindings run out
for ip in "${UE_IPS[@]}"; do tp_ue_stop "$ip"; done
for _ in $(seq 1 $((EXPIRES + 60))); do
	[[ $(stat tcp_persona:bindings) == 0 && $(stat usrloc:location_contacts) == 0 ]] && break
	sleep 1
done
sleep 10 # tm's and the dialog module's timers
shm1=$(shm_used)
conns3=$(conns)
echo "connections of the proxy: $conns0 before the UEs came, $conns3 at the end (target: equal)"
echo "shared memory: $shm0 bytes used before the UEs, $shm1 once every binding expired ($(awk -v a="$shm1" -v b="$shm0" 'BEGIN { printf "%+.2f%%", (a - b) * 100 / b }')) (target: within 1%); bindings now $(stat tcp_persona:bindings)"
