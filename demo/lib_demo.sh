# tcp_persona demos: what `make demo` and `make demo-ims` print at the end,
# from the capture and from what the module bound each handset to (the
# arrays UA, RULE and MODE, indexed by the handset's IP). Source after
# test/integration/lib.sh and lib_wire.sh.

# verdict IP MODE: does the capture show MODE toward the UE on IP?
verdict() {
	local l proxy
	l=$(tp_ladder --only-ue "$1" | cut -d' ' -f3-)
	proxy=$(grep '^open=proxy' <<<"$l")
	case $2 in
	dialog)
		[[ $(grep -c . <<<"$proxy") == 1 && $proxy == *"ACK,BYE,200/BYE "*"close=FIN-proxy" ]] &&
			echo "one proxy connection for the dialog, closed by the proxy after 200/BYE" ;;
	transaction)
		[[ $(grep -c . <<<"$proxy") == 2 &&
			$(sed -n 1p <<<"$proxy") == *"200/INVITE,ACK "*"close=FIN-proxy" &&
			$(sed -n 2p <<<"$proxy") == *"msgs=BYE,200/BYE "*"close=FIN-proxy" ]] &&
			echo "INVITE..ACK and BYE..200 each on a new proxy connection, each closed by the proxy" ;;
	reuse)
		[[ -z $proxy && $(sed -n 1p <<<"$l") == *REGISTER*INVITE*BYE* ]] &&
			echo "no proxy connection: the call rode on the registration connection" ;;
	none) echo "stock Kamailio behaviour" ;;
	esac
}

# tp_demo_bindings IP...: what the module bound each handset to, as the
# operator sees it (kamcmd tcp_persona.binding), into RULE and MODE
tp_demo_bindings() {
	local ip m
	for ip in "$@"; do
		m=$(tp_kamcmd tcp_persona.binding "$ip:$TP_UE_PORT")
		RULE[$ip]=$(sed -n 's/^\trule: //p' <<<"$m")
		MODE[$ip]=$(sed -n 's/^\tmode: //p' <<<"$m")
	done
}

# tp_demo_report IP...: each handset's ladder, then a line per handset
# saying whether the wire matched its persona
tp_demo_report() {
	local ip v ok=0
	for ip in "$@"; do
		echo
		echo "== UE $ip [${UA[$ip]}]"
		tp_ladder --diagram --ue "$ip"
	done

	echo
	echo "== personas and the wire"
	for ip in "$@"; do
		v=$(verdict "$ip" "${MODE[$ip]}")
		if [[ -n $v ]]; then
			ok=$((ok + 1))
			echo "UE $ip: rule '${RULE[$ip]}', mode ${MODE[$ip]}: the wire matches ($v)"
		else
			echo "UE $ip: rule '${RULE[$ip]}', mode ${MODE[$ip]}: the wire does NOT match that mode"
		fi
	done
	echo
	echo "$ok of $# handsets got their persona on the wire (capture: $TP_PCAP)"
}
