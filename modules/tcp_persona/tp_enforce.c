/*
 * tcp_persona - persona_enforce(): requests within a dialog, and MO
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "core/dprint.h"
#include "core/ut.h"
#include "core/parser/parse_to.h"

#include "tp_conn.h"
#include "tp_discover.h"
#include "tp_dlg.h"
#include "tp_enforce.h"
#include "tp_enforce_initial.h"
#include "tp_event.h"
#include "tp_hooks.h"
#include "tp_pv.h"
#include "tp_sipaddr.h"
#include "tp_stats.h"

str tp_enf_callid(sip_msg_t *msg)
{
	static str none = str_init("-");

	if(msg->callid == NULL && parse_headers(msg, HDR_CALLID_F, 0) < 0)
		return none;
	return msg->callid ? msg->callid->body : none;
}

void tp_enf_observed(tp_binding_t *b, int count)
{
	if(!b->observe)
		return;
	b->mode = TP_MODE_NONE;
	if(count)
		update_stat(tp_stat_observe_requests, 1);
}

int tp_enf_uri_hop(sip_msg_t *msg, str *uri, tp_addr_t *a, tp_binding_t *b)
{
	int proto = PROTO_NONE;

	if(uri == NULL || uri->len == 0 || tp_hop_addr(msg, uri, a, &proto) < 0
			|| (proto != PROTO_TCP && proto != PROTO_TLS)
			|| tp_bind_get_dst(tp_bindings, a, time(NULL), b) < 0)
		return -1;
	tp_enf_observed(b, 1);
	return 1;
}

static int tp_has_totag(sip_msg_t *msg)
{
	return parse_to_header(msg) == 0 && get_to(msg)->tag_value.len > 0;
}

int tp_enf_pinnable(int id, const tp_addr_t *hop)
{
	struct ip_addr ip;

	tp_ip_from_addr(&ip, hop);
	return tp_conn_alive_to(id, &ip);
}

/* pins the request (and what tm sends for its transaction) to conn; if
 * conn dies before the send, the send fails rather than connect anew.
 * Only for requests with one destination: within a dialog, an ACK. */
static void tp_pin(sip_msg_t *msg, int conn)
{
	msg->otcpid = conn;
	msg->msg_flags |= FL_USE_OTCPID;
	msg->fwd_send_flags.f |= SND_F_FORCE_CON_REUSE;
}

/* a new connection toward hop for this request alone (its transaction,
 * or a dialog whose connection is gone) */
static void tp_arm_new(sip_msg_t *msg, const tp_binding_t *b,
		const tp_addr_t *hop, tp_arm_kind_t kind, int reopen,
		unsigned int attempt)
{
	tp_arm_t a;

	memset(&a, 0, sizeof(a));
	a.kind = kind;
	a.mode = b->mode;
	a.ue = b->contact;
	a.hop = *hop;
	a.is_invite = msg->REQ_METHOD == METHOD_INVITE;
	a.reopen = reopen;
	a.reg_conn_id = b->reg_conn_id;
	a.attempt = attempt;
	tp_hooks_arm(msg, &a, NULL, 0);
}

/* the BYE of the call's attempt: its answer ends that attempt's entry,
 * not one a new INVITE with the Call-ID put there meanwhile */
static void tp_arm_end(
		sip_msg_t *msg, const tp_binding_t *b, unsigned int attempt)
{
	tp_arm_t a;

	memset(&a, 0, sizeof(a));
	a.kind = TP_ARM_END_DIALOG;
	a.mode = b->mode;
	a.ue = b->contact;
	a.attempt = attempt;
	tp_hooks_arm(msg, &a, NULL, 0);
}

/* a bound UE's AoR and User-Agent, for a log line of that level or an
 * event: a request's lookup leaves them out (they are out of line in the
 * table, read under its lock). \return a view to pkg_free, or NULL (not
 * wanted, or no memory) */
static tp_bind_view_t *tp_enf_view(
		const tp_binding_t *b, int level, int event_wanted)
{
	tp_bind_view_t *v;

	if(!is_printable(level) && !event_wanted)
		return NULL;
	v = pkg_malloc(sizeof(*v));

	if(v && tp_bind_find(tp_bindings, &b->contact, time(NULL), v) < 0) {
		v->b.aor[0] = '\0';
		v->ua[0] = '\0';
	}
	return v;
}

void tp_enf_reuse_gone(sip_msg_t *msg, const tp_binding_t *b)
{
	tp_bind_view_t *v = tp_enf_view(
			b, L_NOTICE, tp_event_wanted(TP_EV_REUSE_UNAVAILABLE));
	char where[64];
	str cid = tp_enf_callid(msg);

	LM_NOTICE("reuse UE %s (AoR %s): registration connection %d is"
			  " gone, not opening one for [%.*s]\n",
			tp_addr_str(&b->contact, where, sizeof(where)),
			v ? v->b.aor : "?", b->reg_conn_id, cid.len, cid.s);
	update_stat(tp_stat_reuse_refused, 1);
	tp_event_reuse_unavailable(msg, b, v ? v->b.aor : "", v ? v->ua : "");
	if(v)
		pkg_free(v);
}

void tp_enf_reuse_elsewhere(
		sip_msg_t *msg, const tp_binding_t *b, const tp_addr_t *hop)
{
	tp_bind_view_t *v = tp_enf_view(b, L_WARN, 0);
	char where[64], src[64];
	str cid = tp_enf_callid(msg);

	/* the binding's REGISTER came from another host than the one the
	 * request goes to: its connection is not that UE's */
	LM_WARN("reuse UE %s (AoR %s): registration connection %d goes to %s,"
			" not to the request's host; [%.*s] gets stock handling\n",
			tp_addr_str(hop, where, sizeof(where)), v ? v->b.aor : "?",
			b->reg_conn_id, tp_addr_str(&b->source, src, sizeof(src)),
			cid.len, cid.s);
	if(v)
		pkg_free(v);
}

/* a request within a dialog of a reuse UE */
static int tp_enforce_reuse(
		sip_msg_t *msg, const tp_binding_t *b, const tp_addr_t *hop)
{
	int alive = tp_enf_pinnable(b->reg_conn_id, hop);

	if(alive < 0) {
		tp_enf_reuse_elsewhere(msg, b, hop);
		return TP_ENF_NOTHING;
	}
	if(!alive) {
		tp_enf_reuse_gone(msg, b);
		return TP_ENF_REUSE_GONE;
	}
	tp_pin(msg, b->reg_conn_id);
	return TP_ENF_APPLIED;
}

/* an ACK with nowhere to go must not make the proxy open a connection */
static int tp_ack_no_connect(sip_msg_t *msg)
{
	msg->fwd_send_flags.f |= SND_F_FORCE_CON_REUSE;
	return TP_ENF_APPLIED;
}

/* the ACK of a 2xx to an INVITE sent on a connection of its own (c's
 * inv_conn_id): it goes there and ends it; else it connects nowhere */
static int tp_ack_on_invite_conn(
		sip_msg_t *msg, const tp_call_t *c, const tp_addr_t *hop)
{
	if(c == NULL || c->inv_conn_id == 0
			|| tp_enf_pinnable(c->inv_conn_id, hop) <= 0)
		return tp_ack_no_connect(msg);
	tp_pin(msg, c->inv_conn_id);
	tp_disown(c->inv_conn_id);
	msg->fwd_send_flags.f |= SND_F_CON_CLOSE;
	return TP_ENF_APPLIED;
}

/* a request within a dialog the module does not follow (persona dialog) */
static int tp_enforce_untracked(
		sip_msg_t *msg, const tp_binding_t *b, const tp_addr_t *hop)
{
	str cid = tp_enf_callid(msg);
	tp_call_t c;
	int ended;

	ended = tp_track_get(tp_calls_ended, cid.s, cid.len, &b->contact, &c) > 0
			&& c.expires >= time(NULL);
	if(msg->REQ_METHOD == METHOD_ACK) /* (of a late re-INVITE's 2xx) */
		return tp_ack_on_invite_conn(msg, ended ? &c : NULL, hop);
	if(!ended)
		return TP_ENF_NOTHING; /* a dialog the module never saw */
	/* it crossed the dialog's end: a connection for it alone, not a
	 * dialog's connection nobody would close */
	tp_arm_new(msg, b, hop, TP_ARM_NEW_TX, 0, 0);
	return TP_ENF_APPLIED;
}

/* a request within a dialog of a UE of persona dialog */
static int tp_enforce_indialog_dialog(
		sip_msg_t *msg, const tp_binding_t *b, const tp_addr_t *hop)
{
	str cid = tp_enf_callid(msg);
	tp_call_t c;

	if(tp_track_get(tp_calls, cid.s, cid.len, &b->contact, &c) < 0)
		return tp_enforce_untracked(msg, b, hop);
	if(c.conn_id != 0 && tp_enf_pinnable(c.conn_id, hop) > 0) {
		tp_pin(msg, c.conn_id);
		if(msg->REQ_METHOD == METHOD_BYE)
			tp_arm_end(msg, b, c.attempt);
		return TP_ENF_APPLIED;
	}
	if(msg->REQ_METHOD == METHOD_ACK)
		return tp_ack_no_connect(msg);
	if(msg->REQ_METHOD == METHOD_BYE) {
		/* the dialog ends with this BYE: a connection for it alone */
		tp_call_forget(&cid, &b->contact, c.attempt, NULL);
		tp_arm_new(msg, b, hop, TP_ARM_NEW_TX, 0, c.attempt);
		return TP_ENF_APPLIED;
	}
	/* the dialog's connection is gone: open the proxy's own */
	tp_arm_new(msg, b, hop, TP_ARM_NEW_DIALOG, 1, c.attempt);
	return TP_ENF_APPLIED;
}

/* a request within a dialog of a UE of persona transaction */
static int tp_enforce_indialog_tx(
		sip_msg_t *msg, const tp_binding_t *b, const tp_addr_t *hop)
{
	str cid = tp_enf_callid(msg);
	tp_call_t c;

	if(msg->REQ_METHOD != METHOD_ACK) {
		tp_arm_new(msg, b, hop, TP_ARM_NEW_TX, 0, 0);
		return TP_ENF_APPLIED;
	}
	/* the ACK of a 2xx ends the INVITE's transaction on its connection;
	 * the entry stays for a repeated ACK until the INVITE's tx is gone */
	if(tp_track_get(tp_calls, cid.s, cid.len, &b->contact, &c) < 0)
		return tp_ack_on_invite_conn(msg, NULL, hop);
	return tp_ack_on_invite_conn(msg, &c, hop);
}

/* a terminating request within a dialog (or an ACK, or a CANCEL) */
static int tp_enforce_mt_indialog(
		sip_msg_t *msg, const tp_binding_t *b, const tp_addr_t *hop)
{
	if(b->mode == TP_MODE_NONE)
		return TP_ENF_NOTHING;
	if(b->mode == TP_MODE_REUSE)
		return tp_enforce_reuse(msg, b, hop);
	if(msg->REQ_METHOD == METHOD_CANCEL)
		return TP_ENF_APPLIED; /* tm cancels on the INVITE's connection */
	if(b->mode == TP_MODE_DIALOG)
		return tp_enforce_indialog_dialog(msg, b, hop);
	return tp_enforce_indialog_tx(msg, b, hop);
}

/* The UE's own connection carries its dialog while it lives; one the
 * proxy opened for another call does not */
static tp_track_edit_result_t tp_edit_mo_start(
		tp_call_t *c, int found, void *arg)
{
	sip_msg_t *msg = arg;

	memset(c, 0, sizeof(*c));
	if(tp_owned_has(tp_owned_conns, msg->rcv.proto_reserved1) < 0)
		c->conn_id = msg->rcv.proto_reserved1;
	c->mode = TP_MODE_DIALOG;
	c->attempt = tp_attempt_new();
	c->expires = time(NULL) + TP_CALL_MAX_SECS;
	return TP_EDIT_STORE;
}

/* a BYE on the proxy's connection: the 200 is its last message */
static tp_track_edit_result_t tp_edit_mo_bye(
		tp_call_t *c, int found, void *arg)
{
	sip_msg_t *msg = arg;

	if(!found || !c->owned || c->conn_id != msg->rcv.proto_reserved1)
		return TP_EDIT_NONE;
	c->owned = 0;
	return TP_EDIT_STORE;
}

/* the reply to msg is the last message on its connection, whether tm's
 * transaction exists yet (t_newtran() came first) or not */
static void tp_close_after_reply(sip_msg_t *msg)
{
	struct cell *t = tp_tmb.t_gett();

	msg->rpl_send_flags.f |= SND_F_CON_CLOSE;
	if(t && t != T_UNDEFINED)
		t->uas.response.dst.send_flags.f |= SND_F_CON_CLOSE;
}

/* an originating request from a UE of persona dialog */
static int tp_enforce_mo_dialog(sip_msg_t *msg, const tp_binding_t *b)
{
	str cid = tp_enf_callid(msg);
	char where[64];
	tp_call_t c;

	if(!tp_has_totag(msg)) {
		if(!tp_enf_dialog_creating(msg))
			return TP_ENF_APPLIED;
		if(tp_track_edit(tp_calls, cid.s, cid.len, &b->contact,
				   tp_edit_mo_start, msg)
				< 0) {
			LM_ERR("UE %s: no shared memory to track call [%.*s]\n",
					tp_addr_str(&b->contact, where, sizeof(where)), cid.len,
					cid.s);
			return TP_ENF_ERROR;
		}
		if(msg->REQ_METHOD == METHOD_INVITE
				&& tp_track_get(tp_calls, cid.s, cid.len, &b->contact, &c) > 0)
			tp_dlg_follow(msg, c.attempt);
		return TP_ENF_APPLIED;
	}
	if(msg->REQ_METHOD != METHOD_BYE
			|| tp_track_get(tp_calls, cid.s, cid.len, &b->contact, &c) < 0)
		return TP_ENF_APPLIED;
	if(tp_track_edit(tp_calls, cid.s, cid.len, &b->contact, tp_edit_mo_bye,
			   msg)
			== TP_EDIT_STORE) {
		tp_disown(c.conn_id);
		tp_close_after_reply(msg);
	}
	tp_arm_end(msg, b, c.attempt);
	return TP_ENF_APPLIED;
}

/* the UE an originating request comes from: by its source address (its
 * registration connection, or the address it registered from), else, on a
 * connection of its own, by the Contact it names, if that UE registered
 * from the same IP */
static int tp_enf_mo_ue(sip_msg_t *msg, tp_binding_t *b)
{
	tp_addr_t src, contact;
	time_t now = time(NULL);

	tp_addr_from_ip(&src, &msg->rcv.src_ip, msg->rcv.src_port);
	if(tp_bind_get_src(tp_bindings, &src, now, b) < 0
			&& (tp_msg_contact_addr(msg, &contact) < 0
					|| tp_bind_get_by_contact_from(
							   tp_bindings, &contact, &src, now, b)
							   < 0))
		return -1;
	tp_enf_observed(b, 1);
	return 0;
}

int tp_enf_dialog_creating(sip_msg_t *msg)
{
	return msg->REQ_METHOD & (METHOD_INVITE | METHOD_SUBSCRIBE | METHOD_REFER);
}

int tp_persona_enforce(sip_msg_t *msg)
{
	tp_binding_t b;
	tp_addr_t a;
	int r, initial;

	if(msg->first_line.type != SIP_REQUEST) {
		LM_ERR("persona_enforce() is for requests (Call-ID [%.*s])\n",
				tp_enf_callid(msg).len, tp_enf_callid(msg).s);
		return TP_ENF_ERROR;
	}
	initial = msg->REQ_METHOD != METHOD_ACK && msg->REQ_METHOD != METHOD_CANCEL
			  && !tp_has_totag(msg);
	/* discovery: the next request of a dialog a phone started shows
	 * whether it keeps its connection per dialog or per transaction */
	if(!initial)
		tp_discover_indialog(msg);
	/* terminating: toward bound UEs. An initial request may fork: each
	 * branch gets the persona of the UE it goes to */
	if(initial) {
		if((r = tp_enforce_initial(msg)) != TP_ENF_NOTHING)
			return r;
	} else if(tp_enf_uri_hop(msg, GET_NEXT_HOP(msg), &a, &b) > 0) {
		tp_pv_set_rule(msg, b.rule, b.mode);
		return tp_enforce_mt_indialog(msg, &b, &a);
	}
	/* originating: from a bound UE */
	if(msg->rcv.proto != PROTO_TCP && msg->rcv.proto != PROTO_TLS)
		return TP_ENF_NOTHING;
	if(tp_enf_mo_ue(msg, &b) < 0)
		return TP_ENF_NOTHING;
	if(initial && tp_enf_dialog_creating(msg))
		tp_discover_initial(msg, &b);
	tp_pv_set_rule(msg, b.rule, b.mode);
	return b.mode == TP_MODE_DIALOG ? tp_enforce_mo_dialog(msg, &b)
									: (b.mode == TP_MODE_NONE ? TP_ENF_NOTHING
															  : TP_ENF_APPLIED);
}
