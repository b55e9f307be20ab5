-- tcp_persona wire tests: pcscf.cfg's routing in Lua (kamailio -A WITH_LUA),
-- calling the module through KEMI. Same roles as pcscf.cfg:
--   REGISTER from a UE   -> persona_bind(), save("location")
--   in-dialog request    -> loose_route(), persona_enforce(), t_relay()
--   initial from @NET_IP@ -> MT: lookup("location"), persona_enforce()
--   initial from a UE    -> MO: persona_enforce(), to @NET_IP@:5060/udp

local NET_IP = "@NET_IP@"

local function relay()
	if KSR.tm.t_relay() < 0 then
		KSR.sl.sl_reply_error()
	end
	KSR.x.exit()
end

local function enforce()
	local r = KSR.tcp_persona.persona_enforce()
	if r == 0 then
		-- unavailable_reply_code set: the module answered its refusal
		KSR.x.exit()
	elseif r == -2 then
		KSR.sl.sl_send_reply(480, "Temporarily Unavailable")
		KSR.x.exit()
	end
end

local function within_dialog()
	if KSR.rr.loose_route() > 0 then
		enforce()
		relay()
	end
	if KSR.is_ACK() then
		if KSR.tm.t_check_trans() > 0 then
			KSR.tm.t_relay()
		end
		KSR.x.exit()
	end
	KSR.sl.sl_send_reply(404, "Not here")
	KSR.x.exit()
end

function ksr_request_route()
	KSR.info("REQ " .. KSR.pv.get("$rm") .. " " .. KSR.pv.get("$si") .. ":"
		.. KSR.pv.get("$sp") .. " -> " .. KSR.pv.get("$ru") .. "\n")
	if KSR.maxfwd.process_maxfwd(10) < 0 then
		KSR.sl.sl_send_reply(483, "Too Many Hops")
		return 1
	end
	if KSR.is_CANCEL() then
		if KSR.tm.t_check_trans() > 0 then
			KSR.tm.t_relay()
		end
		return 1
	end
	if not KSR.is_ACK() then
		KSR.tm.t_check_trans()
	end
	if KSR.siputils.has_totag() > 0 then
		within_dialog()
		return 1
	end
	if KSR.is_ACK() then
		if KSR.tm.t_check_trans() > 0 then
			KSR.tm.t_relay()
		end
		return 1
	end
	if KSR.is_REGISTER() then
		KSR.tcp_persona.persona_bind()
		if KSR.registrar.save("location", 0) < 0 then
			KSR.sl.sl_reply_error()
		end
		return 1
	end
	KSR.hdr.remove("Route")
	KSR.rr.record_route()
	if KSR.is_INVITE() then
		KSR.dialog.dlg_manage()
	end
	if KSR.pv.get("$si") == NET_IP then
		if KSR.registrar.lookup("location") < 0 then
			KSR.sl.sl_send_reply(404, "Not Found")
			return 1
		end
		enforce()
		relay()
		return 1
	end
	enforce()
	KSR.pv.sets("$du", "sip:" .. NET_IP .. ":5060;transport=udp")
	relay()
	return 1
end

-- the module's events (modparam event_callback)
function ksr_tcp_persona_event(evname)
	KSR.notice("EVENT " .. evname .. " (lua) ue=" .. KSR.pv.get("$persona(ue)")
		.. " aor=" .. KSR.pv.get("$persona(aor)")
		.. " ua=" .. KSR.pv.get("$persona(ua)")
		.. " mode=" .. KSR.pv.get("$persona(mode)") .. "\n")
	return 1
end
