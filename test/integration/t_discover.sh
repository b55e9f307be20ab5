#!/usr/bin/env bash
# Persona discovery on the wire: SIPp phones that behave on MO like the
# seed's three manufacturers, with mixed versions of one family:
#   A (two versions of one family, two phones): a new connection per dialog
#     (sipp -t tn: each call its own connection, INVITE to BYE);
#   B: a new connection per transaction (ue_call_tx.xml: the ACK and the
#     BYE each on a new connection);
#   C: everything on its registration connection (ue_reg_call.xml).
# The capture says what each phone did; tcp_persona.profile must count the
# same, suggest dialog, transaction and reuse, and name the rule each family
# gets today; profile_rules proposes observe-only rules that match; the
# new-family event runs once per family. MT: INVITEs to a phone of each
# kind, answered on a connection the proxy opened (A1, stock), refused
# (D1: nothing listens on its Contact), never answered (D2), answered on
# the registration connection (R, persona reuse): the profile counts each
# outcome by connection kind, as the capture shows them. Closes: who
# closed each connection a phone opened for its dialogs, and after what.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
tp_workdir

read -r A1 B C _ <<<"$TP_UE_IPS"
read -r _ _ _ A2 _ <<<"${TP_FORK_UE_IPS:-127.0.0.81 127.0.0.82 127.0.0.83 127.0.0.85 127.0.0.86}"
UA_A1="Maker-A/1.2.3 (IMS 5.0)"
UA_A2="Maker-A/1.4.2b (IMS 5.1)"
UA_B="Maker-B/7.1 IMS"
UA_C="Maker-C/2.0.1"
FAM_A="Maker-A/# (IMS #)"
FAM_B="Maker-B/# IMS"
FAM_C="Maker-C/#"
N_A1=6 N_A2=5 N_B=10 N_C=10 N_REFUSED=3 N_MT=3
read -r _ _ _ _ D1 <<<"${TP_FORK_UE_IPS:-127.0.0.81 127.0.0.82 127.0.0.83 127.0.0.85 127.0.0.86}"
D2=${TP_REFUSE_IP:-127.0.0.84}
UA_R="Persona-Reuse/1.0" # wire.rules: reuse
FAM_R="Persona-Reuse/#"
UA_D1="Maker-D/1.0 IMS"
UA_D2="Maker-D/1.1 IMS"
FAM_D="Maker-D/# IMS"
P=$TP_PROXY_IP
RULES=$TP_WORK/persona.rules
export TP_WIRE_RULES=$RULES
# B's family has a rule, of another mode than it shows
cp "$TP_IT_DIR/cfg/wire.rules" "$RULES"
echo "name=maker-b;mode=dialog;ua=^Maker-B/" >>"$RULES"

# mo TAG IP SCENARIO TRANSPORT CALLS UA: MO calls of one phone, one at a
# time, to the network side (which must answer them)
mo() {
	timeout -k 2 90 "$SIPP" "$P:$TP_PROXY_PORT" -t "$4" -i "$2" \
		-sf "$TP_SIPP_DIR/$3.xml" -s net -m "$5" -l 1 -r 4 \
		-key user "$(tp_ue_user "$2")" -key contact_port "$TP_UE_PORT" \
		-key hold 200 -key ua "$6" -key expires 600 -max_socket 100 -nostdin \
		-trace_screen -screen_file "$TP_WORK/$1.screen" \
		>"$TP_WORK/$1.out" 2>&1
}
# calls_from PHASE N: the network side answers N calls while PHASE runs
calls() {
	local n=$1 rc
	shift
	tp_net_answer_start "$n"
	"$@"
	rc=$?
	tp_net_answer_wait >/dev/null 2>&1 || rc=1
	return $rc
}

# the caller expecting a final answer CODE: net_call_480.xml with CODE
expecting() {
	sed "s/response=\"480\"/response=\"$1\"/" "$TP_SIPP_DIR/net_call_480.xml" \
		>"$TP_WORK/net_call_$1.xml"
	echo "$TP_WORK/net_call_$1.xml"
}

if ! tp_wire_start -A DISCOVER_MT_SAMPLE=1; then
	tp_fail "kamailio with tcp_persona and tshark start"
	tp_done
	exit
fi

tp_check "phone A1 ($UA_A1) registers" tp_ue_start "$A1" "$UA_A1"
tp_check "phone A2 ($UA_A2) registers" tp_ue_start "$A2" "$UA_A2"
tp_check "phone B ($UA_B) registers" tp_ue_start "$B" "$UA_B"
tp_check "A1: $N_A1 MO calls, each on a new connection" \
	calls "$N_A1" mo a1 "$A1" ue_call tn "$N_A1" "$UA_A1"
tp_check "A2: $N_A2 MO calls, each on a new connection" \
	calls "$N_A2" mo a2 "$A2" ue_call tn "$N_A2" "$UA_A2"
tp_check "B: $N_B MO calls, a new connection per transaction" \
	calls "$N_B" mo b "$B" ue_call_tx tn "$N_B" "$UA_B"
tp_check "C: registers and places $N_C MO calls on that connection" \
	calls "$N_C" mo c "$C" ue_reg_call t1 "$N_C" "$UA_C"
# refused calls: the ACK of the 486 rides the INVITE's connection (and,
# with the INVITE's Route, reaches persona_enforce()): it must not count
# B's refused calls as calls on a connection per dialog
export TP_NET_ANSWER=net_answer_486
tp_check "B: $N_REFUSED MO calls refused by the network (486)" \
	calls "$N_REFUSED" mo b486 "$B" ue_call_486 tn "$N_REFUSED" "$UA_B"
unset TP_NET_ANSWER

# MT outcomes
tp_check "$N_MT MT calls to A1 (persona none: stock), answered" \
	tp_net_call net_call "$(tp_ue_user "$A1")" -m "$N_MT" -l 1 -r 4
tp_check "phone D1 ($UA_D1) registers" tp_ue_start "$D1" "$UA_D1"
tp_ue_stop "$D1"
tp_check "an MT call to D1, nothing listening on its Contact: refused" \
	tp_net_call "$(expecting 477)" "$(tp_ue_user "$D1")"
TP_UE_MODE=mute tp_check "phone D2 ($UA_D2, answers nothing) registers" \
	tp_ue_start "$D2" "$UA_D2"
tp_check "an MT call to D2: tm's 408" \
	tp_net_call "$(expecting 408)" "$(tp_ue_user "$D2")"
tp_check "phone R ($UA_R, persona reuse) registers on D1's address" \
	tp_ue_start "$D1" "$UA_R"
tp_check "an MT call to R, on its registration connection" \
	tp_net_call net_call "$(tp_ue_user "$D1")"
tp_check "the capture is written" tp_capture_stop
tp_ladder --call-ids | sed 's/^/# /'

# what each phone did, from the wire: its own connections (open=ue) and
# the requests on each
call="INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"
ue_conns() { tp_ladder --only-ue "$1" | tp_ladder_mask | grep ' open=ue '; }
wire_a=0
for ip in "$A1" "$A2"; do
	n=$(ue_conns "$ip" | grep -c " msgs=$call ")
	wire_a=$((wire_a + n))
done
tp_eq "wire: A's phones carried each call, whole, on a connection of its own" \
	$((N_A1 + N_A2)) "$wire_a"
lb=$(ue_conns "$B")
tp_eq "wire: B's INVITE, ACK and BYE each on a connection of their own" \
	"$N_B $N_B $N_B" \
	"$(grep -c ' msgs=INVITE,100/INVITE,180/INVITE,200/INVITE ' <<<"$lb") $(grep -c ' msgs=ACK ' <<<"$lb") $(grep -c ' msgs=BYE,200/BYE ' <<<"$lb")"
tp_eq "wire: B's refused calls, the 486's ACK on the INVITE's connection" \
	"$N_REFUSED" "$(grep -Ec ' msgs=INVITE,(100/INVITE,)?486/INVITE,ACK ' <<<"$lb")"
lc=$(ue_conns "$C")
tp_eq "wire: C sent its REGISTERs and every call on one connection" \
	"1 $N_C" \
	"$(grep -c . <<<"$lc") $(grep -o "$call" <<<"$lc" | grep -c .)"

# what the module counted
field() { # field FAMILY KEY
	tp_kamcmd tcp_persona.profile "$1" | sed -n "s/^\t\t*$2: //p" | head -1
}
prof() { # prof FAMILY: the counts and the suggestion
	local f=$1 k out=""
	for k in mo_on_registration mo_on_reused mo_new_per_dialog mo_new_per_transaction ${MT_KEYS:-} suggested rule rule_mode disagree; do
		out+="$k=$(field "$f" "$k") "
	done
	echo "${out% }"
}
tp_eq "profile: five families" 5 \
	"$(tp_kamcmd tcp_persona.profile | sed -n 's/^\tfamilies: //p')"
tp_eq "profile of A's family (both versions): a connection per dialog, as many as on the wire: dialog" \
	"mo_on_registration=0 mo_on_reused=0 mo_new_per_dialog=$wire_a mo_new_per_transaction=0 suggested=dialog rule= rule_mode= disagree=0" \
	"$(prof "$FAM_A")"
tp_eq "profile of B's family: a connection per transaction: transaction; its rule says dialog: they disagree" \
	"mo_on_registration=0 mo_on_reused=0 mo_new_per_dialog=0 mo_new_per_transaction=$N_B suggested=transaction rule=maker-b rule_mode=dialog disagree=1" \
	"$(prof "$FAM_B")"
tp_eq "profile of C's family: its registration connection: reuse" \
	"mo_on_registration=$N_C mo_on_reused=0 mo_new_per_dialog=0 mo_new_per_transaction=0 suggested=reuse rule= rule_mode= disagree=0" \
	"$(prof "$FAM_C")"
# MT outcomes, against the wire: answered INVITEs on connections the
# proxy opened to A1, and on R's registration connection
pconn() { tp_ladder --only-ue "$1" | tp_ladder_mask | grep ' open=proxy '; }
wire_a_mt=$(pconn "$A1" | grep -o '200/INVITE' | grep -c .)
wire_r_mt=$(tp_ladder --only-ue "$D1" | tp_ladder_mask | grep ' open=ue ' | grep -o '200/INVITE' | grep -c .)
tp_eq "wire: the MT INVITEs to A1 answered on proxy connections, to R on its registration connection" \
	"$N_MT 1" "$wire_a_mt $wire_r_mt"
tp_eq "wire: D2's INVITE went unanswered on a proxy connection" \
	1 "$(pconn "$D2" | grep -c ' msgs=INVITE ')"
MT_KEYS="mt_registration_ok mt_registration_failed mt_new_ok mt_new_failed"
tp_eq "profile of A's family: its MT INVITEs answered on new connections" \
	"mo_on_registration=0 mo_on_reused=0 mo_new_per_dialog=$wire_a mo_new_per_transaction=0 mt_registration_ok=0 mt_registration_failed=0 mt_new_ok=$wire_a_mt mt_new_failed=0 suggested=dialog rule= rule_mode= disagree=0" \
	"$(prof "$FAM_A")"
tp_eq "profile of D's family (two versions): refused and unanswered on new connections, nothing on MO: no suggestion" \
	"mo_on_registration=0 mo_on_reused=0 mo_new_per_dialog=0 mo_new_per_transaction=0 mt_registration_ok=0 mt_registration_failed=0 mt_new_ok=0 mt_new_failed=2 suggested= rule= rule_mode= disagree=0" \
	"$(prof "$FAM_D")"
tp_eq "profile of R's family: answered on its registration connection" \
	"mo_on_registration=0 mo_on_reused=0 mo_new_per_dialog=0 mo_new_per_transaction=0 mt_registration_ok=$wire_r_mt mt_registration_failed=0 mt_new_ok=0 mt_new_failed=0 suggested= rule=persona-reuse rule_mode=reuse disagree=0" \
	"$(prof "$FAM_R")"
unset MT_KEYS
# closes, against the wire: the phones' own connections (not the main
# sipps' REGISTER connections of A and B), each closed by the phone (FIN)
mo_conns() { # mo_conns IP...: the phones' MO connections
	local ip
	for ip in "$@"; do ue_conns "$ip"; done | grep -v ' msgs=REGISTER,200/REGISTER calls'
}
a_dlg=$(mo_conns "$A1" "$A2" | grep -c "msgs=$call .*close=FIN-ue")
b_all=$(mo_conns "$B")
b_tx=$(grep -v 'BYE' <<<"$b_all" | grep -c 'close=FIN-ue')
b_dlg=$(grep 'BYE,200/BYE' <<<"$b_all" | grep -c 'close=FIN-ue')
c_dlg=$(ue_conns "$C" | grep -c "$call calls=.* close=FIN-ue")
tp_eq "wire: A's, B's and C's connections, closed by the phones (after a dialog: A, B's BYE ones, C; after a transaction: B's others)" \
	"$wire_a $N_B $((N_B * 2 + N_REFUSED)) 1" "$a_dlg $b_dlg $b_tx $c_dlg"
CK="closed_by_phone_after_transaction closed_by_phone_after_dialog closed_by_phone_idle closed_by_proxy_idle"
closes() { local k out=""; for k in $CK; do out+="$k=$(field "$1" "$k") "; done; echo "${out% }"; }
tp_eq "profile of A's family: its connections closed by the phones after each dialog" \
	"closed_by_phone_after_transaction=0 closed_by_phone_after_dialog=$a_dlg closed_by_phone_idle=0 closed_by_proxy_idle=0" \
	"$(closes "$FAM_A")"
tp_eq "profile of B's family: after each transaction, the BYE's after the dialog" \
	"closed_by_phone_after_transaction=$b_tx closed_by_phone_after_dialog=$b_dlg closed_by_phone_idle=0 closed_by_proxy_idle=0" \
	"$(closes "$FAM_B")"
tp_eq "profile of C's family: its one connection, closed after its last dialog" \
	"closed_by_phone_after_transaction=0 closed_by_phone_after_dialog=$c_dlg closed_by_phone_idle=0 closed_by_proxy_idle=0" \
	"$(closes "$FAM_C")"
tp_eq "profile keeps the first User-Agent of a family as its example" \
	"$UA_A1" "$(field "$FAM_A" example)"
tp_eq "profile of an unknown family is an error reply" \
	"error: 404 - no such family (see tcp_persona.profile)" \
	"$(tp_kamcmd tcp_persona.profile 'Nobody/#' 2>&1)"

# the proposed rules: A and C (B has a rule), observe-only, and each,
# loaded, classifies its family's phones
rules=$(tp_kamcmd tcp_persona.profile_rules | grep '^name=')
echo "$rules" | sed 's/^/# proposed: /'
tp_eq "profile_rules proposes observe-only rules for A (dialog) and C (reuse)" \
	"auto-maker-a-ims;mode=dialog;observe=1 auto-maker-c;mode=reuse;observe=1" \
	"$(sed 's/^name=//; s/;ua=.*//' <<<"$rules" | sort | paste -sd' ')"
echo "$rules" >>"$RULES"
tp_eq "the proposed rules load (reload)" "" \
	"$(tp_kamcmd tcp_persona.reload 2>&1 | grep -i error)"
tp_eq "A's versions, C and B now get their rules (dry run)" \
	"auto-maker-a-ims auto-maker-a-ims auto-maker-c maker-b" \
	"$(for ua in "$UA_A1" "$UA_A2" "$UA_C" "$UA_B"; do tp_kamcmd tcp_persona.match "$ua" | sed -n 's/^\trule: //p'; done | paste -sd' ')"

# the event: once per family, with the family and the example
tp_eq "event_route[tcp_persona:new-family] ran once per family" \
	"family=[$FAM_A] ua=[$UA_A1] source=$A1:* rule= mode=none|family=[$FAM_B] ua=[$UA_B] source=$B:* rule=maker-b mode=dialog|family=[$FAM_C] ua=[$UA_C] source=$C:* rule= mode=none" \
	"$(grep -o 'EVENT new-family .*' "$TP_WORK/kamailio.log" | sed 's/^EVENT new-family //; s/source=\([0-9.]*\):[0-9]*/source=\1:*/' | paste -sd'|')"
st() { tp_kamcmd stats.get_statistics tcp_persona: | tr -d '\t' | sed -n "s/^tcp_persona:$1 = //p"; }
tp_eq "statistics: families, new_families, families_evicted (D and R first seen on MT)" "5 5 0" \
	"$(st families) $(st new_families) $(st families_evicted)"
tp_done
