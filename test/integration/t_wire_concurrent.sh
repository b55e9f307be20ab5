#!/usr/bin/env bash
# Concurrency (issue 11, load and faults): 8 SIP workers; 50 simultaneous
# MT INVITEs to one dialog UE and 50 to one transaction UE (100 calls each,
# at most 50 at once, so that BYEs overlap new INVITEs), each answered
# after a random 0-300 ms. Every call on its own connection(s) as its
# persona wants, every proxy connection closed by the proxy after its last
# message, no request on a connection to another UE than its own, no
# connection left, shared memory back to where it was (once the ended
# dialogs are forgotten, 32-37 s after their BYEs; the UEs' connections
# live 120 s, so that theirs stays counted). No worker waits
# for another to open a connection (tp_fresh.h): there is no lock to show.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r UE1 UE2 _ <<<"$TP_UE_IPS"
CALLS=${TP_CONC_CALLS:-100}
AT_ONCE=${TP_CONC_AT_ONCE:-50}
P=$TP_PROXY_IP

if ! tp_wire_start -A WORKERS=8 -A TCP_LIFETIME=120; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi
shm() { tp_kamcmd core.shmmem | sed -n 's/^\treal_used: //p'; }

TP_UE_MODE=jitter tp_check "UE $UE1 (dialog, answers after 0-300 ms) registers" \
	tp_ue_start "$UE1" "Persona-Dialog/1.0" 3600
TP_UE_MODE=jitter tp_check "UE $UE2 (transaction, answers after 0-300 ms) registers" \
	tp_ue_start "$UE2" "Persona-Transaction/1.0" 3600
sleep 1
before=$(shm)

TP_NET_UAC_PORT=5062 tp_net_call net_call "$(tp_ue_user "$UE1")" \
	-m "$CALLS" -l "$AT_ONCE" -r 1000 -key hold 100 &
first=$!
tp_pids+=("$first")
tp_check "$CALLS calls to the dialog UE, $AT_ONCE at once, none failed" \
	tp_net_call net_call "$(tp_ue_user "$UE2")" -m "$CALLS" -l "$AT_ONCE" \
	-r 1000 -key hold 100
tp_check "$CALLS calls to the transaction UE, $AT_ONCE at once, none failed" \
	wait "$first"
sleep 7 # tm's wait timer (5 s) frees the transactions
# the dialogs' ends are remembered 32 s (late requests), swept every 5 s
for _ in $(seq 1 40); do
	after=$(shm)
	[[ $after == "$before" ]] && break
	sleep 1
done
tp_check "the capture is written" tp_capture_stop

# Call-IDs are N-PID@IP: the sipp (PID) that placed the call names its UE
l=$(tp_ladder --call-ids)
pid_of() { grep -o "^call c[0-9]* [0-9]*-[0-9]*@" <<<"$l" | sed 's/^call \(c[0-9]*\) [0-9]*-\([0-9]*\)@/\1 \2/'; }
wrong=$(awk -v u1="$UE1" -v u2="$UE2" '
	NR == FNR { pid[$1] = $2; next }
	/^conn / {
		ue = $5; sub(/^ue=/, "", ue); sub(/:.*/, "", ue)
		calls = $7; sub(/^calls=/, "", calls)
		n = split(calls, c, "+")
		for (i = 1; i <= n; i++) if (c[i] != "-") seen[ue, pid[c[i]]] = 1
	}
	END { for (k in seen) { split(k, p, SUBSEP); own[p[2]] = own[p[2]] " " p[1] }
		for (x in own) if (split(own[x], a, " ") > 1) print "sipp " x ":" own[x] }
	' <(pid_of) <(grep '^conn ' <<<"$l"))
tp_eq "no request on a connection to another UE than its R-URI's" "" "$wrong"

call="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE calls=c[0-9]+ close=FIN-proxy"
d=$(tp_ladder --only-ue "$UE1" | tp_ladder_mask | grep ' open=proxy ' | cut -d' ' -f3-)
tp_eq "dialog: one proxy connection per call" "$CALLS" "$(grep -c . <<<"$d")"
tp_eq "dialog: each carries one whole call and is closed by the proxy" "" \
	"$(grep -vE "^open=proxy proxy=$P:\* ue=$UE1:$TP_UE_PORT $call\$" <<<"$d" | head -3)"
tx_inv="msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK calls=c[0-9]+ close=FIN-proxy"
tx_bye="msgs=BYE,200/BYE calls=c[0-9]+ close=FIN-proxy"
t=$(tp_ladder --only-ue "$UE2" | tp_ladder_mask | grep ' open=proxy ' | cut -d' ' -f3-)
tp_eq "transaction: two proxy connections per call" "$((2 * CALLS))" "$(grep -c . <<<"$t")"
tp_eq "transaction: each carries one transaction and is closed by the proxy" "" \
	"$(grep -vE "^open=proxy proxy=$P:\* ue=$UE2:$TP_UE_PORT ($tx_inv|$tx_bye)\$" <<<"$t" | head -3)"
tp_check_nothing_left "$UE1" "$UE2"
tp_check "shared memory is read (kamcmd core.shmmem)" test -n "$before" -a -n "$after"
tp_eq "shared memory back to where it was before the calls, the dialogs' ends forgotten ($before -> $after)" \
	"$before" "$after"
tp_eq "no send went out without a connection of its own (module warnings)" 0 \
	"$(grep -c "the send opened no connection of its own" "$TP_WORK/kamailio.log")"

tp_done
