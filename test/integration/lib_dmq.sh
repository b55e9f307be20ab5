# tcp_persona tests with several P-CSCFs over DMQ (sourced after lib.sh
# and lib_wire.sh). The proxy of lib_wire ($TP_PROXY_IP, captured) is one
# node; the others are more kamailio processes on their own loopback IPs,
# their files in $TP_WORK/NAME, DMQ on UDP port $DMQ_PORT of each IP.

DMQ_PORT=$((TP_PROXY_PORT + 10))

# dmq_node_start NAME IP PEER_IP [RULES]: another node, whose DMQ peer (the
# node it first asks to join) is PEER_IP; sets NODE_PID[NAME]
declare -A NODE_PID=()
dmq_node_start() {
	local name=$1 ip=$2 peer=$3 rules=${4:-$TP_IT_DIR/cfg/wire.rules}
	local work=$TP_WORK
	mkdir -p "$work/$name"
	TP_WORK=$work/$name TP_PROXY_IP=$ip tp_wire_cfg "$work/$name/kamailio.cfg" \
		RULES_FILE="$rules" LUA=/dev/null DMQ_PEER="$peer:$DMQ_PORT"
	TP_WORK=$work/$name TP_KAMAILIO_ARGS="-A WITH_PERSONA -A WITH_DMQ ${TP_DMQ_ARGS:-}" \
		tp_kamailio_start "$work/$name/kamailio.cfg" || return 1
	NODE_PID[$name]=$TP_KAM_PID
}

# dmq_kamcmd NAME ARG...: kamcmd to node NAME ("proxy": lib_wire's)
dmq_kamcmd() {
	local name=$1
	shift
	if [[ $name == proxy ]]; then
		tp_kamcmd "$@"
	else
		TP_WORK=$TP_WORK/$name tp_kamcmd "$@"
	fi
}

# dmq_binding NAME UE_ADDR: "mode node" of the binding of UE_ADDR on NAME
dmq_binding() {
	dmq_kamcmd "$1" tcp_persona.binding "$2" 2>/dev/null |
		awk '/mode:/ { m = $2 } /node:/ { n = $2 } END { if (m != "") print m, n }'
}

# dmq_stat NAME STAT: a tcp_persona statistic of node NAME
dmq_stat() {
	dmq_kamcmd "$1" stats.get_statistics tcp_persona: |
		grep -o "$2 = [0-9]*" | grep -o '[0-9]*$'
}

# dmq_wait SECONDS WANT CMD...: until CMD prints WANT (polled 5 times a
# second); prints what it last got when it gives up
dmq_wait() {
	local secs=$1 want=$2 i got
	shift 2
	for i in $(seq 1 $((secs * 5))); do
		got=$("$@")
		[[ $got == "$want" ]] && return 0
		sleep 0.2
	done
	echo "got [$got], not [$want]"
	return 1
}
