#!/usr/bin/env bash
# What STOCK Kamailio (pcscf.cfg, no tcp_persona) does with the TCP
# connections toward a handset, seen on the wire (a capture rebuilt per
# connection by test/wire/ladder.py):
#  - the UE's REGISTER connection (UE -> proxy, from an ephemeral port)
#    carries the REGISTER and its 200 only;
#  - an MT INVITE opens a new proxy -> Contact connection; ACK and BYE reuse
#    it; nobody closes it during the test (idle lifetime 30 s);
#  - a second, overlapping MT call to the same UE rides on the first call's
#    connection: the behaviour tcp_persona exists to change.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 _ <<<"$TP_UE_IPS"
U1=$(tp_ue_user "$UE1")
U2=$(tp_ue_user "$UE2")

tp_wire_cfg "$TP_WORK/kamailio.cfg"
if ! tp_kamailio_start "$TP_WORK/kamailio.cfg"; then
	tp_fail "stock kamailio starts with pcscf.cfg"
	tp_done
	exit
fi
if ! tp_capture_start; then
	tp_fail "tshark captures on lo"
	tp_done
	exit
fi

tp_check "UE $UE1 registers over TCP" tp_ue_start "$UE1" "Baseline-UE1/1.0"
tp_check "UE $UE2 registers over TCP" tp_ue_start "$UE2" "Baseline-UE2/1.0"
tp_check "an MT call to $U1 completes (INVITE/200/ACK/BYE/200)" \
	tp_net_call net_call "$U1"
# two calls 250 ms apart, each held 1.5 s: the second INVITE is sent while
# the first call is up
tp_check "two overlapping MT calls to $U2 complete" \
	tp_net_call net_call "$U2" -m 2 -l 2 -r 4 -key hold 1500
tp_check "the capture is written" tp_capture_stop

all=$(tp_ladder)
tp_ladder --call-ids | sed 's/^/# /'
l1=$(tp_ladder --only-ue "$UE1" | tp_ladder_mask)
l2=$(tp_ladder --only-ue "$UE2" | tp_ladder_mask)

P=$TP_PROXY_IP
tp_eq "four TCP connections in all (two REGISTER, two MT)" 4 \
	"$(grep -c '^conn ' <<<"$all")"

# labels: c1, c2 the REGISTERs, c3 the single call, c4 and c5 the overlap
tp_eq "UE1: its REGISTER connection carries REGISTER and 200 only, stays open" \
	"conn 1 open=ue proxy=$P:$TP_PROXY_PORT ue=$UE1:* msgs=REGISTER,200/REGISTER calls=c1 close=none-none" \
	"$(sed -n 1p <<<"$l1")"
tp_eq "UE1: the MT INVITE opens a new connection to the Contact; ACK and BYE reuse it; nobody closes it" \
	"conn 2 open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE calls=c3 close=none-none" \
	"$(sed -n 2p <<<"$l1")"
tp_eq "UE1: no other connection" 2 "$(grep -c '^conn ' <<<"$l1")"

tp_eq "UE2: REGISTER connection" \
	"conn 1 open=ue proxy=$P:$TP_PROXY_PORT ue=$UE2:* msgs=REGISTER,200/REGISTER calls=c2 close=none-none" \
	"$(sed -n 1p <<<"$l2")"
tp_eq "UE2: the second INVITE rides on the first call's connection (stock)" \
	"conn 2 open=proxy proxy=$P:* ue=$UE2:$TP_UE_PORT msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE,BYE,200/BYE calls=c4+c5 close=none-none" \
	"$(sed -n 2p <<<"$l2")"
tp_eq "UE2: one proxy-opened connection for both calls" 1 \
	"$(grep -c ' open=proxy ' <<<"$l2")"

tp_done
