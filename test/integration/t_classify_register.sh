#!/usr/bin/env bash
# A SIPp handset REGISTERs over TCP with a given User-Agent; the script
# classifies it with persona_match("$ua") and reports the persona in a
# header of its 200 OK. With "kemi" as argument the routing script is Lua
# (classify.lua) and calls KSR.tcp_persona.persona_match().
source "$(dirname "$0")/lib.sh"
tp_workdir

tp_cfg "$TP_IT_DIR/cfg/classify${TP_KEMI:+-kemi}.cfg" "$TP_WORK/kamailio.cfg" \
	RULES_FILE="$TP_IT_DIR/cfg/personas.rules" LUA="$TP_IT_DIR/cfg/classify.lua"
if ! tp_kamailio_start "$TP_WORK/kamailio.cfg"; then
	tp_fail "kamailio starts with the module"
	tp_done
	exit
fi

expect() {
	local what=$1 ua=$2 want=$3
	tp_eq "$what" "$want" "$(tp_register_persona "$ua")"
}

expect "modparam rule, first match wins over the file's catch-samsung" \
	"SM-S916U1-S916U1UES7EZB6 Samsung IMS 6.0" \
	"rc=1;name=samsung-s2x;mode=dialog;before=null"
expect "second modparam rule" "iOS/16.7 iPhone" \
	"rc=1;name=apple;mode=reuse;before=null"
expect "rules_file rule" "Google_Pixel8_Android 16_BP4A.260205.001" \
	"rc=1;name=pixel;mode=transaction;before=null"
expect "rules_file rule after an indented line" \
	"POCO_POCO F7 Pro_OS3.0.4.0.WOPOEUXM" \
	"rc=1;name=xiaomi;mode=dialog;before=null"
expect "rules_file regex holding ';' and '='" "odd;ua=x" \
	"rc=1;name=odd;mode=reuse;before=null"
expect "later file rule catches other Samsung stacks" \
	"SM-G975W-G975WVLS5GUD1 Samsung IMS 6.0" \
	"rc=1;name=catch-samsung;mode=none;before=null"
expect "no match: empty name, default mode, -1" \
	"Fairphone_Fairphone 6_FP6.QREL.15.151.0" \
	"rc=-1;name=;mode=transaction;before=null"
long="SM-S918B Samsung IMS 6.0 $(printf 'x%.0s' $(seq 1 3000))"
expect "a 3 KB User-Agent is matched on its first ua_max_len bytes" "$long" \
	"rc=1;name=samsung-s2x;mode=dialog;before=null"
expect "a repeated User-Agent gets the same persona" "iOS/16.7 iPhone" \
	"rc=1;name=apple;mode=reuse;before=null"
tp_eq "a REGISTER without User-Agent is matched as an empty string" \
	"rc=1;name=no-ua;mode=reuse;before=null" "$(SCENARIO=register_no_ua.xml tp_register_persona)"
hostile="$(printf 'a%.0s' $(seq 1 400))!"
expect "a catastrophic-backtracking rule stops at the limit: default mode" \
	"$hostile" "rc=-1;name=;mode=transaction;before=null"
expect "the worker keeps serving after a hostile User-Agent" "iOS/17.1 iPhone" \
	"rc=1;name=apple;mode=reuse;before=null"
tp_check "one log line says why the hostile User-Agent got the default mode" \
	grep -q "User-Agent \[aaaa.*\] (401 bytes) hit a PCRE2 limit (match limit exceeded) in rule 'evil': default mode 'transaction' used" \
	"$TP_WORK/kamailio.log"

tp_done
