#!/usr/bin/env bash
# "Contact: *" unbinds the UE that sent it (found by its REGISTER's source)
# only alone and with Expires: 0, as RFC 3261 10.3 allows it; otherwise the
# registrar answers 400 and the binding stays.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
GAP=1500 # ms between the scenario's steps: the test looks in between
bindings() {
	tp_kamcmd tcp_persona.bindings | grep -c "address: $UE1:"
}
# wait_log LINE: waits (up to 5 s) for the UE's sipp to log LINE
wait_log() {
	local i
	for i in $(seq 1 50); do
		grep -q "$1" "$TP_WORK/star.log" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

# shellcheck disable=SC2046
timeout -k 2 "$TP_SIPP_TIMEOUT" "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" \
	-t t1 -i "$UE1" -p "$TP_UE_MO_PORT" -sf "$TP_SIPP_DIR/ue_star.xml" \
	-m 1 -key user "$U1" -key ua "Persona-Dialog/1.0" -key gap "$GAP" \
	-nostdin $(_tp_sipp_logs star) >"$TP_WORK/star.out" 2>&1 &
ue=$!
tp_pids+=("$ue")
tp_check "the UE registers" wait_log "registered $U1"
tp_eq "it is bound" 1 "$(bindings)"
tp_check "Contact: * with Expires 600 gets the registrar's 400" \
	wait_log "star with Expires 600 refused"
tp_eq "... and the binding stays" 1 "$(bindings)"
tp_check "Contact: * next to another Contact gets the registrar's 400" \
	wait_log "star with another Contact refused"
tp_eq "... and the binding stays" 1 "$(bindings)"
tp_check "Contact: * with Expires 0 gets a 200" \
	wait_log "star with Expires 0 accepted"
tp_eq "... and the binding is gone" 0 "$(bindings)"
_tp_wait_started "$ue"
tp_eq "the UE's scenario passed" 0 $?

tp_done
