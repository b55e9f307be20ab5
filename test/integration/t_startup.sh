#!/usr/bin/env bash
# What tcp_persona needs at startup, and the one line it says when
# something is missing: tm, rr and dialog, async TCP, and the TCP closed
# event, which it shares with tcpops only if tcpops gives it up.
source "$(dirname "$0")/lib.sh"
tp_workdir

# mkcfg GLOBALS MODULES...: a cfg loading MODULES (then tcp_persona)
mkcfg() {
	local globals=$1 m cfg
	shift
	cfg=$(mktemp -p "$TP_WORK" startup-XXXXXX.cfg)
	{
		echo '#!KAMAILIO'
		echo "listen=tcp:$TP_PROXY_IP:$TP_PROXY_PORT"
		echo "$globals"
		echo "mpath=\"$TP_MODULES_DIR/\""
		for m in "$@"; do
			[[ $m == modparam* ]] && echo "$m" || echo "loadmodule \"$m.so\""
		done
		echo "loadmodule \"ctl.so\""
		echo "modparam(\"ctl\", \"binrpc\", \"unix:$TP_WORK/kamailio_ctl\")"
		echo "loadmodule \"$TP_MODULE\""
		echo 'request_route { persona_enforce(); }'
	} >"$cfg"
	echo "$cfg"
}

# stops WHAT WANT CFG: kamailio exits at startup and its log says WANT
stops() {
	local out rc
	out=$(timeout 20 "$KAMAILIO" -f "$3" -DD -E -m 32 -M 8 -Y "$TP_WORK" 2>&1)
	rc=$?
	if [[ $rc -ne 0 && $out == *"$2"* ]]; then
		tp_pass "startup stops $1"
	else
		tp_fail "startup stops $1 (exit $rc): $(grep -E 'ERROR' <<<"$out" | head -2)"
	fi
}

stops "without tm" 'tcp_persona needs the tm module: loadmodule "tm.so"' \
	"$(mkcfg "" pv sl rr)"
stops "without dialog" 'tcp_persona needs the dialog module: loadmodule "dialog.so"' \
	"$(mkcfg "" pv tm rr)"
stops "without async TCP" 'tcp_persona needs tcp_async=yes and tcp_connect_wait=yes' \
	"$(mkcfg "tcp_async=no" pv tm rr dialog)"
stops "beside tcpops that keeps the closed event" \
	'tcpops takes the TCP closed event (closed_event=1): tcp_persona coexists with tcpops only with modparam("tcpops", "closed_event", 0)' \
	"$(mkcfg "" pv tm rr dialog tcpops)"

cfg=$(mkcfg "" pv tm rr dialog tcpops 'modparam("tcpops", "closed_event", 0)')
if tp_kamailio_start "$cfg"; then
	tp_pass "starts beside tcpops with closed_event 0"
else
	tp_fail "starts beside tcpops with closed_event 0"
fi

tp_done
