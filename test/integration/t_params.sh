#!/usr/bin/env bash
# The integer parameters: each out-of-range value stops startup with a line
# naming the parameter and its range; in-range values start.
source "$(dirname "$0")/lib.sh"
tp_workdir

# mkcfg MODPARAM...: a cfg with what tcp_persona needs and these modparams
mkcfg() {
	local cfg m
	cfg=$(mktemp -p "$TP_WORK" params-XXXXXX.cfg)
	{
		echo '#!KAMAILIO'
		echo 'debug=2'
		echo "listen=tcp:$TP_PROXY_IP:$TP_PROXY_PORT"
		echo "mpath=\"$TP_MODULES_DIR/\""
		for m in pv tm rr dialog ctl; do echo "loadmodule \"$m.so\""; done
		echo "modparam(\"ctl\", \"binrpc\", \"unix:$TP_WORK/kamailio_ctl\")"
		echo "loadmodule \"$TP_MODULE\""
		for m in "$@"; do echo "modparam(\"tcp_persona\", $m)"; done
		echo 'request_route { persona_match("$ua"); }'
	} >"$cfg"
	echo "$cfg"
}

stops() {
	local out rc
	out=$(timeout 20 "$KAMAILIO" -f "$(mkcfg "$1")" -DD -E -m 32 -M 8 \
		-Y "$TP_WORK" 2>&1)
	rc=$?
	if [[ $rc -ne 0 && $out == *"$2"* ]]; then
		tp_pass "startup stops on $1"
	else
		tp_fail "startup stops on $1 (exit $rc): $(grep ERROR <<<"$out" | head -2)"
	fi
}

stops '"match_limit", 99' 'invalid "match_limit" value: 99, must be 100 to 100000000'
stops '"depth_limit", 99' 'invalid "depth_limit" value: 99, must be 100 to 10000000'
stops '"cache_size", -1' 'invalid "cache_size" value: -1, must be 0 to 1048576'
stops '"ua_max_len", 8193' 'invalid "ua_max_len" value: 8193, must be 16 to 8192'
stops '"hash_size", 3' 'invalid "hash_size" value: 3, must be 0 (the table sized by max_bindings) or 4 to 24'
stops '"hash_size", 25' 'invalid "hash_size" value: 25, must be 0 (the table sized by max_bindings) or 4 to 24'
stops '"unmatched_interval", -1' 'invalid "unmatched_interval" value: -1, must be 0 to 86400'
stops '"discover_families", 65537' 'invalid "discover_families" value: 65537, must be 0 to 65536'
stops '"discover_mt_sample", -1' 'invalid "discover_mt_sample" value: -1, must be 0 to 1000000'
# not 3xx: a stateless 3xx would name the refused UE in its Contact
stops '"unavailable_reply_code", 302' 'invalid "unavailable_reply_code" value: 302, must be 0 (the script answers -2) or 400 to 699'
stops '"unavailable_reply_code", 700' 'invalid "unavailable_reply_code" value: 700, must be 0 (the script answers -2) or 400 to 699'
stops '"unavailable_reply_reason", ""' 'invalid "unavailable_reply_reason": it must be 1 to 128 characters on one line'
stops '"unavailable_reply_reason", "Gone\r\nX-Injected: 1"' 'invalid "unavailable_reply_reason": it must be 1 to 128 characters on one line'
# the module answers through the sl module's API
stops '"unavailable_reply_code", 480' 'unavailable_reply_code needs the sl module loaded'

if tp_kamailio_start "$(mkcfg '"cache_size", 0' '"match_limit", 1000' \
	'"depth_limit", 1000' '"ua_max_len", 64' '"hash_size", 4' \
	'"discover_families", 0' '"rule", "name=a;mode=dialog;ua=^SM-"')"; then
	tp_pass "starts with the cache off and low limits"
	tp_check "the startup line reports the cache off" \
		grep -q "cache 0 User-Agents" "$TP_WORK/kamailio.log"
	tp_eq "and classifies" "rule: a" \
		"$(tp_kamcmd tcp_persona.match 'SM-S911B Samsung IMS' | sed -n 's/^\t//p' | head -1)"
	tp_eq "discover_families 0: the profile commands say discovery is off" \
		"error: 400 - discover_families is 0: discovery is off|error: 400 - discover_families is 0: discovery is off" \
		"$(tp_kamcmd tcp_persona.profile 2>&1 | paste -sd' ')|$(tp_kamcmd tcp_persona.profile_rules 2>&1 | paste -sd' ')"
else
	tp_fail "starts with the cache off and low limits"
fi

tp_done
