#!/usr/bin/env bash
# kamcmd against a running Kamailio: tcp_persona.match and tcp_persona.rules,
# with good and bad parameters.
source "$(dirname "$0")/lib.sh"
tp_workdir

tp_cfg "$TP_IT_DIR/cfg/classify.cfg" "$TP_WORK/kamailio.cfg" \
	RULES_FILE="$TP_IT_DIR/cfg/personas.rules"
if ! tp_kamailio_start "$TP_WORK/kamailio.cfg"; then
	tp_fail "kamailio starts with the module"
	tp_done
	exit
fi

# one line per reply: "key=value key=value ..." (kamcmd prints one per line)
flat() {
	tp_kamcmd "$@" 2>&1 | sed -n 's/^\t\([a-z_]*\): \(.*\)$/\1=\2/p;/^error/p' |
		paste -sd' '
}

tp_eq "match: modparam rule" "rule=samsung-s2x mode=dialog observe=0 result=match limit_rule=" \
	"$(flat tcp_persona.match 'SM-S916U1-S916U1UES7EZB6 Samsung IMS 6.0')"
tp_eq "match: rules_file rule" "rule=pixel mode=transaction observe=0 result=match limit_rule=" \
	"$(flat tcp_persona.match 'Google_Pixel8_Android 16_BP4A.260205.001')"
tp_eq "match: none matched gives the default mode" \
	"rule= mode=transaction observe=0 result=no match limit_rule=" \
	"$(flat tcp_persona.match 'Fairphone_Fairphone 6_FP6.QREL.15.151.0')"
hostile="$(printf 'a%.0s' $(seq 1 400))!"
tp_eq "match: a hostile User-Agent stops at the PCRE2 limit, default mode" \
	"rule= mode=transaction observe=0 result=limit limit_rule=evil" \
	"$(flat tcp_persona.match "$hostile")"
tp_eq "match: missing parameter is an error reply" \
	"error: 400 - missing parameter: the User-Agent to match" \
	"$(flat tcp_persona.match)"
tp_eq "match: two parameters are an error reply" \
	"error: 400 - one parameter expected: the User-Agent, quoted" \
	"$(flat tcp_persona.match iOS/16.7 iPhone)"
tp_eq "match: a User-Agent that looks like a number is still a string" \
	"rule= mode=transaction observe=0 result=no match limit_rule=" \
	"$(flat tcp_persona.match 12345)"
tp_eq "match: an extra numeric parameter is an error reply" \
	"error: 400 - one parameter expected: the User-Agent, quoted" \
	"$(flat tcp_persona.match iOS/1 5)"

rules=$(tp_kamcmd tcp_persona.rules | sed -n 's/^\tname: //p' | paste -sd' ')
tp_eq "rules: in matching order, modparam rules first" \
	"samsung-s2x apple pixel xiaomi odd catch-samsung no-ua evil" "$rules"
tp_eq "rules: each with index, name, mode, observe, regex and origin" \
	"index=5 name=odd mode=reuse observe=0 regex=^odd;ua=x\$ origin=$TP_IT_DIR/cfg/personas.rules:7 hits=0" \
	"$(tp_kamcmd tcp_persona.rules | sed -n '/index: 5$/,/}/p' |
		sed -n 's/^\t\([a-z_]*\): \(.*\)$/\1=\2/p' | paste -sd' ')"
tp_eq "rules: a parameter is an error reply" "error: 400 - no parameters expected" \
	"$(flat tcp_persona.rules extra)"
tp_eq "rules: a numeric parameter is an error reply" \
	"error: 400 - no parameters expected" "$(flat tcp_persona.rules 7)"

tp_eq "nodes: without enable_dmq, an error reply" \
	"error: 400 - enable_dmq is off: this node shares nothing" "$(flat tcp_persona.nodes)"
tp_eq "nodes: a parameter is an error reply" "error: 400 - no parameter expected" \
	"$(flat tcp_persona.nodes extra)"

tp_check "kamailio is still running after all replies" kill -0 "$TP_KAM_PID"
tp_done
