#!/usr/bin/env bash
# Every tcp_persona.* RPC command with missing, extra, wrong-type and
# oversized arguments: an error reply saying what was expected, never a
# crash; reload takes no file name, so it only ever reads rules_file.
source "$(dirname "$0")/lib.sh"
tp_workdir

tp_cfg "$TP_IT_DIR/cfg/classify.cfg" "$TP_WORK/kamailio.cfg" \
	RULES_FILE="$TP_IT_DIR/cfg/personas.rules"
if ! tp_kamailio_start "$TP_WORK/kamailio.cfg"; then
	tp_fail "kamailio starts with the module"
	tp_done
	exit
fi
first() { tp_kamcmd "$@" 2>&1 | head -1; }
big=$(printf 'x%.0s' $(seq 1 20000))
num=123456789012345678901234567890

for cmd in tcp_persona.rules tcp_persona.stats; do
	tp_eq "$cmd: an extra string" "error: 400 - no parameters expected" "$(first $cmd x)"
	tp_eq "$cmd: an extra number" "error: 400 - no parameters expected" "$(first $cmd 7)"
	tp_eq "$cmd: an oversized extra" "error: 400 - no parameters expected" "$(first $cmd "$big")"
done
tp_eq "match: missing" "error: 400 - missing parameter: the User-Agent to match" \
	"$(first tcp_persona.match)"
tp_eq "match: a 20 kB User-Agent is matched on its ua_max_len prefix" "{" \
	"$(first tcp_persona.match "$big")"
tp_eq "reload: an oversized parameter (the reply quotes 64 bytes of it)" \
	"error: 400 - unknown parameter '$(cut -c1-64 <<<"$big")': expected none or 'reclassify'" \
	"$(first tcp_persona.reload "$big")"
tp_eq "reload: a file name is no parameter it takes" \
	"error: 400 - unknown parameter '/etc/passwd': expected none or 'reclassify'" \
	"$(first tcp_persona.reload /etc/passwd)"
for cmd in tcp_persona.binding tcp_persona.unbind; do
	tp_eq "$cmd: missing" \
		"error: 400 - missing parameter: the UE's address, ip:port or [ipv6]:port" \
		"$(first $cmd)"
	tp_eq "$cmd: a number" \
		"error: 400 - bad address '5060': expected ip:port or [ipv6]:port" \
		"$(first $cmd 5060)"
	tp_eq "$cmd: oversized (the reply quotes 80 bytes of it)" \
		"error: 400 - bad address '$(cut -c1-80 <<<"$big")': expected ip:port or [ipv6]:port" \
		"$(first $cmd "$big")"
	tp_eq "$cmd: an extra parameter" \
		"error: 400 - one parameter expected: the UE's address" \
		"$(first $cmd 127.0.0.1:5060 x)"
done
tp_eq "bindings: a 30-digit offset" \
	"error: 400 - bad offset '$num': expected a number >= 0" \
	"$(first tcp_persona.bindings s:$num)"
tp_eq "bindings: an oversized limit" \
	"error: 400 - bad limit '$(cut -c1-32 <<<"$big")': expected 1 to 1000" \
	"$(first tcp_persona.bindings 0 "$big")"
tp_check "kamailio is still running" kill -0 "$TP_KAM_PID"
tp_eq "and answers" "rule: pixel" \
	"$(tp_kamcmd tcp_persona.match 'Google_Pixel8_Android 16_X' | sed -n 's/^\t\(rule: .*\)/\1/p')"
tp_done
