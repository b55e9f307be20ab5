# tcp_persona benchmarks: helpers shared by shm.sh, e2e.sh and instr.sh
# (sourced after test/integration/lib.sh and lib_wire.sh).

# bench_cfg OUT: the wire tests' P-CSCF (pcscf.cfg, cfg/wire.rules) without
# its log line per request and reply, at debug=1, and without the event
# routes the wire tests read events from: never run here, their parsed
# text alone moves TLSF's costs by about 1% of a call (control (i-ev)).
# The reply's log line becomes a no-op statement: Kamailio 5.6 rejects a
# route whose "{" line is directly followed by "#!ifdef".
bench_cfg() {
	tp_wire_cfg "$1" RULES_FILE="$TP_IT_DIR/cfg/wire.rules" LUA=/dev/null
	sed -i -e 's/^\txlog("L_INFO", "\(REQ\|RPL\) .*$/\t$var(bench) = 0;/' \
		-e 's/^debug=2/debug=1/' -e '1a #!define WITHOUT_EVENT_ROUTES' "$1"
}

# The configurations e2e.sh and instr.sh compare (BENCH_CONFIGS picks some):
#   (i)    no module             (ii)  module, every UE persona none
#   (iii)  every UE reuse        (iv)  every UE dialog
#   (v)    every UE transaction
#   (vi-d) no module, tcpops closes on the BYE's 2xx (what a script does
#          today for dialog)     (vi-t) also set_forward_close() on the ACK
#   (i-ctl) no module, tcpops loaded and never called (instr.sh: what any
#          loaded module moves in the allocators' layout)
#   (i-ev) no module, the wire tests' three event routes as text, never
#          run (instr.sh: what script text moves in the layout)
#   (ii-idle) this module loaded, its functions never called (instr.sh:
#          what its presence costs, apart from its work)
#   (ii-nodisc) (ii) with persona discovery off (discover_families 0):
#          what discovery adds to (ii)
#   (ii-rc) (ii) with the script answering refusals: `persona_enforce();
#          if ($rc == -2) {...}`, where the others set unavailable_reply_code
#          and call persona_enforce() alone (what the test of $rc costs)
# CONFIGS: their names; UA: the UEs' User-Agent; ARGS: kamailio's -A
read -r -a CONFIGS <<<"${BENCH_CONFIGS:-i ii iii iv v vi-d vi-t}"
declare -A UA=([i]=Persona-None/1 [i-ctl]=Persona-None/1 [i-ev]=Persona-None/1 [ii-idle]=Persona-None/1 [ii]=Persona-None/1 [ii-nodisc]=Persona-None/1 [ii-rc]=Persona-None/1 [iii]=Persona-Reuse/1
	[iv]=Persona-Dialog/1 [v]=Persona-Transaction/1 [vi-d]=Persona-None/1
	[vi-t]=Persona-None/1)
BENCH_UNAVAIL="-A WITH_UNAVAILABLE_REPLY"
declare -A ARGS=([i]="" [i-ctl]="-A WITH_UNUSED_MODULE" [i-ev]="-A WITH_EVENT_TEXT" [ii-idle]="-A WITH_PERSONA_MODULE $BENCH_UNAVAIL" [ii]="-A WITH_PERSONA $BENCH_UNAVAIL"
	[ii-nodisc]="-A WITH_PERSONA -A WITHOUT_DISCOVERY $BENCH_UNAVAIL" [ii-rc]="-A WITH_PERSONA" [iii]="-A WITH_PERSONA $BENCH_UNAVAIL"
	[iv]="-A WITH_PERSONA $BENCH_UNAVAIL" [v]="-A WITH_PERSONA $BENCH_UNAVAIL"
	[vi-d]="-A WITH_SCRIPT_CLOSE" [vi-t]="-A WITH_SCRIPT_CLOSE -A WITH_SCRIPT_CLOSE_ACK")

# bench_caller_files: $TP_WORK/call.xml, a caller that takes its AoR from
# $TP_WORK/aors.csv, the UEs of UE_IPS one after the other
bench_caller_files() {
	local ip
	sed 's/\[service\]/[field0]/g' "$TP_SIPP_DIR/net_call.xml" >"$TP_WORK/call.xml"
	{
		echo SEQUENTIAL
		for ip in "${UE_IPS[@]}"; do echo "$(tp_ue_user "$ip");"; done
	} >"$TP_WORK/aors.csv"
}

# cpu_ticks PID: utime+stime of PID and its children, in clock ticks
cpu_ticks() {
	local p sum=0
	for p in "$1" $(ps -o pid= --ppid "$1"); do
		sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$sum"
}

# kamailio_pids: the main process (TP_KAM_PID) and its children
kamailio_pids() {
	echo "$TP_KAM_PID" $(ps -o pid= --ppid "$TP_KAM_PID")
}

# bench_callgrind_start LOG CONFIG SHM_MB: kamailio with bench_cfg in LOG
# (its cfg, log, control socket and callgrind dumps cg.PID.N), every
# process under callgrind, CONFIG's arguments (ARGS) and
# $BENCH_KAMAILIO_ARGS; waits until its control socket answers. Sets
# TP_KAM_PID; TP_WORK must be LOG while kamcmd talks to it.
bench_callgrind_start() {
	local log=$1 c=$2 i
	bench_cfg "$log/kamailio.cfg"
	# shellcheck disable=SC2086 # ARGS split on blanks
	valgrind --tool=callgrind --trace-children=yes --vgdb=yes \
		--callgrind-out-file="$log/cg.%p" \
		"$KAMAILIO" -f "$log/kamailio.cfg" -DD -E -m "$3" -M 8 -Y "$log" \
		-L "$TP_MODULES_DIR" -P "$log/kamailio.pid" ${ARGS[$c]} ${BENCH_KAMAILIO_ARGS:-} \
		>"$log/kamailio.log" 2>&1 &
	TP_KAM_PID=$!
	tp_pids+=("$TP_KAM_PID")
	for i in $(seq 1 600); do
		tp_kamcmd core.version >/dev/null 2>&1 && break
		kill -0 "$TP_KAM_PID" 2>/dev/null || break
		sleep 0.2
	done
}
