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
#include "core/parser/parse_expires.h"
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

#define TP_DEFAULT_EXPIRES 3600
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

/* \return 1 with *v set when the REGISTER has a valid Expires header */
static int tp_expires_header(sip_msg_t *msg, unsigned int *v)
{
	if(msg->expires == NULL || parse_expires(msg->expires) < 0
			|| !((exp_body_t *)msg->expires->parsed)->valid)
		return 0;
	*v = ((exp_body_t *)msg->expires->parsed)->val;
	return 1;
}

/* seconds a Contact asks for: its expires parameter, else the Expires
 * header, else the default */
static unsigned int tp_contact_expires(sip_msg_t *msg, contact_t *c)
{
	unsigned int v;

	if(tp_contact_expires_param(c, &v) || tp_expires_header(msg, &v))
		return v;
	return TP_DEFAULT_EXPIRES;
}

/* a binding keeps what matching reads of the User-Agent (re-classified
 * later), not what a hostile UE sent */
static size_t tp_ua_kept(const str *ua)
{
	tp_ruleset_t *rs = tp_active_rules();
	size_t n = (size_t)ua->len;

	return rs && n > rs->ua_max_len ? rs->ua_max_len : n;
}

int tp_max_bindings = TP_MAX_BINDINGS_DEFAULT;

/* A new UE is bound only while there is room: below max_bindings, and
 * with a twentieth of shared memory still free (a REGISTER flood must
 * not starve the core). Refreshes of bound UEs always pass. */
static int tp_bind_room(const tp_binding_t *b)
{
	static time_t logged;
	static unsigned int quiet;
	const char *why = NULL;
	char where[64];
	time_t now;

	if(tp_bind_has(tp_bindings, &b->contact))
		return 1;
	if(tp_max_bindings > 0
			&& tp_bind_count(tp_bindings) >= (unsigned int)tp_max_bindings)
		why = "max_bindings reached";
	else if(shm_available() < shm_mem_size / 20)
		why = "less than 5% of shared memory free";
	if(why == NULL)
		return 1;
	update_stat(tp_stat_bindings_refused, 1);
	now = time(NULL);
	if(now - logged < 10) {
		quiet++;
		return 0;
	}
	LM_WARN("%s (%u bound, max_bindings %d): UE %s (AoR %s) not bound, its"
			" requests get stock handling (%u more not logged)\n",
			why, tp_bind_count(tp_bindings), tp_max_bindings,
			tp_addr_str(&b->contact, where, sizeof(where)), b->aor, quiet);
	logged = now;
	quiet = 0;
	return 0;
}

/* what binding one REGISTER's Contacts shares and counts */
typedef struct tp_bind_run
{
	sip_msg_t *msg;
	tp_binding_t *b;
	const str *ua;
	tp_addr_t first; /* the first Contact's address */
	int bound;
	int failed; /* 1: no memory, 2: no room */
} tp_bind_run_t;

static void tp_bind_contact(contact_t *c, const tp_addr_t *a, void *arg)
{
	tp_bind_run_t *r = arg;
	tp_binding_t *b = r->b;
	unsigned int exp = tp_contact_expires(r->msg, c);
	char where[64];
	int rc;

	b->contact = *a;
	if(r->first.af == 0)
		r->first = *a;
	if(exp == 0) {
		tp_bind_del(tp_bindings, &b->contact);
		r->bound++;
		return;
	}
	b->expires = time(NULL) + exp;
	if(!tp_bind_room(b)) {
		r->failed |= 2;
		return;
	}
	if((rc = tp_bind_put(tp_bindings, b, r->ua->s, tp_ua_kept(r->ua))) < 0) {
		LM_ERR("no shared memory to bind %s (AoR %s)\n",
				tp_addr_str(&b->contact, where, sizeof(where)), b->aor);
		r->failed |= 1;
		return;
	}
	if(rc > 0)
		LM_WARN("UE %s (AoR %s) bound, but no shared memory to find it by"
				" its source address too\n",
				tp_addr_str(&b->contact, where, sizeof(where)), b->aor);
	/* reuse: the registration's connection must outlive idle periods */
	if(b->mode == TP_MODE_REUSE && b->reg_conn_id != 0)
		tp_conn_keep(b->reg_conn_id, exp + 30);
	r->bound++;
}

/* "Contact: *" with Expires 0: the UE that sent it, found by the source
 * of its REGISTER, is unbound; \return 1 when one was */
static int tp_unbind_source(const tp_binding_t *b)
{
	tp_binding_t old;

	if(tp_bind_get_src(tp_bindings, &b->source, time(NULL), &old) < 0
			|| !tp_addr_eq(&old.source, &b->source))
		return 0;
	return tp_bind_del(tp_bindings, &old.contact) > 0;
}

/* fills what every Contact of a REGISTER shares: persona, AoR, source */
static int tp_binding_base(
		sip_msg_t *msg, tp_binding_t *b, str *ua, int *matched)
{
	tp_class_t cls;
	const char *name;
	struct to_body *to;

	memset(b, 0, sizeof(*b));
	ua->s = "";
	ua->len = 0;
	if(parse_headers(msg, HDR_USERAGENT_F | HDR_EXPIRES_F, 0) == 0
			&& msg->user_agent)
		*ua = msg->user_agent->body;
	if(tp_classify_ua(ua, &cls, &name) < 0)
		return -1;
	b->mode = cls.mode;
	*matched = cls.status == TP_MATCH_HIT;
	strncpy(b->rule, name, TP_NAME_MAX);
	if(parse_to_header(msg) == 0 && (to = get_to(msg)) != NULL)
		snprintf(b->aor, sizeof(b->aor), "%.*s", to->uri.len, to->uri.s);
	tp_addr_from_ip(&b->source, &msg->rcv.src_ip, msg->rcv.src_port);
	if(msg->rcv.proto == PROTO_TCP || msg->rcv.proto == PROTO_TLS) {
		b->reg_conn_id = msg->rcv.proto_reserved1;
		tp_conn_core_id_seen(b->reg_conn_id);
	}
	tp_pv_set(msg, b->rule, b->mode);
	return 0;
}

int tp_persona_bind(sip_msg_t *msg)
{
	struct hdr_field *h;
	tp_binding_t b;
	tp_bind_run_t r;
	unsigned int exp;
	int matched = 0, star = 0, headers = 0;
	str ua;

	if(msg->first_line.type != SIP_REQUEST
			|| msg->REQ_METHOD != METHOD_REGISTER) {
		LM_ERR("persona_bind() is for REGISTER requests\n");
		return -1;
	}
	if(parse_headers(msg, HDR_EOH_F, 0) < 0
			|| tp_binding_base(msg, &b, &ua, &matched) < 0)
		return -3;
	tp_stat_mode(tp_stat_register, b.mode);
	memset(&r, 0, sizeof(r));
	r.msg = msg;
	r.b = &b;
	r.ua = &ua;
	for(h = msg->contact; h; h = next_sibling_hdr(h)) {
		star |= tp_contact_each(h, tp_bind_contact, &r) == 1;
		headers++;
	}
	/* "*" is valid alone and with Expires: 0 only (RFC 3261 10.3, step 6);
	 * the registrar answers anything else with a 400 */
	if(star && headers == 1 && tp_expires_header(msg, &exp) && exp == 0)
		r.bound += tp_unbind_source(&b);
	if(!matched) {
		update_stat(tp_stat_unmatched, 1);
		tp_event_unmatched(msg, &b, r.first.af ? &r.first : &b.source, &ua);
	}
	if(r.failed & 1)
		return -3;
	if(r.bound == 0 && (r.failed & 2))
		return -4; /* no room: the REGISTER goes on unbound */
	if(r.bound == 0) {
		LM_DBG("REGISTER [%.*s] from AoR %s: no IP Contact to bind\n",
				tp_callid(msg).len, tp_callid(msg).s, b.aor);
		return -1;
	}
	return 1;
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

static int tp_enforce_reuse(sip_msg_t *msg, const tp_binding_t *b)
{
	char where[64];
	str cid;

	if(!tp_conn_alive(b->reg_conn_id)) {
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
	if(c.conn_id != 0 && tp_conn_alive(c.conn_id)) {
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
			|| c.inv_conn_id == 0 || !tp_conn_alive(c.inv_conn_id))
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
		return tp_enforce_reuse(msg, b);
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
