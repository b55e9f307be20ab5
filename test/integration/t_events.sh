#!/usr/bin/env bash
# The module's event routes (pcscf.cfg logs each with its $persona(...)):
# tcp_persona:reuse-unavailable when a reuse UE's connection is gone (the
# call is refused with 480, no connection opened), tcp_persona:unmatched
# for REGISTERs no rule knows, once per User-Agent per unmatched_interval.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
P=$TP_PROXY_IP
INTERVAL=3

if ! tp_wire_start -A "UNMATCHED_INTERVAL=$INTERVAL"; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi
log=$TP_WORK/kamailio.log
events() { sed -n "s/.*\(EVENT $1 .*\)/\1/p" "$log"; }

tp_check "UE $UE1 (reuse persona) registers" tp_ue_start "$UE1" "Persona-Reuse/1.0"
tp_ue_stop "$UE1"
sleep 0.5 # tcp_main has seen the connection go
tp_check "its connection is gone: the call is refused with 480" \
	tp_net_call net_call_480 "$U1"

T0=$(date +%s.%N)
tp_check "UE $UE2 with an unknown User-Agent registers" tp_ue_start "$UE2" "Unknown-A/1"
tp_ue_stop "$UE2"
tp_check "it registers again within the interval" tp_ue_start "$UE2" "Unknown-A/1"
tp_ue_stop "$UE2"
tp_check "UE $UE3 with another unknown User-Agent registers" tp_ue_start "$UE3" "Unknown-B/1"
tp_check "a known User-Agent raises no event" tp_ue_start "$UE2" "Persona-Dialog/1.0"
tp_ue_stop "$UE2"
sleep "$(awk -v t0="$T0" -v now="$(date +%s.%N)" -v i="$INTERVAL" \
	'BEGIN { d = i + 0.5 - (now - t0); print (d > 0 ? d : 0) }')"
tp_check "after the interval the first User-Agent registers again" \
	tp_ue_start "$UE2" "Unknown-A/1"
tp_check "the capture is written" tp_capture_stop

tp_ladder | sed 's/^/# /'
tp_eq "reuse-unavailable: one event with the UE, AoR, User-Agent, rule, mode" \
	"EVENT reuse-unavailable ue=$UE1:$TP_UE_PORT aor=sip:$U1@$P ua=Persona-Reuse/1.0 rule=persona-reuse mode=reuse" \
	"$(events reuse-unavailable)"
tp_eq "reuse-unavailable: the proxy opened no connection to the UE" "" \
	"$(tp_ladder --only-ue "$UE1" | grep ' open=proxy ')"
ev=$(events unmatched)
tp_eq "unmatched: Unknown-A fired twice (first time, after the interval)" 2 \
	"$(grep -c 'ua=Unknown-A/1 ' <<<"$ev")"
tp_eq "unmatched: Unknown-B fired once" 1 "$(grep -c 'ua=Unknown-B/1 ' <<<"$ev")"
tp_eq "unmatched: the event shows UA, source, contact, AoR, default mode" \
	"EVENT unmatched ua=Unknown-B/1 source=$UE3:* ue=$UE3:$TP_UE_PORT aor=sip:$(tp_ue_user "$UE3")@$P mode=none" \
	"$(grep 'Unknown-B' <<<"$ev" | sed 's/source=\([0-9.]*\):[0-9]*/source=\1:*/')"
tp_eq "unmatched: no event for the known User-Agent" 0 \
	"$(grep -c 'Persona-Dialog' <<<"$ev")"
tp_eq "stats: every unmatched REGISTER is counted, rate-limited or not" \
	"tcp_persona:unmatched = 4" \
	"$(tp_kamcmd stats.get_statistics tcp_persona: | grep -w unmatched | tr -d '\t')"
tp_eq "stats: the refusal is counted" "tcp_persona:reuse_refused = 1" \
	"$(tp_kamcmd stats.get_statistics tcp_persona: | grep reuse_refused | tr -d '\t')"
tp_done
