/*
 * tcp_persona - persona_bind() and persona_enforce()
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>
#include <unistd.h>

#include "core/dprint.h"
#include "core/pt.h"
#include "core/ut.h"
#include "core/parser/parse_to.h"

#include "tp_classify.h"
#include "tp_conn.h"
#include "tp_dlg.h"
#include "tp_enforce.h"
#include "tp_event.h"
#include "tp_hooks.h"
#include "tp_load.h"
#include "tp_pv.h"
#include "tp_sipaddr.h"
#include "tp_stats.h"
#include "tp_sys.h"

/* how long a process may hold a UE's connection-opening marker, and how
 * long another one waits for it */
#define TP_OPEN_HOLD_MS 200
#define TP_OPEN_WAIT_MS 250

static str tp_callid(sip_msg_t *msg)
{
	static str none = str_init("-");

	if(msg->callid == NULL && parse_headers(msg, HDR_CALLID_F, 0) < 0)
		return none;
	return msg->callid ? msg->callid->body : none;
}

/* The next hop of a request: its destination URI, else its R-URI */
static int tp_next_hop(sip_msg_t *msg, tp_addr_t *a, int *proto)
{
	str *hop = GET_NEXT_HOP(msg);

	if(hop == NULL || hop->len == 0)
		return -1;
	return tp_uri_addr(hop, a, proto);
}

static int tp_is_dialog_creating(sip_msg_t *msg)
{
	return msg->REQ_METHOD & (METHOD_INVITE | METHOD_SUBSCRIBE | METHOD_REFER);
}

static int tp_has_totag(sip_msg_t *msg)
{
	return parse_to_header(msg) == 0 && get_to(msg)->tag_value.len > 0;
}

/* pins the request (and what tm sends for its transaction) to conn; if
 * conn dies before the send, the send fails rather than connect anew */
static void tp_pin(sip_msg_t *msg, int conn)
{
	msg->otcpid = conn;
	msg->msg_flags |= FL_USE_OTCPID;
	msg->fwd_send_flags.f |= SND_F_FORCE_CON_REUSE;
}

/* A new connection for this request toward hop: wait for any other
 * process opening one to the same UE, so that its connection is hidden
 * before ours is looked for, then let tm open ours. */
static void tp_arm_new(sip_msg_t *msg, const tp_binding_t *b,
		const tp_addr_t *hop, tp_arm_kind_t kind, int reopen)
{
	static unsigned int tp_arm_seq;
	uint64_t start = tp_now_ms();
	struct ip_addr ip;
	int got, owner;
	tp_arm_t a;

	/* one token per arm: a later arm of this process is another owner */
	owner = (my_pid() << 8) | (int)(++tp_arm_seq & 0xff);
	while((got = tp_bind_open_begin(tp_bindings, &b->contact, owner,
				   tp_now_ms(), TP_OPEN_HOLD_MS))
			== 0) {
		if(tp_now_ms() - start > TP_OPEN_WAIT_MS)
			break; /* the holder died or hangs: its marker runs out */
		usleep(1000);
	}
	/* a connection to the UE that someone else opened (before the UE was
	 * bound, or the UE itself from its contact port) is no new one */
	tp_ip_from_addr(&ip, hop);
	tp_conn_hide_all_to(&ip, hop->port);
	memset(&a, 0, sizeof(a));
	a.kind = kind;
	a.mode = b->mode;
	a.ue = b->contact;
	a.is_invite = msg->REQ_METHOD == METHOD_INVITE;
	a.reopen = reopen;
	a.reg_conn_id = b->reg_conn_id;
	a.owner = got == 1 ? owner : 0;
	tp_hooks_arm(msg, &a);
}

static void tp_arm_end(sip_msg_t *msg, const tp_binding_t *b)
{
	tp_arm_t a;

	memset(&a, 0, sizeof(a));
	a.kind = TP_ARM_END_DIALOG;
	a.mode = b->mode;
	a.ue = b->contact;
	tp_hooks_arm(msg, &a);
}

/* the event shows the User-Agent, which only the table has */
static void tp_reuse_event(sip_msg_t *msg, const tp_binding_t *b)
{
	tp_bind_view_t *v;

	if(!tp_event_wanted(TP_EV_REUSE_UNAVAILABLE))
		return;
	v = pkg_malloc(sizeof(*v));
	if(v && tp_bind_find(tp_bindings, &b->contact, time(NULL), v) < 0)
		v->ua[0] = '\0';
	tp_event_reuse_unavailable(msg, b, v ? v->ua : "");
	if(v)
		pkg_free(v);
}

/* whether a request toward hop may ride on connection id: tcp_send()
 * takes a connection by id whatever its peer, so only one to the host the
 * request is routed to will do. \return as tp_conn_alive_to() */
static int tp_pinnable(int id, const tp_addr_t *hop)
{
	struct ip_addr ip;

	tp_ip_from_addr(&ip, hop);
	return tp_conn_alive_to(id, &ip);
}

static int tp_enforce_reuse(
		sip_msg_t *msg, const tp_binding_t *b, const tp_addr_t *hop)
{
	char where[64], src[64];
	int alive = tp_pinnable(b->reg_conn_id, hop);
	str cid;

	if(alive < 0) {
		/* the binding's REGISTER came from another host than the one the
		 * request goes to: its connection is not that UE's */
		cid = tp_callid(msg);
		LM_WARN("reuse UE %s (AoR %s): registration connection %d goes to"
				" %s, not to the request's host; [%.*s] gets stock"
				" handling\n",
				tp_addr_str(hop, where, sizeof(where)), b->aor,
				b->reg_conn_id, tp_addr_str(&b->source, src, sizeof(src)),
				cid.len, cid.s);
		return TP_ENF_NOTHING;
	}
	if(!alive) {
		cid = tp_callid(msg);
		LM_NOTICE("reuse UE %s (AoR %s): registration connection %d is"
				  " gone, not opening one for [%.*s]\n",
				tp_addr_str(&b->contact, where, sizeof(where)), b->aor,
				b->reg_conn_id, cid.len, cid.s);
		update_stat(tp_stat_reuse_refused, 1);
		tp_reuse_event(msg, b);
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

/* a terminating request toward a UE of persona dialog */
static int tp_enforce_mt_dialog(
		sip_msg_t *msg, const tp_binding_t *b, const tp_addr_t *hop)
{
	str cid = tp_callid(msg);
	tp_call_t c;

	if(!tp_has_totag(msg)) {
		if(!tp_is_dialog_creating(msg)) {
			/* a lone transaction is a dialog of its own */
			tp_arm_new(msg, b, hop, TP_ARM_NEW_TX, 0);
			return TP_ENF_APPLIED;
		}
		tp_arm_new(msg, b, hop, TP_ARM_NEW_DIALOG, 0);
		if(msg->REQ_METHOD == METHOD_INVITE)
			tp_dlg_follow(msg, &b->contact);
		return TP_ENF_APPLIED;
	}
	if(tp_track_get(tp_calls, cid.s, cid.len, &b->contact, &c) < 0)
		return TP_ENF_NOTHING; /* a dialog the module never saw */
	if(c.conn_id != 0 && tp_pinnable(c.conn_id, hop) > 0) {
		tp_pin(msg, c.conn_id);
		if(msg->REQ_METHOD == METHOD_BYE)
			tp_arm_end(msg, b);
		return TP_ENF_APPLIED;
	}
	if(msg->REQ_METHOD == METHOD_ACK)
		return tp_ack_no_connect(msg);
	if(msg->REQ_METHOD == METHOD_BYE) {
		/* the dialog ends with this BYE: a connection for it alone */
		tp_track_del(tp_calls, cid.s, cid.len, &b->contact, NULL);
		tp_arm_new(msg, b, hop, TP_ARM_NEW_TX, 0);
		return TP_ENF_APPLIED;
	}
	/* the dialog's connection is gone: open the proxy's own */
	tp_arm_new(msg, b, hop, TP_ARM_NEW_DIALOG, 1);
	return TP_ENF_APPLIED;
}

/* a terminating request toward a UE of persona transaction */
static int tp_enforce_mt_tx(
		sip_msg_t *msg, const tp_binding_t *b, const tp_addr_t *hop)
{
	str cid = tp_callid(msg);
	tp_call_t c;

	if(msg->REQ_METHOD != METHOD_ACK) {
		tp_arm_new(msg, b, hop, TP_ARM_NEW_TX, 0);
		return TP_ENF_APPLIED;
	}
	/* the ACK of a 2xx ends the INVITE's transaction on its connection;
	 * the entry stays for a repeated ACK until the INVITE's tx is gone */
	if(tp_track_get(tp_calls, cid.s, cid.len, &b->contact, &c) < 0
			|| c.inv_conn_id == 0 || tp_pinnable(c.inv_conn_id, hop) <= 0)
		return tp_ack_no_connect(msg);
	tp_pin(msg, c.inv_conn_id);
	tp_disown(c.inv_conn_id);
	msg->fwd_send_flags.f |= SND_F_CON_CLOSE;
	return TP_ENF_APPLIED;
}

/* an originating request from a UE of persona dialog */
static int tp_enforce_mo_dialog(sip_msg_t *msg, const tp_binding_t *b)
{
	str cid = tp_callid(msg);
	char where[64];
	tp_call_t c;

	if(!tp_has_totag(msg)) {
		if(!tp_is_dialog_creating(msg))
			return TP_ENF_APPLIED;
		/* the UE's own connection carries the dialog while it lives; one
		 * the proxy opened for another call does not */
		memset(&c, 0, sizeof(c));
		if(tp_owned_has(tp_owned_conns, msg->rcv.proto_reserved1) < 0)
			c.conn_id = msg->rcv.proto_reserved1;
		c.mode = b->mode;
		c.ue = b->contact;
		c.expires = time(NULL) + TP_CALL_MAX_SECS;
		if(tp_track_set(tp_calls, cid.s, cid.len, &c) < 0) {
			LM_ERR("UE %s: no shared memory to track call [%.*s]\n",
					tp_addr_str(&b->contact, where, sizeof(where)), cid.len,
					cid.s);
			return TP_ENF_ERROR;
		}
		if(msg->REQ_METHOD == METHOD_INVITE)
			tp_dlg_follow(msg, &b->contact);
		return TP_ENF_APPLIED;
	}
	if(msg->REQ_METHOD == METHOD_BYE
			&& tp_track_get(tp_calls, cid.s, cid.len, &b->contact, &c) > 0) {
		/* a BYE on the proxy's connection: the 200 is its last message */
		if(c.owned && c.conn_id == msg->rcv.proto_reserved1) {
			msg->rpl_send_flags.f |= SND_F_CON_CLOSE;
			tp_disown(c.conn_id);
			c.owned = 0;
			tp_track_set(tp_calls, cid.s, cid.len, &c);
		}
		tp_arm_end(msg, b);
	}
	return TP_ENF_APPLIED;
}

static int tp_enforce_mode(
		sip_msg_t *msg, const tp_binding_t *b, const tp_addr_t *hop, int mt)
{
	if(b->mode == TP_MODE_NONE)
		return TP_ENF_NOTHING;
	if(!mt)
		return b->mode == TP_MODE_DIALOG ? tp_enforce_mo_dialog(msg, b)
										 : TP_ENF_APPLIED;
	if(b->mode == TP_MODE_REUSE)
		return tp_enforce_reuse(msg, b, hop);
	if(msg->REQ_METHOD == METHOD_CANCEL)
		return TP_ENF_APPLIED; /* tm cancels on the INVITE's connection */
	if(b->mode == TP_MODE_DIALOG)
		return tp_enforce_mt_dialog(msg, b, hop);
	return tp_enforce_mt_tx(msg, b, hop);
}

int tp_persona_enforce(sip_msg_t *msg)
{
	tp_binding_t b;
	tp_addr_t a;
	time_t now = time(NULL);
	int proto = PROTO_NONE, mt;

	if(msg->first_line.type != SIP_REQUEST) {
		LM_ERR("persona_enforce() is for requests (Call-ID [%.*s])\n",
				tp_callid(msg).len, tp_callid(msg).s);
		return TP_ENF_ERROR;
	}
	if(tp_next_hop(msg, &a, &proto) == 0
			&& (proto == PROTO_TCP || proto == PROTO_TLS)
			&& tp_bind_get_dst(tp_bindings, &a, now, &b) > 0) {
		mt = 1;
	} else if((msg->rcv.proto == PROTO_TCP || msg->rcv.proto == PROTO_TLS)
			  && (tp_addr_from_ip(&a, &msg->rcv.src_ip, msg->rcv.src_port), 1)
			  && tp_bind_get_src(tp_bindings, &a, now, &b) > 0) {
		mt = 0;
	} else {
		return TP_ENF_NOTHING;
	}
	tp_pv_set(msg, b.rule, b.mode);
	return tp_enforce_mode(msg, &b, &a, mt);
}
