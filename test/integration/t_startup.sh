#!/usr/bin/env bash
# What tcp_persona needs at startup, and the one line it says when
# something is missing: tm, rr and a dialog module (dialog, or ims_dialog
# in an IMS P-CSCF) loaded before it, ims_usrloc_pcscf before it if loaded,
# async TCP, and the TCP closed event, which it shares with tcpops only if
# tcpops gives it up.
source "$(dirname "$0")/lib.sh"
tp_workdir

# mkcfg GLOBALS MODULES...: a cfg loading MODULES, then tcp_persona (or
# where the word TP stands among them); modparam(...) lines as they are
mkcfg() {
	local globals=$1 m cfg placed=
	shift
	cfg=$(mktemp -p "$TP_WORK" startup-XXXXXX.cfg)
	{
		echo '#!KAMAILIO'
		echo "listen=tcp:$TP_PROXY_IP:$TP_PROXY_PORT"
		echo "$globals"
		echo "mpath=\"$TP_MODULES_DIR/\""
		for m in "$@"; do
			if [[ $m == TP ]]; then
				echo "loadmodule \"$TP_MODULE\""
				placed=1
			elif [[ $m == modparam* ]]; then
				echo "$m"
			else
				echo "loadmodule \"$m.so\""
			fi
		done
		echo "loadmodule \"ctl.so\""
		echo "modparam(\"ctl\", \"binrpc\", \"unix:$TP_WORK/kamailio_ctl\")"
		[[ -n $placed ]] || echo "loadmodule \"$TP_MODULE\""
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
stops "without a dialog module" \
	'tcp_persona needs a dialog module: loadmodule "dialog.so", or "ims_dialog.so" in an IMS P-CSCF' \
	"$(mkcfg "" pv tm rr)"

# before the modules whose callback lists it registers into
stops "when loaded before dialog" 'load tcp_persona after dialog' \
	"$(mkcfg "" pv tm rr TP dialog)"
IMS=(sl ims_usrloc_pcscf ims_ipsec_pcscf ims_registrar_pcscf)
DLG_FLAG='modparam("ims_dialog", "dlg_flag", 2)'
stops "when loaded before ims_usrloc_pcscf" 'load tcp_persona after ims_usrloc_pcscf' \
	"$(mkcfg "" pv tm rr ims_dialog "$DLG_FLAG" TP "${IMS[@]}")"
stops "when loaded before ims_dialog" 'load tcp_persona after ims_dialog' \
	"$(mkcfg "" pv tm rr "${IMS[@]}" TP ims_dialog "$DLG_FLAG")"
stops "without async TCP" 'tcp_persona needs tcp_async=yes and tcp_connect_wait=yes' \
	"$(mkcfg "tcp_async=no" pv tm rr dialog)"
stops "beside tcpops that keeps the closed event" \
	'tcpops takes the TCP closed event (closed_event=1): tcp_persona coexists with tcpops only with modparam("tcpops", "closed_event", 0)' \
	"$(mkcfg "" pv tm rr dialog tcpops)"

# an IMS P-CSCF: ims_dialog instead of dialog, ims_usrloc_pcscf
if tp_kamailio_start "$(mkcfg "" pv tm rr "${IMS[@]}" ims_dialog "$DLG_FLAG")"; then
	tp_pass "starts with ims_dialog and ims_usrloc_pcscf, without dialog"
	tp_stop_pid "$TP_KAM_PID"
else
	tp_fail "starts with ims_dialog and ims_usrloc_pcscf, without dialog"
fi

cfg=$(mkcfg "" pv tm rr dialog tcpops 'modparam("tcpops", "closed_event", 0)')
if tp_kamailio_start "$cfg"; then
	tp_pass "starts beside tcpops with closed_event 0"
else
	tp_fail "starts beside tcpops with closed_event 0"
fi

tp_done
