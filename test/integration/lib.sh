# tcp_persona integration tests: shared helpers (sourced, not run).
#
# Addresses and ports are dedicated loopback ones, overridable from the
# environment, because another Kamailio may hold 127.0.0.1:5060.

TP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TP_IT_DIR=$TP_ROOT/test/integration
TP_MODULE=${TP_MODULE:-$TP_ROOT/modules/tcp_persona/tcp_persona.so}
TP_PROXY_IP=${TP_PROXY_IP:-127.0.0.61}
TP_UE_IP=${TP_UE_IP:-127.0.0.62}
TP_PROXY_PORT=${TP_PROXY_PORT:-15060}
TP_UE_PORT=${TP_UE_PORT:-15062}
KAMAILIO=${KAMAILIO:-$(command -v kamailio || echo /usr/sbin/kamailio)}
KAMCMD=${KAMCMD:-$(command -v kamcmd || echo /usr/sbin/kamcmd)}
TP_MODULES_DIR=${TP_MODULES_DIR:-$("$KAMAILIO" -h 2>&1 |
	sed -n 's/.*Modules search path (default: \(.*\)).*/\1/p')}

TP_TEST_NAME=${TP_TEST_NAME:-$(basename "$0" .sh)}
tp_passed=0
tp_failed=0
tp_pids=()

# a fresh folder for this test's files, kept under test/out for reading
tp_workdir() {
	TP_WORK=$TP_ROOT/test/out/$TP_TEST_NAME
	rm -rf "$TP_WORK" && mkdir -p "$TP_WORK"
}

tp_pass() {
	tp_passed=$((tp_passed + 1))
	echo "ok   - $*"
}

tp_fail() {
	tp_failed=$((tp_failed + 1))
	echo "FAIL - $*"
}

# tp_check NAME CMD...: passes when CMD succeeds
tp_check() {
	local name=$1
	shift
	if "$@"; then tp_pass "$name"; else tp_fail "$name"; fi
}

# quiet CMD...: CMD with its output dropped, for tp_check
tp_quiet() {
	"$@" >/dev/null 2>&1
}

# tp_eq NAME EXPECTED ACTUAL
tp_eq() {
	if [[ "$2" == "$3" ]]; then
		tp_pass "$1"
	else
		tp_fail "$1: expected [$2], got [$3]"
	fi
}

# tp_cfg TEMPLATE OUT [KEY=VALUE...]: fills @MODULE@, @MODULES_DIR@,
# @PROXY_IP@, @PROXY_PORT@, @RUNDIR@ and the extra keys given
tp_cfg() {
	local in=$1 out=$2 kv
	shift 2
	local args=(-e "s|@MODULE@|$TP_MODULE|g" -e "s|@MODULES_DIR@|$TP_MODULES_DIR|g"
		-e "s|@PROXY_IP@|$TP_PROXY_IP|g" -e "s|@PROXY_PORT@|$TP_PROXY_PORT|g"
		-e "s|@RUNDIR@|$TP_WORK|g")
	for kv in "$@"; do
		args+=(-e "s|@${kv%%=*}@|${kv#*=}|g")
	done
	sed "${args[@]}" "$in" >"$out"
}

# tp_kamailio_start CFG [ARG...]: runs kamailio in the foreground mode, in
# the background of this shell; waits until its control socket answers.
# Extra kamailio arguments come from the ARGs and from $TP_KAMAILIO_ARGS
# (split on blanks), e.g. TP_KAMAILIO_ARGS="-A WITH_PERSONA"
tp_kamailio_start() {
	local cfg=$1 i extra=()
	shift
	read -r -a extra <<<"${TP_KAMAILIO_ARGS:-}"
	# -L: a cfg without mpath finds the modules of the binary under test
	"$KAMAILIO" -f "$cfg" -DD -E -m 64 -M 8 -Y "$TP_WORK" -L "$TP_MODULES_DIR" \
		-P "$TP_WORK/kamailio.pid" "${extra[@]}" "$@" \
		>"$TP_WORK/kamailio.log" 2>&1 &
	TP_KAM_PID=$!
	tp_pids+=("$TP_KAM_PID")
	for i in $(seq 1 100); do
		if "$KAMCMD" -s "unix:$TP_WORK/kamailio_ctl" core.version \
			>/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$TP_KAM_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "kamailio did not start; its log:" >&2
	tail -20 "$TP_WORK/kamailio.log" >&2
	return 1
}

tp_kamcmd() {
	"$KAMCMD" -s "unix:$TP_WORK/kamailio_ctl" "$@"
}

# tp_register_persona UA: one REGISTER over TCP from $TP_UE_IP:$TP_UE_PORT
# (sipp/${SCENARIO:-register.xml}, User-Agent UA), bounded; prints the
# X-Persona header of the proxy's 200 OK (the answering worker's view)
tp_register_persona() {
	local log=$TP_WORK/sipp-register-$BASHPID.log # one per call: $(...)
	timeout 20 sipp "$TP_PROXY_IP:$TP_PROXY_PORT" \
		-sf "$TP_IT_DIR/sipp/${SCENARIO:-register.xml}" -t t1 -i "$TP_UE_IP" \
		-p "$TP_UE_PORT" -m 1 -timeout 10 -nostdin -key ua "$1" \
		-trace_logs -log_file "$log" >"$log.out" 2>&1
	sed -n 's/^X-Persona: *//p' "$log" 2>/dev/null | head -1
}

# stops what this test started, by PID, newest first
tp_stop_all() {
	local i
	for ((i = ${#tp_pids[@]} - 1; i >= 0; i--)); do
		tp_stop_pid "${tp_pids[$i]}"
	done
	tp_pids=()
}

# tp_stop_pid PID [SIGNAL]: SIGNAL (default TERM), 5 s to exit, then KILL
tp_stop_pid() {
	local pid=$1
	kill -"${2:-TERM}" "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# last line of every test file: the counts run.sh adds up
tp_done() {
	tp_stop_all
	echo "$TP_TEST_NAME: $tp_passed passed, $tp_failed failed"
	[[ $tp_failed -eq 0 ]]
}

trap tp_stop_all EXIT
