# tcp_persona integration tests: an IMS P-CSCF on Kamailio's IMS modules
# (doc/example-ims-pcscf.cfg as shipped, with the test's addresses) and
# SIPp standing in for the IMS core (I-/S-CSCF). Source after lib.sh and
# lib_wire.sh.

# the core's registrar port (REGISTERs relayed there); its calls come from
# $TP_NET_IP:$TP_NET_PORT
TP_ICSCF_PORT=${TP_ICSCF_PORT:-$TP_NET_REG_PORT}
# UEs register as the IMS core wants: 401 first, then 200
TP_UE_REGISTER=ue_register_challenged

# tp_ims_cfg OUT: doc/example-ims-pcscf.cfg with the test's addresses, the
# built module, the test rules and a log on stderr
tp_ims_cfg() {
	sed -e "s|^#!substdef \"!PCSCF_IP!.*|#!substdef \"!PCSCF_IP!$TP_PROXY_IP!g\"|" \
		-e "s|^#!substdef \"!PCSCF_PORT!.*|#!substdef \"!PCSCF_PORT!$TP_PROXY_PORT!g\"|" \
		-e "s|^#!substdef \"!ICSCF_IP!.*|#!substdef \"!ICSCF_IP!$TP_NET_IP!g\"|" \
		-e "s|^#!substdef \"!ICSCF_PORT!.*|#!substdef \"!ICSCF_PORT!$TP_ICSCF_PORT!g\"|" \
		-e "s|^#!substdef \"!PERSONA_RULES!.*|#!substdef \"!PERSONA_RULES!${TP_WIRE_RULES:-$TP_IT_DIR/cfg/wire.rules}!g\"|" \
		-e "s|^#!substdef \"!RUN_DIR!.*|#!substdef \"!RUN_DIR!$TP_WORK!g\"|" \
		-e "s|^#!substdef \"!PUA_DB_URL!.*|#!substdef \"!PUA_DB_URL!text://$TP_WORK/pua!g\"|" \
		-e "s|^loadmodule \"tcp_persona.so\"|loadmodule \"$TP_MODULE\"|" \
		-e "s|^log_stderror=no|log_stderror=yes|" \
		"$TP_ROOT/doc/example-ims-pcscf.cfg" >"$1"
	# tests of expiry: pending contacts dropped sooner than the default
	[[ -z ${TP_IMS_PENDING:-} ]] ||
		sed -i "/^modparam(\"ims_registrar_pcscf\", \"pcscf_uri\"/a modparam(\"ims_registrar_pcscf\", \"pending_reg_expires\", $TP_IMS_PENDING)" "$1"
}

# tp_ims_pua_db DIR: a db_text directory for pua, from Debian's tables
tp_ims_pua_db() {
	mkdir -p "$1" &&
		cp /usr/share/kamailio/dbtext/kamailio/pua "$1/" &&
		sed -n '1p; /^[0-9]*:pua:/p' /usr/share/kamailio/dbtext/kamailio/version \
			>"$1/version"
}

# tp_ims_start [KAMAILIO ARGS...]: the IMS P-CSCF and the capture
tp_ims_start() {
	tp_ims_pua_db "$TP_WORK/pua" || return 1
	tp_ims_cfg "$TP_WORK/kamailio.cfg"
	tp_kamailio_start "$TP_WORK/kamailio.cfg" "$@" && tp_capture_start
}

# tp_ims_core_start COUNT GRANT: the core's registrar answers COUNT
# REGISTERs in the background (scscf_registrar.xml: 401, then 200 with
# ;expires=GRANT and a Service-Route to $TP_NET_IP:$TP_NET_PORT, where
# tp_net_answer_start answers MO calls); PID in $TP_CORE_PID; fails when
# SIPp did not start
tp_ims_core_start() {
	timeout -k 2 "${TP_CORE_LIFE:-$TP_SIPP_TIMEOUT}" "$SIPP" -t u1 -i "$TP_NET_IP" \
		-p "$TP_ICSCF_PORT" -sf "$TP_SIPP_DIR/scscf_registrar.xml" \
		-key grant "$2" -key service_route "sip:orig@$TP_NET_IP:$TP_NET_PORT;lr" \
		-m "$1" -deadcall_wait 0 -nostdin -trace_msg \
		-message_file "$TP_WORK/core-registrar.msg" \
		>"$TP_WORK/core-registrar.out" 2>&1 &
	TP_CORE_PID=$!
	tp_pids+=("$TP_CORE_PID")
	sleep 0.3 # the UDP socket is bound
	kill -0 "$TP_CORE_PID" 2>/dev/null
}

# tp_ims_contact IP: the Contact the UE on IP registers
tp_ims_contact() {
	echo "sip:$(tp_ue_user "$1")@$1:$TP_UE_PORT;transport=tcp"
}

# tp_ims_call IP [SIPP ARGS...]: the core places an MT call to the UE on
# IP as an S-CSCF does (scscf_call.xml: its Contact as Request-URI, the
# P-CSCF's Path as Route)
tp_ims_call() {
	local ip=$1 tag=core-call-$((++tp_sipp_n))
	shift
	# shellcheck disable=SC2046
	timeout -k 2 "$TP_SIPP_TIMEOUT" "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" \
		-t u1 -i "$TP_NET_IP" -p "$TP_NET_UAC_PORT" \
		-sf "$TP_SIPP_DIR/scscf_call.xml" -m 1 \
		-key contact "$(tp_ims_contact "$ip")" \
		-key path "sip:term@$TP_PROXY_IP:$TP_PROXY_PORT;lr" \
		-nostdin $(_tp_sipp_logs "$tag") "$@" -key hold "$TP_HOLD" \
		>"$TP_WORK/$tag.out" 2>&1 &
	_tp_wait_started $!
}

# tp_ims_dereg IP: the core de-registers the UE on IP (scscf_notify.xml: a
# reg-event NOTIFY ending its registration and Contact); returns once the
# P-CSCF answered 200
tp_ims_dereg() {
	local ip=$1 tag=core-notify-$((++tp_sipp_n))
	# shellcheck disable=SC2046
	timeout -k 2 "$TP_SIPP_TIMEOUT" "$SIPP" "$TP_PROXY_IP:$TP_PROXY_PORT" \
		-t u1 -i "$TP_NET_IP" -p "$TP_NET_UAC_PORT" \
		-sf "$TP_SIPP_DIR/scscf_notify.xml" -m 1 \
		-key aor "sip:$(tp_ue_user "$ip")@$TP_PROXY_IP" \
		-key contact "$(tp_ims_contact "$ip")" \
		-nostdin $(_tp_sipp_logs "$tag") >"$TP_WORK/$tag.out" 2>&1 &
	_tp_wait_started $!
}

# tp_ims_regevent_start: the core takes one reg-event SUBSCRIBE on
# $TP_NET_IP:$TP_NET_PORT (the Service-Route) and sends two NOTIFYs in its
# dialog (scscf_regevent.xml), in the background; PID in $TP_REGEVENT_PID
tp_ims_regevent_start() {
	local tag=core-regevent-$((++tp_sipp_n))
	# shellcheck disable=SC2046
	timeout -k 2 "$TP_SIPP_TIMEOUT" "$SIPP" -t u1 -i "$TP_NET_IP" \
		-p "$TP_NET_PORT" -sf "$TP_SIPP_DIR/scscf_regevent.xml" -m 1 \
		-nostdin $(_tp_sipp_logs "$tag") >"$TP_WORK/$tag.out" 2>&1 &
	TP_REGEVENT_PID=$!
	tp_pids+=("$TP_REGEVENT_PID")
	sleep 0.2 # the UDP socket is bound
}

# tp_ims_setup GRANT: the IMS P-CSCF, the capture and the core's registrar
# granting GRANT s, each a check; returns 1 (after tp_done) when the
# P-CSCF did not start
tp_ims_setup() {
	if ! tp_ims_start; then
		tp_fail "kamailio (IMS P-CSCF) with tcp_persona and tshark start"
		tp_done
		return 1
	fi
	TP_CORE_LIFE=120 tp_check "the core's registrar (SIPp) starts" \
		tp_ims_core_start 100 "$1"
}

# tp_ims_mo_call IP LABEL: the UE on IP calls along its Service-Route and
# the core answers (net_answer.xml); two checks
tp_ims_mo_call() {
	tp_net_answer_start 1
	tp_check "UE $1 ($2) places an MO call" tp_ue_call "$1" ue_call
	tp_check "the core answered it" tp_net_answer_wait
}

# tp_ims_lines IP: the UE's connections in the capture, ports masked
tp_ims_lines() {
	tp_ladder --only-ue "$1" | tp_ladder_mask | cut -d' ' -f3-
}
