#!/usr/bin/env bash
# Kamailio 5.8+ closes TCP connections that have received no data for
# tcp_msg_data_timeout (default 20 s; in 6.0.x outbound ones too), with a
# timer that walks every connection record. Held across that timeout: the
# module's new-connection marker is never "closed" (it counts as having
# received data: tcp_main would otherwise be sent a close for a record that
# is not a connection), and a dialog-persona call held for 35 s keeps its
# own proxy connection to the end, closed by the proxy after its BYE. On
# 5.6 (no such timeout) the same must hold.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
P=$TP_PROXY_IP

if ! tp_wire_start; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi
tp_check "UE $UE1 (dialog) registers" tp_ue_start "$UE1" "Persona-Dialog/1.0"
start=$(date +%s)
TP_HOLD=35000 TP_SIPP_TIMEOUT=80 tp_check "an MT call held 35 s completes" \
	tp_net_call net_call "$U1"
tp_check "... and was held that long ($(($(date +%s) - start)) s)" \
	test $(($(date +%s) - start)) -ge 35
tp_check "the capture is written" tp_capture_stop

tp_eq "no connection closed by the data timeout" 0 \
	"$(grep -c 'message processing timeout' "$TP_WORK/kamailio.log")"
tp_check "tcp_main is still there (kamailio answers RPC)" \
	tp_quiet tp_kamcmd core.version
call="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"
tp_eq "the call on its own proxy connection to the end, FIN by the proxy" \
	"open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT $call close=FIN-proxy" \
	"$(tp_ladder --only-ue "$UE1" | tp_ladder_mask | cut -d' ' -f3- | grep '^open=proxy' | sed 's/ calls=c[0-9]* / /')"

tp_done
