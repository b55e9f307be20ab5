#!/usr/bin/env bash
# Kamailio's own example IMS P-CSCF (misc/examples/ims/pcscf of the Debian
# source tree `make` fetched), as shipped, with tcp_persona. Its pcscf.cfg
# (the file the example imports for its site settings) is written for
# loopback: TCP on, no database, Rx, IPsec, TLS, NAT or RTP handling. The
# module's calls go where the admin guide names them: persona_bind() at
# the start of route[REGISTER], persona_enforce() in route[RELAY] right
# before t_relay(). The changes beyond that, each made only where the
# example (5.6 or 6.0) needs it to start here:
#   1. mpath: the modules of the binary under test, not /usr/lib64;
#   2. the control sockets (ctl, jsonrpcs) and dispatcher's list under the
#      test's directory, not /run, /var/run/kamailio_pcscf or
#      /etc/kamailio_pcscf;
#   3. (5.6) ims_ipsec_pcscf loaded without WITH_IPSEC: ims_registrar_pcscf
#      binds its API at startup and the example calls ipsec_forward()
#      outside WITH_IPSEC (6.0's example loads it always);
#   4. (5.6) route[NATPING] and route[preload_pcscf] (and the uac reply
#      event) inside WITH_NATPING: they use uac and sqlops, which the
#      example loads only with WITH_NATPING (6.0's example does this);
#   5. the log on stderr (the test reads it).
# Then, through SIPp as the IMS core: each persona's UE registers (401,
# then 200; a client that only gets the 401 is not bound), gets an MT
# call, subscribes to its reg event (two NOTIFYs) and places an MO call;
# the reuse UE registers again over a new connection and gets a
# call there; the transaction UE de-registers, then registers again for
# 6 s, and its binding ends with that registration. The wire shows each
# persona. Not run here: the network's de-registration by NOTIFY (the
# example subscribes to the reg event only WITH_REGINFO, through pua and a
# MySQL database; t_ims_dereg runs it on doc/example-ims-pcscf.cfg).
# pcscf.cfg also sets tcp_source_ipv4 (connections the proxy opens leave
# from its own address, not the kernel's choice for loopback) and
# CONTACT_DELETE_DELAY (6.0's example needs it). Runs against 5.6 and
# 6.0 (KAMAILIO_VERSION=6.0: that tree's example).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_wire.sh"
source "$(dirname "$0")/lib_ims.sh"
tp_workdir

read -r UE1 UE2 UE3 _ <<<"$TP_UE_IPS"
P=$TP_PROXY_IP
EX=$TP_WORK/pcscf
# the UEs register at their home network (the core's address, port 5060:
# the example keeps only the host of the Request-URI); the core's calls
# come from another port
export TP_UE_REGISTRAR=$TP_NET_IP
TP_ICSCF_PORT=5060
TP_NET_UAC_PORT=5062
# the core's Service-Route side (MO requests, reg-event subscriptions)
TP_NET_PORT=5064
BAD=$TP_REFUSE_IP

if ! tree=$("$TP_ROOT/tools/kamailio-tree.sh" 2>"$TP_WORK/tree.err"); then
	tp_fail "the Kamailio source tree (tools/kamailio-tree.sh): $(tail -1 "$TP_WORK/tree.err")"
	tp_done
	exit
fi
cp -r "$tree/misc/examples/ims/pcscf" "$EX"

# the example's site settings, for loopback
cat >"$EX/pcscf.cfg" <<EOF
listen=udp:$P:$TP_PROXY_PORT
listen=tcp:$P:$TP_PROXY_PORT
tcp_source_ipv4=$P
alias=$P
#!define PCSCF_URL "sip:$P:$TP_PROXY_PORT"
#!define TCP_PROCESSES 4
#!define MY_WS_PORT 80
#!define MY_WSS_PORT 443
#!subst "/NETWORKNAME/ims.test/"
#!subst "/HOSTNAME/$P:$TP_PROXY_PORT/"
#!define WITH_TCP
#!define CONTACT_DELETE_DELAY 10
EOF
: >"$EX/dispatcher.list"

# 1-5: what the example needs to start here, where it needs it
cfg=$EX/kamailio.cfg
applied=()
# change N SED-SCRIPT: applies it to the example's cfg when it changes it
change() {
	local before
	before=$(md5sum <"$cfg")
	sed -i "$2" "$cfg"
	[[ $(md5sum <"$cfg") == "$before" ]] || applied+=("$1")
}
change 1 "s|^mpath=.*|mpath=\"$TP_MODULES_DIR/\"|"
change 2 "s|unix:\(/var\)\?/run/kamailio_pcscf/kamailio_ctl|unix:$TP_WORK/kamailio_ctl|; s|/var/run/kamailio_pcscf/kamailio_rpc|$TP_WORK/kamailio_rpc|; s|/etc/kamailio_pcscf/dispatcher.list|$EX/dispatcher.list|"
grep -B1 '^loadmodule "ims_ipsec_pcscf"' "$cfg" | grep -q '^#!ifdef WITH_IPSEC' &&
	change 3 "s|^loadmodule \"ims_registrar_pcscf\"|loadmodule \"ims_ipsec_pcscf\"\n&|"
if ! grep -B3 '^route\[NATPING\]' "$cfg" | grep -q '^#!ifdef WITH_NATPING'; then
	awk '/^route\[NATPING\]/ || /^route\[preload_pcscf\]/ { print "#!ifdef WITH_NATPING" }
		/^event_route\[htable:expired:natping\]/ { print "#!endif" }
		{ print }
		/^route\[preload_pcscf\]/ { inpre = 1 }
		inpre && /^}/ { print "#!endif"; inpre = 0 }' "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
	applied+=(4)
fi
change 5 "s|^log_stderror=no|log_stderror=yes|"
echo "# changes made to this example: ${applied[*]}"

# tcp_persona, where the admin guide puts it
sed -i "s|^loadmodule \"ims_registrar_pcscf\"|&\nloadmodule \"$TP_MODULE\"\nmodparam(\"tcp_persona\", \"rules_file\", \"$TP_IT_DIR/cfg/wire.rules\")|" "$cfg"
sed -i 's|^route\[REGISTER\] {|&\n\tpersona_bind();|' "$EX/route/register.cfg"
awk '/^route\[RELAY\]/ { relay = 1 }
	relay && /t_relay\(\)/ {
		print "\tpersona_enforce();"
		print "\tif ($rc == -2) {"
		print "\t\tsend_reply(\"480\", \"Temporarily Unavailable\");"
		print "\t\texit;"
		print "\t}"
		relay = 0
	}
	{ print }' "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
diff -ru "$tree/misc/examples/ims/pcscf" "$EX" >"$TP_WORK/example.diff"
# every line changed is one of the changes above or the module's
allowed='^[-+](mpath=|modparam\("(ctl|jsonrpcs|dispatcher|tcp_persona)", |loadmodule "(ims_ipsec_pcscf|/[^"]*tcp_persona\.so)"$|#!ifdef WITH_NATPING$|#!endif$|log_stderror=|	persona_bind\(\);$|	persona_enforce\(\);$|	if \(\$rc == -2\) \{$|		send_reply\("480", "Temporarily Unavailable"\);$|		exit;$|	\}$)'
tp_eq "the example's diff holds the listed changes and the module's calls only" "" \
	"$(grep '^[-+][^-+]' "$TP_WORK/example.diff" | grep -vE "$allowed")"
tp_eq "the module's lines: loadmodule, its rules, persona_bind(), persona_enforce()" 4 \
	"$(grep -c '^+.*persona' "$TP_WORK/example.diff")"

if ! tp_kamailio_start "$cfg"; then
	tp_fail "Kamailio's example P-CSCF with tcp_persona starts"
	tp_done
	exit
fi
tp_pass "Kamailio's example P-CSCF with tcp_persona starts"
tp_check "the capture starts" tp_capture_start
TP_CORE_LIFE=120 tp_check "the core's registrar (SIPp) starts" tp_ims_core_start 100 600

declare -A UA=([$UE1]=Persona-Dialog/1.0 [$UE2]=Persona-Transaction/1.0
	[$UE3]=Persona-Reuse/1.0)
declare -A MODE=([$UE1]=dialog [$UE2]=transaction [$UE3]=reuse)
# tp_ue_start_again IP: the UE on IP (stopped first) registers again
tp_ue_start_again() {
	tp_ue_stop "$1"
	tp_ue_start "$1" "${UA[$1]}" 600
}
for ip in $UE1 $UE2 $UE3; do
	tp_check \
		"UE $ip (${MODE[$ip]}) registers through the core (401, then 200)" \
		tp_ue_start "$ip" "${UA[$ip]}" 600
	tp_eq "UE $ip bound with its persona" "mode=${MODE[$ip]}" \
		"$(tp_binding_field "$ip" mode)"
	tp_check "an MT call from the core to $ip completes" tp_ims_call "$ip"
	# the example routes requests within the UE's dialogs to its Contact
	# alias (add_contact_alias(), handle_ruri_alias()): the connection
	# the SUBSCRIBE came on, whatever the persona
	tp_ims_regevent_start
	tp_check "UE $ip subscribes to its reg event (the core sends two NOTIFYs)" \
		tp_ue_call "$ip" ue_subscribe "$(tp_ue_user "$ip")" -key notifies 2
	tp_check "the NOTIFYs to $ip were answered" _tp_wait_started "$TP_REGEVENT_PID"
done
tp_check "a client on $BAD REGISTERs, the core answers 401" \
	tp_forged_start "$BAD" "$(tp_ue_user "$BAD")" "$BAD" "Persona-Reuse/3.0"
tp_eq "... and it has no binding" "" "$(tp_binding_field "$BAD" mode)"
for ip in $UE1 $UE2 $UE3; do
	tp_ims_mo_call "$ip" "${MODE[$ip]}"
done
tp_ue_stop "$UE3"
tp_check \
	"UE $UE3 registers again over a new connection (401, 200)" \
	tp_ue_start "$UE3" "${UA[$UE3]}" 600
tp_check "an MT call to $UE3 after it" tp_ims_call "$UE3"
tp_check "UE $UE2 de-registers (the core answers 200)" \
	tp_ue_unregister "$UE2" "${UA[$UE2]}"
tp_eq "UE $UE2: no binding after its de-REGISTER" "" "$(tp_binding_field "$UE2" mode)"

# expiry: UE2 registers again, for 6 s; ims_usrloc_pcscf's timer ends it
tp_stop_pid "$TP_CORE_PID"
_tp_forget "$TP_CORE_PID"
TP_CORE_LIFE=60 tp_check "the core's registrar now grants 6 s" tp_ims_core_start 100 6
tp_check "UE $UE2 registers for 6 s" \
	tp_ue_start_again "$UE2"
tp_eq "UE $UE2 bound" "mode=transaction" "$(tp_binding_field "$UE2" mode)"
# the binding ends at the expiry the 200 granted (ims_usrloc_pcscf's own
# timer runs every 60 s here, the example's default: t_ims_dereg shows
# its expiry ending a binding)
sleep 7
tp_eq "UE $UE2: no binding after the expiry" "" "$(tp_binding_field "$UE2" mode)"
tp_check "the capture is written" tp_capture_stop
# right after the calls: tcp_persona has ims_dialog track nothing the
# example does not (ims_dialog 5.6 crashes at exit while a transaction of
# a dialog it tracked is still in tm)
kill -TERM "$TP_KAM_PID"
wait "$TP_KAM_PID"
tp_eq "Kamailio stops cleanly (exit status)" 0 "$?"

tp_ladder --call-ids | sed 's/^/# /'
# the example's own 100 (5.6) beside the relayed one counts once, and a
# connection the proxy opened shows its local port as * even when the
# example binds it to the listen port (6.0: tcp_reuse_port)
lines() {
	tp_ims_lines "$1" |
		sed -e 's|100/INVITE,100/INVITE|100/INVITE|' \
			-e "s|^open=proxy proxy=$P:$TP_PROXY_PORT |open=proxy proxy=$P:* |"
}
call="INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE"
# the example answers 100 to every REGISTER
reg="REGISTER,100/REGISTER,401/REGISTER,REGISTER,100/REGISTER,200/REGISTER"
notify="NOTIFY,200/NOTIFY"
l=$(lines "$UE1")
tp_eq "dialog $UE1: the MT call on a new proxy connection, FIN by the proxy" \
	"open=proxy proxy=$P:* ue=$UE1:$TP_UE_PORT msgs=$call close=FIN-proxy" \
	"$(grep '^open=proxy' <<<"$l" | sed 's/ calls=c[0-9]* / /')"
tp_eq "dialog $UE1: the NOTIFYs on the SUBSCRIBE's connection; then the MO call on its own" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE1:$TP_UE_MO_PORT msgs=SUBSCRIBE,200/SUBSCRIBE,$notify,$notify
open=ue proxy=$P:$TP_PROXY_PORT ue=$UE1:$TP_UE_MO_PORT msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE" \
	"$(grep " ue=$UE1:$TP_UE_MO_PORT " <<<"$l" | sed 's/ calls=.*//')"
l=$(lines "$UE2")
tp_eq "transaction $UE2: INVITE..ACK, then BYE..200, each on a new proxy connection, FIN by the proxy" \
	"open=proxy proxy=$P:* ue=$UE2:$TP_UE_PORT msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK close=FIN-proxy
open=proxy proxy=$P:* ue=$UE2:$TP_UE_PORT msgs=BYE,200/BYE close=FIN-proxy" \
	"$(grep '^open=proxy' <<<"$l" | sed 's/ calls=c[0-9]* / /')"
l=$(lines "$UE3")
tp_eq "reuse $UE3: the call on the registration connection; the later call on the new one" \
	"open=ue proxy=$P:$TP_PROXY_PORT ue=$UE3:* msgs=$reg,$call
open=ue proxy=$P:$TP_PROXY_PORT ue=$UE3:* msgs=$reg,$call" \
	"$(grep 'REGISTER' <<<"$l" | sed 's/ calls=.*//')"
tp_eq "reuse $UE3: no connection opened by the proxy" 0 "$(grep -c '^open=proxy' <<<"$l")"
for ip in $UE2 $UE3; do
	tp_eq "${MODE[$ip]} $ip: the MO call on the UE's own connection, not closed by the proxy" \
		"open=ue proxy=$P:$TP_PROXY_PORT ue=$ip:$TP_UE_MO_PORT msgs=INVITE,100/INVITE,180/INVITE,200/INVITE,ACK,BYE,200/BYE close=FIN-ue" \
		"$(lines "$ip" | grep " ue=$ip:$TP_UE_MO_PORT " | grep INVITE | sed 's/ calls=c[0-9]* / /')"
done
for ip in $UE2 $UE3; do
	tp_eq "$ip: the NOTIFYs follow the Contact alias, on the SUBSCRIBE's connection" \
		"open=ue proxy=$P:$TP_PROXY_PORT ue=$ip:$TP_UE_MO_PORT msgs=SUBSCRIBE,200/SUBSCRIBE,$notify,$notify" \
		"$(lines "$ip" | grep " ue=$ip:$TP_UE_MO_PORT " | grep SUBSCRIBE | sed 's/ calls=.*//')"
done

tp_done
