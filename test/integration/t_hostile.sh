#!/usr/bin/env bash
# Hostile User-Agents on REGISTERs through persona_bind(): one that drives a
# catastrophic-backtracking rule to its PCRE2 limit, one with invalid UTF-8,
# one far longer than ua_max_len, and one so big the core drops the whole
# REGISTER. Each UE gets the default mode (or its prefix's rule), one log
# line says why, and the workers keep serving.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
export TP_WIRE_RULES=$TP_WORK/hostile.rules
{
	cat "$TP_IT_DIR/cfg/wire.rules"
	echo 'name=evil;mode=dialog;ua=^(a|aa)+$'
	echo 'name=long;mode=reuse;ua=^Long/'
} >"$TP_WIRE_RULES"
if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona starts"
	tp_done
	exit
fi
mode() { tp_kamcmd tcp_persona.binding "$1:$TP_UE_PORT" | sed -n 's/^\t\(rule\|mode\): /\1=/p' | paste -sd' '; }

evil="$(printf 'a%.0s' $(seq 1 400))!"
tp_check "a UE whose User-Agent hits the PCRE2 limit registers" tp_ue_start "$UE1" "$evil"
tp_eq "it gets the default mode, no rule" "rule= mode=none" "$(mode "$UE1")"
tp_eq "one log line says why" 1 \
	"$(grep -c "hit a PCRE2 limit (match limit exceeded) in rule 'evil': default mode 'none' used" "$TP_WORK/kamailio.log")"
tp_ue_stop "$UE1"
tp_check "the same UE registers again" tp_ue_start "$UE1" "$evil"
# each process logs a User-Agent once (its cache answers the repeats);
# pcscf.cfg has two TCP workers
n=$(grep -c "hit a PCRE2 limit" "$TP_WORK/kamailio.log")
tp_check "the repeat logs again only in another process ($n lines, at most 2)" \
	test "$n" -ge 1 -a "$n" -le 2

tp_check "a UE with invalid UTF-8 in its User-Agent registers" \
	tp_ue_start "$UE2" $'Persona-Dialog/1.0 \xff\xfe\xc3('
tp_eq "it is classified by its bytes" "rule=persona-dialog mode=dialog" "$(mode "$UE2")"

long="Long/$(printf 'x%.0s' $(seq 1 7000))"
tp_check "a UE with a 7 kB User-Agent registers" tp_ue_start "$UE3" "$long"
tp_eq "it is classified by its first ua_max_len bytes" "rule=long mode=reuse" "$(mode "$UE3")"
tp_eq "its binding keeps ua_max_len bytes of it" 512 \
	"$(tp_kamcmd tcp_persona.binding "$UE3:$TP_UE_PORT" | sed -n 's/^\tuser_agent: //p' | tr -d '\n' | wc -c)"
tp_ue_stop "$UE3"

# 64 kB: more than the core reads as one message; the REGISTER is dropped
huge="Huge/$(printf 'y%.0s' $(seq 1 65536))"
tp_ue_start "$UE3" "$huge" >/dev/null 2>&1
tp_eq "a 64 kB User-Agent: the core drops the REGISTER, the binding is unchanged" \
	"Long/xxx" \
	"$(tp_kamcmd tcp_persona.binding "$UE3:$TP_UE_PORT" | sed -n 's/^\tuser_agent: \(Long\/xxx\).*/\1/p')"
tp_check "the core says why" grep -q "tcp_read(): buffer overrun, dropping" "$TP_WORK/kamailio.log"
tp_ue_stop "$UE3"
tp_check "kamailio keeps serving: the next UE registers" \
	tp_ue_start "$UE3" "Persona-Transaction/1.0"
tp_check "and an MT call to the limit-hitting UE completes" \
	tp_net_call net_call "$(tp_ue_user "$UE1")"
tp_check "kamailio is still running" kill -0 "$TP_KAM_PID"
tp_done
