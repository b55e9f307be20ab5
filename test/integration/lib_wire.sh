# tcp_persona wire tests: helpers for tests that observe the TCP connections
# on the wire (sourced after lib.sh, not run). See
# /work/shared/notes/wire-testing.md for why things are done this way.
#
# Roles, each on its own loopback address (overridable from the environment):
#   proxy   $TP_PROXY_IP:$TP_PROXY_PORT, TCP and UDP (Kamailio, pcscf.cfg)
#   UEs     $TP_UE_IPS, one sipp per UE over TCP; its main socket (the
#           Contact) is IP:$TP_UE_PORT, its REGISTER leaves from an
#           ephemeral port; MO calls from a UE use IP:$TP_UE_MO_PORT
#   network $TP_NET_IP:$TP_NET_PORT over UDP (an S-CSCF stand-in: the MT
#           caller, tp_net_call, and the MO callee, tp_net_answer_start;
#           pcscf.cfg sends MO requests to port 5060)
#
# Every process started here is bounded in time (timeout) and in count
# (-m), and its PID is put in tp_pids so that tp_stop_all stops it.

TP_WIRE_DIR=$TP_ROOT/test/wire
TP_SIPP_DIR=$TP_IT_DIR/sipp
TP_PROXY_IP=${TP_PROXY_IP:-127.0.0.61}
TP_PROXY_PORT=${TP_PROXY_PORT:-15060}
# lib.sh gives TP_UE_PORT the default 15062 for its own tests; here the
# default is 5060 unless TP_UE_PORT came from the environment (exported).
# Keep 5060: sipp picks it without -p; with -p sipp also binds its outgoing
# connection (the REGISTER's) to that port, and the Contact port would then
# equal the REGISTER source port, hiding connection reuse by address.
[[ ${TP_UE_PORT@a} == *x* ]] || TP_UE_PORT=5060
TP_UE_MO_PORT=${TP_UE_MO_PORT:-5070}
TP_UE_IPS=${TP_UE_IPS:-"127.0.0.81 127.0.0.82 127.0.0.83"}
TP_NET_IP=${TP_NET_IP:-127.0.0.90}
TP_NET_PORT=${TP_NET_PORT:-5060}
TP_NET_UAC_PORT=${TP_NET_UAC_PORT:-$TP_NET_PORT}
# the registrar upstream (pcscf.cfg -A WITH_RELAY_REGISTER, net_registrar.xml)
TP_NET_REG_PORT=${TP_NET_REG_PORT:-5080}
# what REGISTERs from this address get (pcscf.cfg -A WITH_REFUSE): 401
TP_REFUSE_IP=${TP_REFUSE_IP:-127.0.0.84}
# the UE's registration scenario (ue_register.xml; ue_register_challenged.xml
# answers a 401 once)
TP_UE_REGISTER=${TP_UE_REGISTER:-ue_register}
# UE behaviour (ue_answer.xml): ok, 486, slow, bye, mute, retry; delay in
# ms (slow, bye); the code a retry UE answers a first INVITE with
TP_UE_MODE=${TP_UE_MODE:-ok}
TP_UE_DELAY=${TP_UE_DELAY:-2000}
TP_UE_REJECT=${TP_UE_REJECT:-422}
# the AoR user a UE registers (default ueNN from its address: tp_ue_user)
TP_UE_USER=${TP_UE_USER:-}
# how long a UE sipp lives (ms) unless stopped before; time bound of others
TP_UE_LIFE=${TP_UE_LIFE:-60000}
TP_SIPP_TIMEOUT=${TP_SIPP_TIMEOUT:-30}
# ms between ACK and BYE in net_call.xml and friends, ue_call.xml
TP_HOLD=${TP_HOLD:-500}
TSHARK=${TSHARK:-tshark}
SIPP=${SIPP:-sipp}

declare -A tp_ue_pids=()
tp_sipp_n=0

# tp_wire_cfg OUT [KEY=VALUE...]: pcscf.cfg filled for this test
tp_wire_cfg() {
	local out=$1
	shift
	# the caller's KEY=VALUEs first: the first substitution of a key wins
	tp_cfg "$TP_IT_DIR/cfg/pcscf.cfg" "$out" "$@" NET_IP="$TP_NET_IP" \
		UE_PORT="$TP_UE_PORT" NET_REG_PORT="$TP_NET_REG_PORT" \
		REFUSE_IP="$TP_REFUSE_IP" FAILOVER_IP="${TP_FAILOVER_IP:-127.0.0.82}" \
		REDIRECT_IP="${TP_REDIRECT_IP:-127.0.0.83}" \
		DMQ_PORT="${TP_DMQ_PORT:-$((TP_PROXY_PORT + 10))}" \
		DMQ_PEER="${TP_DMQ_PEER:-127.0.0.62:$((TP_PROXY_PORT + 10))}"
}

# tp_wire_start [KAMAILIO ARGS...]: kamailio with pcscf.cfg, tcp_persona
# and cfg/wire.rules (one User-Agent per persona; $TP_WIRE_RULES if set),
# then the capture; returns 1 if either does not start. With -A WITH_LUA
# the routing is cfg/pcscf.lua. $TP_WIRE_ARGS adds kamailio arguments to
# every start (t_wire_orders: other script orders for whole tests).
tp_wire_start() {
	tp_cfg "$TP_IT_DIR/cfg/pcscf.lua" "$TP_WORK/pcscf.lua" NET_IP="$TP_NET_IP"
	tp_wire_cfg "$TP_WORK/kamailio.cfg" LUA="$TP_WORK/pcscf.lua" \
		RULES_FILE="${TP_WIRE_RULES:-$TP_IT_DIR/cfg/wire.rules}"
	TP_KAMAILIO_ARGS="-A WITH_PERSONA ${TP_WIRE_ARGS:-}" tp_kamailio_start \
		"$TP_WORK/kamailio.cfg" "$@" && tp_capture_start
}

# _tp_forget PID: drops PID from tp_pids (it was stopped and waited for)
_tp_forget() {
	local i
	for i in "${!tp_pids[@]}"; do
		[[ ${tp_pids[$i]} == "$1" ]] && unset 'tp_pids[i]'
	done
	tp_pids=("${tp_pids[@]}")
}

# _tp_wait_started PID: a process this shell just started in the
# background, tracked in tp_pids while it runs (so that a trap stops it),
# waited for; returns its exit status
_tp_wait_started() {
	local rc
	tp_pids+=("$1")
	wait "$1"
	rc=$?
	_tp_forget "$1"
	return $rc
}

# _tp_scenario NAME: path of a scenario (NAME, NAME.xml, or a path)
_tp_scenario() {
	local s=$1
	[[ $s == */* ]] || s=$TP_SIPP_DIR/$s
	[[ -f $s || $s == *.xml ]] || s=$s.xml
	echo "$s"
}

# _tp_sipp_logs TAG: sipp options writing its logs as $TP_WORK/TAG.*
_tp_sipp_logs() {
	local p=$TP_WORK/$1
	echo "-trace_msg -message_file $p.msg -trace_err -error_file $p.err" \
		"-trace_logs -log_file $p.log"
}

# _tp_capture_mark: sends sentinel datagrams to $TP_NET_IP:9 (nobody
# listens; ladder.py ignores them) until the capture shows one more than
# before, i.e. until everything sent before it is in the capture (at most
# 5 s). The capture hands packets over in blocks, up to ~1 s late, and is
# live only some time after tshark says "Capturing on".
_tp_capture_mark() {
	local out=${TP_PCAP%.pcap}.tshark.out n i re='(→|->) 9 Len='
	n=$(grep -cE "$re" "$out" 2>/dev/null)
	for i in $(seq 0 49); do
		((i % 5)) || echo tp-capture-mark 2>/dev/null >"/dev/udp/$TP_NET_IP/9"
		sleep 0.1
		(($(grep -cE "$re" "$out" 2>/dev/null) > n)) && return 0
		kill -0 "$TP_CAP_PID" 2>/dev/null || return 1
	done
	return 1
}

# tp_capture_start [NAME]: tshark on lo for the test addresses, writing
# $TP_WORK/NAME.pcap (default wire.pcap, path in $TP_PCAP); returns once
# the capture is live (tshark said "Capturing on" and saw a sentinel)
tp_capture_start() {
	local name=${1:-wire} filter ip i
	TP_PCAP=$TP_WORK/$name.pcap
	filter="host $TP_PROXY_IP or host $TP_NET_IP"
	for ip in $TP_UE_IPS; do filter+=" or host $ip"; done
	rm -f "$TP_PCAP"
	# -P -l: a summary line per packet on stdout, for _tp_capture_mark
	"$TSHARK" -i lo -n -l -P -f "$filter" -w "$TP_PCAP" \
		>"$TP_WORK/$name.tshark.out" 2>"$TP_WORK/$name.tshark.log" &
	TP_CAP_PID=$!
	tp_pids+=("$TP_CAP_PID")
	for i in $(seq 1 100); do
		if grep -q "Capturing on" "$TP_WORK/$name.tshark.log" 2>/dev/null; then
			_tp_capture_mark && return 0
			break
		fi
		kill -0 "$TP_CAP_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "tshark did not start capturing; its log:" >&2
	cat "$TP_WORK/$name.tshark.log" >&2
	return 1
}

# tp_capture_stop: stops the capture once a sentinel shows that what was
# sent before is in it; SIGINT, so that the pcap is complete
tp_capture_stop() {
	[[ -n ${TP_CAP_PID:-} ]] || return 1
	sleep 0.1 # the last packets (FINs) are sent
	_tp_capture_mark || echo "tp_capture_stop: no sentinel seen" >&2
	tp_stop_pid "$TP_CAP_PID" INT
	_tp_forget "$TP_CAP_PID"
	TP_CAP_PID=
	[[ -s $TP_PCAP ]]
}

# tp_ladder [ladder.py ARGS...]: the connections of $TP_PCAP, one line each
# (e.g. tp_ladder --only-ue 127.0.0.81, tp_ladder --call-ids)
tp_ladder() {
	python3 "$TP_WIRE_DIR/ladder.py" "$TP_PCAP" --proxy "$TP_PROXY_IP" \
		--port "$TP_PROXY_PORT" --port "$TP_UE_PORT" "$@"
}

# tp_ladder_mask: filter for tp_ladder lines: every port other than
# $TP_PROXY_PORT, $TP_UE_PORT and $TP_UE_MO_PORT (i.e. an ephemeral one)
# reads "*", so that lines can be compared with fixed expectations
tp_ladder_mask() {
	sed -E -e "s/:($TP_PROXY_PORT|$TP_UE_PORT|$TP_UE_MO_PORT) /:=\1 /g" \
		-e 's/:[0-9]+ /:* /g' -e 's/:=([0-9]+) /:\1 /g'
}

TP_RACE_PEERS=$TP_WIRE_DIR/race_peers.py

# tp_race_ue IP UA [ARGS]: a race_peers.py UE (answers every request on
# the connection it came on) in the background; returns once registered
tp_race_ue() {
	local log=$TP_WORK/race-ue-$1.log i
	timeout -k 2 50 python3 "$TP_RACE_PEERS" ue --proxy "$TP_PROXY_IP" \
		--proxy-port "$TP_PROXY_PORT" --ip "$1" --port "$TP_UE_PORT" \
		--user "$(tp_ue_user "$1")" --ua "$2" --life 40 "${@:3}" >"$log" 2>&1 &
	tp_pids+=($!)
	for i in $(seq 1 50); do
		grep -q "^registered " "$log" && return 0
		sleep 0.1
	done
	cat "$log" >&2
	return 1
}

# tp_check_nothing_left UE_IP...: the module holds no connection to any
# of the UEs, and no proxy connection to a UE is open (on the wire)
tp_check_nothing_left() {
	local ue
	for ue in "$@"; do
		tp_eq "the module holds no connection to $ue afterwards" 0 \
			"$(tp_kamcmd tcp_persona.binding "$ue:$TP_UE_PORT" | grep -c 'owner: ')"
	done
	tp_eq "no proxy connection to a UE is left open" 0 \
		"$(ss -Htn state established "( src $TP_PROXY_IP )" |
			awk -v p=":$TP_PROXY_PORT" '$3 !~ p"$"' | grep -c .)"
}

# tp_ue_user IP: the AoR user of the UE on IP (127.0.0.81 -> ue81)
tp_ue_user() {
	echo "ue${1##*.}"
}

# _tp_ue_sipp TAG IP UA EXPIRES [SIPP ARGS...]: a UE sipp in the
# background that REGISTERs (ue_register.xml, user $(tp_ue_user IP), Contact
# IP:$TP_UE_PORT) and answers MT requests (-oocsf ue_answer.xml,
# $TP_UE_MODE, $TP_UE_DELAY) for $TP_UE_LIFE ms; sets TP_UE_SIPP_PID.
# Returns once its REGISTER got the 200 (0), or 1 if not within 5 s: the
# UE's own log says so (usrloc may still hold an earlier registration).
_tp_ue_sipp() {
	local tag=$1 ip=$2 ua=$3 expires=$4 i
	shift 4
	# shellcheck disable=SC2046
	timeout -k 2 $((TP_UE_LIFE / 1000 + 10)) "$SIPP" \
		"$TP_PROXY_IP:$TP_PROXY_PORT" -t t1 -i "$ip" "$@" \
		-sf "$(_tp_scenario "$TP_UE_REGISTER")" \
		-oocsf "$TP_SIPP_DIR/ue_answer.xml" \
		-m 1 -d "$TP_UE_LIFE" -deadcall_wait 0 -reconnect_close false \
		-key user "${TP_UE_USER:-$(tp_ue_user "$ip")}" -key ua "$ua" \
		-key expires "$expires" -key contact_port "$TP_UE_PORT" \
		-key mode "$TP_UE_MODE" -key delay "$TP_UE_DELAY" \
		-key reject "$TP_UE_REJECT" \
		-key registrar "${TP_UE_REGISTRAR:-$TP_PROXY_IP:$TP_PROXY_PORT}" \
		-nostdin $(_tp_sipp_logs "$tag") >"$TP_WORK/$tag.out" 2>&1 &
	TP_UE_SIPP_PID=$!
	tp_pids+=("$TP_UE_SIPP_PID")
	for i in $(seq 1 50); do
		grep -q "${TP_UE_READY:-^registered }" "$TP_WORK/$tag.log" 2>/dev/null &&
			return 0
		kill -0 "$TP_UE_SIPP_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "UE $ip did not register; its sipp said:" >&2
	tail -5 "$TP_WORK/$tag.out" "$TP_WORK/$tag.err" 2>/dev/null >&2
	return 1
}

# tp_ue_start IP UA [EXPIRES]: one UE (default Expires 600): a sipp
# listening on IP:$TP_UE_PORT (its Contact; sipp's own choice, the first
# free port from 5060, so no -p) whose REGISTER leaves from an ephemeral
# port; see _tp_ue_sipp. PID in tp_ue_pids[IP].
tp_ue_start() {
	local ip=$1 port=() rc
	[[ $TP_UE_PORT == 5060 ]] || port=(-p "$TP_UE_PORT")
	_tp_ue_sipp "ue-$ip-$((++tp_sipp_n))" "$ip" "$2" "${3:-600}" "${port[@]}"
	rc=$?
	tp_ue_pids[$ip]=$TP_UE_SIPP_PID
	return $rc
}

# tp_forged_start IP AOR_USER CONTACT_IP UA: a client on IP (as a UE:
# it answers what the proxy sends on its connection) REGISTERs AoR
# AOR_USER with the Contact CONTACT_IP:$TP_UE_PORT, someone else's address
# (ue_register_forged.xml); returns once it got the 401 or the 200, whose
# code "answered CODE" is in the log $TP_WORK/forged-IP.log. PID in
# tp_ue_pids[IP].
tp_forged_start() {
	local ip=$1 rc
	TP_UE_REGISTER=ue_register_forged TP_UE_READY="^answered " \
		_tp_ue_sipp "forged-$ip" "$ip" "$4" 600 \
		-key aor_user "$2" -key contact_ip "$3"
	rc=$?
	tp_ue_pids[$ip]=$TP_UE_SIPP_PID
	return $rc
}

# tp_binding_field IP FIELD: FIELD=VALUE of the binding of IP:$TP_UE_PORT
# (tcp_persona.binding), e.g. tp_binding_field 127.0.0.81 mode
tp_binding_field() {
	tp_kamcmd tcp_persona.binding "$1:$TP_UE_PORT" 2>&1 | sed -n "s/^\t\($2\): /\1=/p"
}

# tp_check_refused_client IP LABEL: asserts that the connection of the
# refused client on IP (tp_forged_start) carried its REGISTER and the 401
# only (LABEL: its call label in tp_ladder), nothing the proxy sent a UE
tp_check_refused_client() {
	tp_eq "the refused client's connection carries its REGISTER and the 401 only" \
		"open=ue proxy=$TP_PROXY_IP:$TP_PROXY_PORT ue=$1:* msgs=REGISTER,401/REGISTER calls=$2 close=none-none" \
		"$(tp_ladder --only-ue "$1" | tp_ladder_mask | cut -d' ' -f3-)"
}

# tp_ue_stop IP: stops the UE started on IP (its connections are closed by
# the kernel: RST/FIN from the UE side)
tp_ue_stop() {
	local pid=${tp_ue_pids[$1]:-}
	[[ -n $pid ]] || return 1
	tp_stop_pid "$pid"
	_tp_forget "$pid"
	unset "tp_ue_pids[$1]"
}

# tp_ue_reregister IP UA: the UE on IP registers again, the same Contact
# (IP:$TP_UE_PORT) but over a new connection, from a second sipp on
# IP:$TP_UE_MO_PORT that also answers MT requests sent on that connection
# ($TP_UE_MODE). Returns once the 200 came (0), or 1. PID in
# tp_ue2_pids[IP].
declare -A tp_ue2_pids=()
tp_ue_reregister() {
	local ip=$1 rc
	_tp_ue_sipp "ue-rereg-$ip-$((++tp_sipp_n))" "$ip" "$2" 600 \
		-p "$TP_UE_MO_PORT"
	rc=$?
	tp_ue2_pids[$ip]=$TP_UE_SIPP_PID
	return $rc
}

# tp_ue_unregister IP [UA]: the UE on IP removes its registration
# (ue_unregister.xml, Expires: 0, from a second sipp on IP:$TP_UE_MO_PORT
# over TCP), in the foreground, bounded; returns sipp's exit status
tp_ue_unregister() {
	local ip=$1 ua=${2:-tp-wire} tag
	tag=ue-unreg-$ip-$((++tp_sipp_n))
	# shellcheck disable=SC2046
	timeout -k 2 "$TP_SIPP_TIMEOUT" "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" \
		-t t1 -i "$ip" -p "$TP_UE_MO_PORT" \
		-sf "$TP_SIPP_DIR/ue_unregister.xml" -m 1 -d 0 \
		-key user "$(tp_ue_user "$ip")" -key ua "$ua" \
		-key registrar "${TP_UE_REGISTRAR:-$TP_PROXY_IP:$TP_PROXY_PORT}" \
		-key contact_port "$TP_UE_PORT" -nostdin $(_tp_sipp_logs "$tag") \
		>"$TP_WORK/$tag.out" 2>&1 &
	_tp_wait_started $!
}

# tp_net_call SCENARIO AOR [SIPP ARGS...]: the network side (UDP, from
# $TP_NET_IP:$TP_NET_UAC_PORT) runs SCENARIO (net_call, net_call_486,
# net_cancel, net_message, net_reinvite, net_call_uebye; .xml optional)
# toward sip:AOR@proxy, in the foreground, bounded by $TP_SIPP_TIMEOUT s;
# -m 1 and -key hold $TP_HOLD unless the extra ARGS say otherwise (e.g.
# -m 2 -l 2 -r 10, -key hold 1500: sipp takes the last of an option but
# the first of a -key, hence the order). Returns sipp's exit status (0: all calls passed).
tp_net_call() {
	local scen aor=$2 tag
	scen=$(_tp_scenario "$1")
	shift 2
	tag=net-$((++tp_sipp_n))
	# shellcheck disable=SC2046
	timeout -k 2 "$TP_SIPP_TIMEOUT" "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" \
		-t u1 -i "$TP_NET_IP" -p "$TP_NET_UAC_PORT" -sf "$scen" -s "$aor" \
		-m 1 -nostdin $(_tp_sipp_logs "$tag") "$@" -key hold "$TP_HOLD" \
		>"$TP_WORK/$tag.out" 2>&1 &
	_tp_wait_started $!
}

# tp_net_answer_start [COUNT]: the network side answers COUNT (default 1)
# ($TP_NET_ANSWER: another scenario than net_answer, e.g. net_answer_netbye)
# MO calls (net_answer.xml, UDP server on $TP_NET_IP:$TP_NET_PORT) in the
# background, bounded by $TP_SIPP_TIMEOUT s; PID in $TP_NET_ANSWER_PID.
# It shares $TP_NET_PORT with tp_net_call: not both at once unless
# TP_NET_UAC_PORT differs.
tp_net_answer_start() {
	local n=${1:-1} tag=net-answer-$((++tp_sipp_n))
	# shellcheck disable=SC2046
	timeout -k 2 "$TP_SIPP_TIMEOUT" "$SIPP" -t u1 -i "$TP_NET_IP" \
		-p "$TP_NET_PORT" -sf "$TP_SIPP_DIR/${TP_NET_ANSWER:-net_answer}.xml" -m "$n" \
		-nostdin $(_tp_sipp_logs "$tag") >"$TP_WORK/$tag.out" 2>&1 &
	TP_NET_ANSWER_PID=$!
	tp_pids+=("$TP_NET_ANSWER_PID")
	sleep 0.2 # the UDP socket is bound
}

# tp_net_answer_wait: waits for the answering side to finish its calls;
# returns its exit status
tp_net_answer_wait() {
	local rc
	wait "$TP_NET_ANSWER_PID"
	rc=$?
	_tp_forget "$TP_NET_ANSWER_PID"
	return $rc
}

# tp_ue_call IP SCENARIO [AOR [SIPP ARGS...]]: an MO call (default
# ue_call.xml) from the UE on IP to sip:AOR@proxy (default "net"), over TCP
# from IP:$TP_UE_MO_PORT (the UE's main sipp holds IP:$TP_UE_PORT: two TCP
# sipps on one IP need explicit, different -p), in the foreground, bounded
# by $TP_SIPP_TIMEOUT s. Needs tp_net_answer_start first. Returns sipp's
# exit status.
tp_ue_call() {
	local ip=$1 scen aor=${3:-net} tag
	scen=$(_tp_scenario "${2:-ue_call}")
	shift $(($# < 3 ? $# : 3))
	tag=ue-call-$ip-$((++tp_sipp_n))
	# shellcheck disable=SC2046
	timeout -k 2 "$TP_SIPP_TIMEOUT" "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" \
		-t t1 -i "$ip" -p "$TP_UE_MO_PORT" -sf "$scen" -s "$aor" -m 1 \
		-key user "$(tp_ue_user "$ip")" -key contact_port "$TP_UE_PORT" \
		-key hold "$TP_HOLD" \
		-reconnect_close false -nostdin $(_tp_sipp_logs "$tag") "$@" \
		>"$TP_WORK/$tag.out" 2>&1 &
	_tp_wait_started $!
}

# tp_check_dialog_ladder IP: asserts the ladder of a dialog-persona UE on IP
# after it registered, got one MT call and then two overlapping ones
# (t_wire_dialog.sh, t_wire_lua.sh): each call on a proxy connection of its
# own, FIN'd by the proxy after the 200 to the BYE; nothing on the
# registration connection.
tp_check_dialog_ladder() {
	local ue=$1 l call="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"
	local p=$TP_PROXY_IP
	l=$(tp_ladder --only-ue "$ue" | tp_ladder_mask)
	tp_eq "the registration connection carries no MT traffic" \
		"conn 1 open=ue proxy=$p:$TP_PROXY_PORT ue=$ue:* msgs=REGISTER,200/REGISTER calls=c1 close=none-none" \
		"$(sed -n 1p <<<"$l")"
	tp_eq "MT call: a new proxy connection, FIN by the proxy after 200/BYE" \
		"conn 2 open=proxy proxy=$p:* ue=$ue:$TP_UE_PORT $call calls=c2 close=FIN-proxy" \
		"$(sed -n 2p <<<"$l")"
	tp_eq "overlap: the first call on a connection of its own" \
		"conn 3 open=proxy proxy=$p:* ue=$ue:$TP_UE_PORT $call calls=c3 close=FIN-proxy" \
		"$(sed -n 3p <<<"$l")"
	tp_eq "overlap: the second call on another new connection" \
		"conn 4 open=proxy proxy=$p:* ue=$ue:$TP_UE_PORT $call calls=c4 close=FIN-proxy" \
		"$(sed -n 4p <<<"$l")"
	tp_eq "no other connection to the UE" 4 "$(grep -c '^conn ' <<<"$l")"
}
