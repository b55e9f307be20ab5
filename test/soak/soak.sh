#!/usr/bin/env bash
# make soak: at least 20,000 MT calls over at least 5 minutes to 30 SIPp
# UEs over TCP (10 dialog, 10 transaction, 10 reuse), calls to one UE
# overlapping; then the UEs' registrations run out. In the mix:
#  - forking: 6 more UEs register the AoRs of the first 6 (another persona
#    each) and ring until the proxy cancels them;
#  - retries: 2 calls/s to 3 UEs (dialog, transaction, reuse) that refuse
#    a first INVITE with 422, retried with the same Call-ID;
#  - refused REGISTERs: 1/s from a client that claims the UEs' Contacts
#    with a reuse User-Agent and is answered 401.
# Figures: calls failed, TCP connections of the proxy at the end against
# before, shared memory once every binding expired against before the UEs
# came, and the first seconds of the soak, captured, checked against each
# persona's rules and for requests on a connection to another UE than
# their R-URI's. Bounded: SOAK_RATE calls/s for SOAK_SECONDS (defaults 70
# and 300).
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
# the mix beside the 30 UEs: fork UEs (AoRs of the first 6), retry UEs,
# the refused client
FORK_IPS=(127.0.0.181 127.0.0.182 127.0.0.183 127.0.0.184 127.0.0.185 127.0.0.186)
RETRY_IPS=(127.0.0.187 127.0.0.188 127.0.0.189)
export TP_REFUSE_IP=127.0.0.190
RETRY_RATE=${SOAK_RETRY_RATE:-2}

bench_cfg "$TP_WORK/kamailio.cfg"
# the test P-CSCF's timers: dialogs end with their BYE, usrloc sweeps often
sed -i 's/^modparam("usrloc", "db_mode", 0)$/&\nmodparam("usrloc", "timer_interval", 5)/' \
	"$TP_WORK/kamailio.cfg"
TP_KAMAILIO_ARGS="-A WITH_PERSONA -A WITH_REFUSE" tp_kamailio_start "$TP_WORK/kamailio.cfg" -m 256 ||
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
i=0
for ip in "${FORK_IPS[@]}"; do
	TP_UE_USER=$(tp_ue_user "${UE_IPS[$i]}") TP_UE_MODE=slow TP_UE_DELAY=60000 \
		tp_ue_start "$ip" "$(persona $((i + 1)))" "$EXPIRES" >/dev/null 2>&1 ||
		echo "soak: fork UE $ip did not register" >&2
	i=$((i + 1))
done
i=0
for ip in "${RETRY_IPS[@]}"; do
	TP_UE_MODE=retry tp_ue_start "$ip" "$(persona $i)" "$EXPIRES" >/dev/null 2>&1 ||
		echo "soak: retry UE $ip did not register" >&2
	i=$((i + 1))
done
conns1=$(conns)
{
	echo SEQUENTIAL
	for ip in "${UE_IPS[@]}"; do echo "$(tp_ue_user "$ip");"; done
} >"$TP_WORK/aors.csv"
{
	echo SEQUENTIAL
	for ip in "${RETRY_IPS[@]}"; do echo "$(tp_ue_user "$ip");"; done
} >"$TP_WORK/retry.csv"
{
	echo RANDOM
	for ip in "${UE_IPS[@]}"; do echo "$ip;$(tp_ue_user "$ip");"; done
} >"$TP_WORK/victims.csv"
# forked calls relay a 180 from each branch: net_call_fork.xml takes them
sed 's/\[service\]/[field0]/g' "$TP_SIPP_DIR/net_call_fork.xml" >"$TP_WORK/call.xml"
sed 's/\[service\]/[field0]/g' "$TP_SIPP_DIR/net_call_retry.xml" >"$TP_WORK/retry.xml"
sed -e 's/\[contact_ip\]/[field0]/g' -e 's/\[aor_user\]/[field1]/g' \
	"$TP_SIPP_DIR/ue_register_forged.xml" >"$TP_WORK/forged.xml"

tp_capture_start sample || exit 1
( sleep "$SAMPLE"; tp_capture_stop >/dev/null 2>&1 ) &
sampler=$!
timeout -k 2 $((SECONDS_LOAD + 120)) "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" \
	-t u1 -i "$TP_NET_IP" -p $((TP_NET_PORT + 2)) -sf "$TP_WORK/retry.xml" \
	-inf "$TP_WORK/retry.csv" -m $((RETRY_RATE * SECONDS_LOAD)) -r "$RETRY_RATE" \
	-l $((RETRY_RATE * 10)) -key hold "$HOLD" -nostdin -trace_screen \
	-screen_file "$TP_WORK/retry.screen" >"$TP_WORK/retry.out" 2>&1 &
retrier=$!
tp_pids+=("$retrier")
timeout -k 2 $((SECONDS_LOAD + 60)) "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" \
	-t t1 -i "$TP_REFUSE_IP" -p "$TP_UE_PORT" -sf "$TP_WORK/forged.xml" \
	-inf "$TP_WORK/victims.csv" -m "$SECONDS_LOAD" -r 1 -d 0 \
	-key user refused -key ua Persona-Reuse/1.0 -key expires 600 \
	-key registrar "$TP_PROXY_IP:$TP_PROXY_PORT" \
	-key contact_port "$TP_UE_PORT" -nostdin -trace_screen \
	-screen_file "$TP_WORK/forged.screen" -trace_logs \
	-log_file "$TP_WORK/forged.log" >"$TP_WORK/forged.out" 2>&1 &
forger=$!
tp_pids+=("$forger")
timeout -k 2 $((SECONDS_LOAD + 120)) "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" \
	-t u1 -i "$TP_NET_IP" -p "$TP_NET_PORT" -sf "$TP_WORK/call.xml" \
	-inf "$TP_WORK/aors.csv" -m "$CALLS" -r "$RATE" -l $((RATE * 10)) \
	-key hold "$HOLD" -nostdin -trace_screen -screen_file "$TP_WORK/screen" \
	>"$TP_WORK/sipp.out" 2>&1
rc=$?
wait "$retrier"
rc_retry=$?
wait "$forger"
rc_forged=$?
wait "$sampler"
screen_count() { sed -n "s/^ *$2 *| *[0-9]* *| *\([0-9]*\).*/\1/p" "$1" | tail -1; }
ok=$(screen_count "$TP_WORK/screen" "Successful call")
failed=$(screen_count "$TP_WORK/screen" "Failed call")
sleep 5
conns2=$(conns)
echo "calls: ${ok:-0} passed, ${failed:-?} failed (sipp exit $rc) (target: 0 failed); 6 of the 30 AoRs fork to a second UE"
echo "retried calls (422, then the same Call-ID again): $(screen_count "$TP_WORK/retry.screen" "Successful call") passed, $(screen_count "$TP_WORK/retry.screen" "Failed call") failed (sipp exit $rc_retry) (target: 0 failed)"
echo "refused REGISTERs of the UEs' Contacts: $(grep -c '^answered 401' "$TP_WORK/forged.log") answered 401, $(grep -c '^answered 200' "$TP_WORK/forged.log") answered 200, $(screen_count "$TP_WORK/forged.screen" "Failed call") failed (sipp exit $rc_forged); register_reuse counts the 13 reuse UEs' own REGISTERs only: $(stat tcp_persona:register_reuse)"
echo "connections of the proxy (ss counts both ends): $conns1 with the UEs registered, $conns2 after the calls (idle registration connections of non-reuse UEs expire meanwhile)"
echo "module: $(tp_kamcmd tcp_persona.stats | sed -n 's/^\t\(conn_opened_dialog\|conn_closed_dialog\|conn_opened_transaction\|conn_closed_transaction\|owned_lost\|reuse_refused\): /\1=/p' | paste -sd' ')"

# the sample: every connection checked against its UE's persona
python3 "$TP_WIRE_DIR/ladder.py" "$TP_WORK/sample.pcap" --proxy "$TP_PROXY_IP" \
	--port "$TP_PROXY_PORT" --port "$TP_UE_PORT" >"$TP_WORK/sample.ladder"
# every UE with its persona: the 30, the fork UEs, the retry UEs
who=()
i=0
for ip in "${UE_IPS[@]}"; do who+=("$ip $(persona $i)"); i=$((i + 1)); done
i=0
for ip in "${FORK_IPS[@]}"; do who+=("$ip $(persona $((i + 1)))"); i=$((i + 1)); done
i=0
for ip in "${RETRY_IPS[@]}"; do who+=("$ip $(persona $i)"); i=$((i + 1)); done
# a transaction's connection: an answered INVITE, a BYE, a refused INVITE,
# a cancelled one, or a cancelled one whose 487 never came (a SIPp UE that
# gets the CANCEL between two steps of its ring loop aborts after the
# 200/CANCEL; tm then ends the branch and the module closes its connection)
tx_ok='(INVITE,100/INVITE,180/INVITE,200/INVITE,ACK|BYE,200/BYE|INVITE,100/INVITE,422/INVITE,ACK|INVITE,100/INVITE,180/INVITE,CANCEL,200/CANCEL(,487/INVITE,ACK)?)'
bad=0 checked=0
for w in "${who[@]}"; do
	read -r ip ua <<<"$w"
	l=$(grep " ue=$ip:" "$TP_WORK/sample.ladder" | grep ' open=proxy ' | grep -v 'close=none-none')
	n=$(grep -c . <<<"$l")
	checked=$((checked + n))
	case $ua in
	Persona-Dialog*) # one call per connection, closed by the proxy
		bad=$((bad + $(grep -vcE ' calls=c[0-9]+ close=FIN-proxy$' <<<"$l"))) ;;
	Persona-Transaction*) # one transaction per connection
		bad=$((bad + $(grep -vcE " msgs=$tx_ok calls=c[0-9]+ close=FIN-proxy\$" <<<"$l"))) ;;
	*) # reuse: the proxy opens nothing
		bad=$((bad + n)) ;;
	esac
done
echo "sample: the first ${SAMPLE} s captured, $checked closed proxy connections checked against their UE's persona: $bad violations (target: 0); SIPp UEs that aborted a cancelled call: $(cat "$TP_WORK"/ue-*.err 2>/dev/null | grep -o 'Aborting call on an unexpected CANCEL' | grep -c .)"

# every request on a connection to a UE must be for that UE: a call's
# AoR is in its Call-ID (N-PID@: the Nth line of the sipp's csv, which
# PID tells), a fork UE also takes its AoR's calls; the refused client's
# connection carries its REGISTERs and their 401s only
python3 "$TP_WIRE_DIR/ladder.py" "$TP_WORK/sample.pcap" --proxy "$TP_PROXY_IP" \
	--port "$TP_PROXY_PORT" --port "$TP_UE_PORT" --call-ids >"$TP_WORK/sample.calls"
wrong=$(python3 - "$TP_WORK/sample.calls" <<PY
import re, sys
ues = "${UE_IPS[*]}".split()
forks = dict(zip("${FORK_IPS[*]}".split(), ues))
retry = "${RETRY_IPS[*]}".split()
calls, conns, bad = {}, [], 0
for line in open(sys.argv[1]):
    m = re.match(r"call (c\d+) (\d+)-(\d+)@", line)
    if m:
        calls[m.group(1)] = (int(m.group(2)), m.group(3))
    elif line.startswith("conn "):
        conns.append(line)
# the main sipp placed most of the calls, the retry sipp the others
count = {}
for _, p in calls.values():
    count[p] = count.get(p, 0) + 1
main = max(count, key=count.get) if count else None
for line in conns:
    ue = re.search(r" ue=([0-9.]+):", line).group(1)
    labels = re.search(r" calls=(\S+)", line).group(1).split("+")
    msgs = re.search(r" msgs=(\S+)", line).group(1)
    if ue == "$TP_REFUSE_IP":
        bad += any(m not in ("REGISTER", "401/REGISTER") for m in msgs.split(","))
        continue
    for c in labels:
        if c not in calls:
            continue  # a REGISTER (its Call-ID is the UE's own)
        n, pid = calls[c]
        target = ues[(n - 1) % len(ues)] if pid == main else retry[(n - 1) % len(retry)]
        if ue == target or forks.get(ue) == target:
            continue
        bad += 1
        print("wrong UE:", line.strip(), file=sys.stderr)
print(bad)
PY
)
echo "sample: requests on a connection to another UE than their R-URI's: $wrong (target: 0)"

# the UEs go; their registrations and bindings run out
for ip in "${UE_IPS[@]}" "${FORK_IPS[@]}" "${RETRY_IPS[@]}"; do tp_ue_stop "$ip"; done
for _ in $(seq 1 $((EXPIRES + 60))); do
	[[ $(stat tcp_persona:bindings) == 0 && $(stat usrloc:location_contacts) == 0 ]] && break
	sleep 1
done
sleep 10 # tm's and the dialog module's timers
shm1=$(shm_used)
conns3=$(conns)
echo "connections of the proxy: $conns0 before the UEs came, $conns3 at the end (target: equal)"
echo "shared memory: $shm0 bytes used before the UEs, $shm1 once every binding expired ($(awk -v a="$shm1" -v b="$shm0" 'BEGIN { printf "%+.2f%%", (a - b) * 100 / b }')) (target: within 1%); bindings now $(stat tcp_persona:bindings)"
