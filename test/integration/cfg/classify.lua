-- tcp_persona integration test: classify.cfg's request route through KEMI.

function ksr_request_route()
	if not KSR.is_REGISTER() then
		KSR.sl.sl_send_reply(405, "Method Not Allowed")
		return 1
	end
	local before = "null"
	if KSR.pv.get("$persona(mode)") ~= nil then
		before = KSR.pv.get("$persona(mode)")
	end
	local rc = KSR.tcp_persona.persona_match(KSR.pv.gete("$ua"))
	KSR.hdr.append_to_reply("X-Persona: rc=" .. rc
		.. ";name=" .. KSR.pv.gete("$persona(name)")
		.. ";mode=" .. KSR.pv.gete("$persona(mode)")
		.. ";before=" .. before .. "\r\n")
	KSR.sl.sl_send_reply(200, "OK")
	return 1
end
