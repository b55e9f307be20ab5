/*
 * tcp_persona - bindings from accepted registrations only
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "core/dprint.h"
#include "core/pt.h"
#include "core/sr_module.h"
#include "core/ut.h"
#include "core/mem/shm_mem.h"
#include "core/parser/parse_expires.h"
#include "core/parser/parse_to.h"
#include "modules/sl/sl.h"
#include "modules/tm/tm_load.h"

#include "tp_dmq.h"
#include "tp_classify.h"
#include "tp_conn.h"
#include "tp_event.h"
#include "tp_hooks.h"
#include "tp_load.h"
#include "tp_pv.h"
#include "tp_register.h"
#include "tp_rplscan.h"
#include "tp_sipaddr.h"
#include "tp_stats.h"
#include "tp_sys.h"

#define TP_DEFAULT_EXPIRES 3600

int tp_max_bindings = TP_MAX_BINDINGS_DEFAULT;

static struct tm_binds tp_reg_tmb;

/* what a REGISTER asked, in shm until its final answer (or its end) */
typedef struct tp_regpend
{
	tp_binding_t base; /* persona, AoR, source, connection; no contact */
	int n;
	tp_addr_t contact[TP_REG_CONTACTS_MAX];
	unsigned int asked[TP_REG_CONTACTS_MAX]; /* when the 2xx says nothing */
	int star;								 /* "Contact: *", Expires: 0 */
	int done;								 /* the final answer was seen */
	size_t ua_len;
	char ua[];
} tp_regpend_t;

/* per process: the REGISTER being routed, for the sl callback */
static struct
{
	unsigned int msg_id;
	int msg_pid;
	tp_regpend_t *p;
} tp_reg_cur;

static str tp_callid(sip_msg_t *msg)
{
	static str none = str_init("-");

	if(msg->callid == NULL && parse_headers(msg, HDR_CALLID_F, 0) < 0)
		return none;
	return msg->callid ? msg->callid->body : none;
}

/* \return 1 with *v set when msg has a valid Expires header */
static int tp_expires_header(sip_msg_t *msg, unsigned int *v)
{
	if(msg->expires == NULL || parse_expires(msg->expires) < 0
			|| !((exp_body_t *)msg->expires->parsed)->valid)
		return 0;
	*v = ((exp_body_t *)msg->expires->parsed)->val;
	return 1;
}

/* a binding keeps what matching reads of the User-Agent (re-classified
 * later), not what a hostile UE sent */
static size_t tp_ua_kept(const str *ua)
{
	tp_ruleset_t *rs = tp_active_rules();
	size_t n = (size_t)ua->len;

	return rs && n > rs->ua_max_len ? rs->ua_max_len : n;
}

/* \return why a new UE cannot be bound now, or NULL: max_bindings, or
 * less than a twentieth of shared memory free (a REGISTER flood must not
 * starve the core) */
const char *tp_no_room(void)
{
	if(tp_max_bindings > 0
			&& tp_bind_count(tp_bindings) >= (unsigned int)tp_max_bindings)
		return "max_bindings reached";
	if(tp_bind_count(tp_bindings) >= tp_bind_capacity(tp_bindings))
		return "the binding table is full (hash_size)";
	if(shm_available() < shm_mem_size / 20)
		return "less than 5% of shared memory free";
	return NULL;
}

/* counts a UE left unbound for want of room, logged once per 10 s */
void tp_refused(const char *why, const tp_addr_t *ue, const char *aor)
{
	static time_t logged;
	static unsigned int quiet;
	char where[64];
	time_t now = time(NULL);

	update_stat(tp_stat_bindings_refused, 1);
	if(now - logged < 10) {
		quiet++;
		return;
	}
	LM_WARN("%s (%u bound, max_bindings %d): UE %s (AoR %s) not bound, its"
			" requests get stock handling (%u more not logged)\n",
			why, tp_bind_count(tp_bindings), tp_max_bindings,
			tp_addr_str(ue, where, sizeof(where)), aor, quiet);
	logged = now;
	quiet = 0;
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
	b->observe = (uint8_t)cls.observe;
	*matched = cls.status == TP_MATCH_HIT;
	strncpy(b->rule, name, TP_NAME_MAX);
	if(parse_to_header(msg) == 0 && (to = get_to(msg)) != NULL)
		snprintf(b->aor, sizeof(b->aor), "%.*s", to->uri.len, to->uri.s);
	tp_addr_from_ip(&b->source, &msg->rcv.src_ip, msg->rcv.src_port);
	if(msg->rcv.proto == PROTO_TCP || msg->rcv.proto == PROTO_TLS) {
		b->reg_conn_id = msg->rcv.proto_reserved1;
		tp_conn_core_id_seen(b->reg_conn_id);
	}
	/* the script sees what is applied: none for an observe-only rule */
	tp_pv_set_rule(msg, b->rule, b->observe ? TP_MODE_NONE : b->mode);
	return 0;
}

/* what the Contacts of the REGISTER ask for */
typedef struct tp_ask
{
	sip_msg_t *msg;
	tp_regpend_t *p;
	int dropped;
} tp_ask_t;

static void tp_ask_contact(contact_t *c, const tp_addr_t *a, void *arg)
{
	tp_ask_t *k = arg;
	tp_regpend_t *p = k->p;
	unsigned int v;

	if(p->n == TP_REG_CONTACTS_MAX) {
		k->dropped++;
		return;
	}
	if(!tp_contact_expires_param(c, &v) && !tp_expires_header(k->msg, &v))
		v = TP_DEFAULT_EXPIRES;
	p->contact[p->n] = *a;
	p->asked[p->n] = v;
	p->n++;
}

/* \return how many Contact headers; p->star for a valid "Contact: *" */
static int tp_ask_all(sip_msg_t *msg, tp_regpend_t *p)
{
	struct hdr_field *h;
	tp_ask_t k = {msg, p, 0};
	unsigned int exp;
	int star = 0, headers = 0;

	for(h = msg->contact; h; h = next_sibling_hdr(h)) {
		star |= tp_contact_each(h, tp_ask_contact, &k) == 1;
		headers++;
	}
	/* "*" is valid alone and with Expires: 0 only (RFC 3261 10.3, step 6);
	 * the registrar answers anything else with a 400 */
	p->star = star && headers == 1 && tp_expires_header(msg, &exp) && exp == 0;
	if(k.dropped)
		LM_WARN("REGISTER [%.*s] from AoR %s: %d Contacts beyond the first %d"
				" not followed\n",
				tp_callid(msg).len, tp_callid(msg).s, p->base.aor, k.dropped,
				TP_REG_CONTACTS_MAX);
	return headers;
}

/* a new UE is taken only while there is room; refreshes always pass */
static int tp_room_for(const tp_regpend_t *p)
{
	const char *why;
	int i;

	for(i = 0; i < p->n; i++) {
		if(tp_bind_has(tp_bindings, &p->contact[i]))
			return 1;
	}
	if(p->n == 0 || (why = tp_no_room()) == NULL)
		return 1;
	tp_refused(why, &p->contact[0], p->base.aor);
	return 0;
}

/* ---- the final answer ---- */

/* the expiry a 2xx grants contact a, or -1 when the 2xx does not list it
 * (the registrar holds no such binding for the AoR) */
typedef struct tp_grant
{
	sip_msg_t *rpl;
	const tp_addr_t *want;
	long secs;
} tp_grant_t;

static void tp_grant_contact(contact_t *c, const tp_addr_t *a, void *arg)
{
	tp_grant_t *g = arg;
	unsigned int v;

	if(g->secs >= 0 || !tp_addr_eq(a, g->want))
		return;
	if(tp_contact_expires_param(c, &v) || tp_expires_header(g->rpl, &v))
		g->secs = v;
	else
		g->secs = -2; /* listed, no expiry given: what was asked */
}

static long tp_granted(sip_msg_t *rpl, const tp_addr_t *want)
{
	struct hdr_field *h;
	tp_grant_t g = {rpl, want, -1};

	for(h = rpl->contact; h && g.secs == -1; h = next_sibling_hdr(h))
		tp_contact_each(h, tp_grant_contact, &g);
	return g.secs;
}

/* removes the binding of contact if it is the AoR's (another subscriber's
 * registration of the same address is not this 2xx's to end) */
static int tp_unbind_if_aor(const tp_addr_t *contact, const char *aor)
{
	tp_bind_view_t *v = pkg_malloc(sizeof(*v));
	int ret = 0;

	if(v == NULL)
		return 0;
	if(tp_bind_find(tp_bindings, contact, time(NULL), v) > 0
			&& tp_addr_eq(&v->b.contact, contact) && strcmp(v->b.aor, aor) == 0)
		/* the binding found: not one a racing REGISTER made since */
		ret = tp_bind_del_if(
					  tp_bindings, contact, NULL, v->b.expires, 0, NULL)
			  > 0;
	if(ret)
		tp_dmq_del(contact, &v->b.source, v->b.expires);
	pkg_free(v);
	return ret;
}

/* "Contact: *" accepted: the UE that sent it, found by its source */
static void tp_unbind_source(const tp_regpend_t *p)
{
	tp_bind_view_t *v = pkg_malloc(sizeof(*v));

	if(v == NULL)
		return;
	if(tp_bind_find_src(tp_bindings, &p->base.source, time(NULL), v) > 0
			&& tp_addr_eq(&v->b.source, &p->base.source)
			&& strcmp(v->b.aor, p->base.aor) == 0
			&& tp_bind_del(tp_bindings, &v->b.contact) > 0)
		tp_dmq_del(&v->b.contact, &v->b.source, v->b.expires);
	pkg_free(v);
}

static void tp_bind_one(const tp_regpend_t *p, int i, unsigned int secs)
{
	tp_binding_t b = p->base;
	const char *why;
	char where[64];
	int r;

	b.contact = p->contact[i];
	b.expires = time(NULL) + secs;
	if(!tp_bind_has(tp_bindings, &b.contact) && (why = tp_no_room()) != NULL) {
		tp_refused(why, &b.contact, b.aor);
		return;
	}
	if((r = tp_bind_put(tp_bindings, &b, p->ua, p->ua_len)) < 0) {
		/* another process took the table's last room meanwhile; -2:
		 * its rule name could not be kept (logged) */
		if(r == -2)
			return;
		if((why = tp_no_room()) != NULL)
			tp_refused(why, &b.contact, b.aor);
		else
			LM_ERR("no shared memory to bind %s (AoR %s)\n",
					tp_addr_str(&b.contact, where, sizeof(where)), b.aor);
		return;
	}
	tp_dmq_put(&b, p->ua, p->ua_len);
	/* reuse: the registration's connection must outlive idle periods */
	if(b.mode == TP_MODE_REUSE && !b.observe && b.reg_conn_id != 0)
		tp_conn_keep(b.reg_conn_id, secs + 30);
}

/* the REGISTER was accepted: what the registrar now holds for each asked
 * Contact becomes the binding */
static void tp_accepted(const tp_regpend_t *p, sip_msg_t *rpl)
{
	long secs;
	int i;

	tp_stat_mode(tp_stat_register, p->base.mode);
	if(p->base.observe)
		update_stat(tp_stat_observe_registers, 1);
	if(p->star)
		tp_unbind_source(p);
	for(i = 0; i < p->n; i++) {
		secs = rpl ? tp_granted(rpl, &p->contact[i]) : -2;
		if(secs == -2)
			secs = p->asked[i];
		if(secs > 0)
			tp_bind_one(p, i, (unsigned int)secs);
		else
			tp_unbind_if_aor(&p->contact[i], p->base.aor);
	}
}

/* the first final answer wins; \return 1 when it is a 2xx */
static int tp_first_final(tp_regpend_t *p, int code)
{
	int none = 0;

	if(code < 200
			|| !__atomic_compare_exchange_n(&p->done, &none, 1, 0,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return 0;
	if(code >= 300) {
		LM_DBG("REGISTER from AoR %s answered %d: nothing bound\n",
				p->base.aor, code);
		return 0;
	}
	return 1;
}

/* the whole text parsed, as the core parses a message */
static int tp_rpl_parse_whole(sip_msg_t *rpl, char *copy, int len)
{
	memset(rpl, 0, sizeof(*rpl));
	rpl->buf = copy; /* parse_headers() reads up to buf + len */
	rpl->len = len;
	return parse_msg(copy, len, rpl) == 0 && parse_headers(rpl, HDR_EOH_F, 0) >= 0
				   ? 0
				   : -1;
}

/* the proxy's own answer, as text (a copy): its Contact and Expires
 * headers found by a scan, else the whole text parsed */
static void tp_answered_text(tp_regpend_t *p, int code, char *buf, int len)
{
	tp_rpl_hdrs_t h;
	sip_msg_t rpl;
	char *copy;

	if(!tp_first_final(p, code))
		return;
	copy = (buf && len > 0) ? pkg_malloc(len + 1) : NULL;
	if(copy == NULL) {
		LM_WARN("REGISTER from AoR %s: 2xx not readable, binding the asked"
				" expiry\n",
				p->base.aor);
		tp_accepted(p, NULL);
		return;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
	memset(&rpl, 0, sizeof(rpl));
	if(tp_rpl_scan(copy, len, &rpl, &h) == 0) {
		tp_accepted(p, &rpl);
		tp_rpl_scan_free(&rpl);
	} else {
		if(tp_rpl_parse_whole(&rpl, copy, len) == 0) {
			tp_accepted(p, &rpl);
		} else {
			LM_WARN("REGISTER from AoR %s: 2xx not readable, binding the"
					" asked expiry\n",
					p->base.aor);
			tp_accepted(p, NULL);
		}
		free_sip_msg(&rpl);
	}
	pkg_free(copy);
}

/* a 2xx relayed from a registrar upstream, as tm received it */
static void tp_answered_msg(tp_regpend_t *p, int code, sip_msg_t *rpl)
{
	if(!tp_first_final(p, code))
		return;
	if(parse_headers(rpl, HDR_EOH_F, 0) < 0) {
		LM_WARN("REGISTER from AoR %s: 2xx not readable, binding the asked"
				" expiry\n",
				p->base.aor);
		rpl = NULL;
	}
	tp_accepted(p, rpl);
}

static void tp_reg_tm_out(struct cell *t, int type, struct tmcb_params *ps)
{
	tp_regpend_t *p = (tp_regpend_t *)*ps->param;

	if(ps->rpl && ps->rpl != FAKED_REPLY)
		tp_answered_msg(p, ps->code, ps->rpl);
	else
		tp_answered_text(p, ps->code, ps->send_buf.s, ps->send_buf.len);
}

static void tp_reg_sl_out(sl_cbp_t *cb)
{
	sip_msg_t *req = cb->req;

	if(req == NULL || tp_reg_cur.p == NULL || req->id != tp_reg_cur.msg_id
			|| req->pid != tp_reg_cur.msg_pid)
		return;
	tp_answered_text(tp_reg_cur.p, cb->code, cb->reply ? cb->reply->s : NULL,
			cb->reply ? cb->reply->len : 0);
}

static void tp_regpend_free(void *p)
{
	if(tp_reg_cur.p == p)
		tp_reg_cur.p = NULL;
	shm_free(p);
}

/* tm frees p with the transaction, or with the next message of this
 * process when none is created (save() answering statelessly) */
static int tp_follow_register(sip_msg_t *msg, tp_regpend_t *p)
{
	if(tp_reg_tmb.register_tmcb(
			   msg, 0, TMCB_RESPONSE_OUT, tp_reg_tm_out, p, tp_regpend_free)
			<= 0) {
		LM_ERR("REGISTER [%.*s]: cannot follow its answer\n",
				tp_callid(msg).len, tp_callid(msg).s);
		return -1;
	}
	tp_reg_cur.msg_id = msg->id;
	tp_reg_cur.msg_pid = msg->pid;
	tp_reg_cur.p = p;
	return 0;
}

int tp_persona_bind(sip_msg_t *msg)
{
	tp_binding_t b;
	tp_regpend_t *p;
	int matched = 0;
	str ua;

	if(msg->first_line.type != SIP_REQUEST
			|| msg->REQ_METHOD != METHOD_REGISTER) {
		LM_ERR("persona_bind() is for REGISTER requests\n");
		return -1;
	}
	if(parse_headers(msg, HDR_EOH_F, 0) < 0
			|| tp_binding_base(msg, &b, &ua, &matched) < 0) {
		LM_ERR("REGISTER [%.*s]: headers do not parse\n", tp_callid(msg).len,
				tp_callid(msg).s);
		return -3;
	}
	if((p = shm_mallocxz(sizeof(*p) + tp_ua_kept(&ua))) == NULL) {
		LM_ERR("REGISTER [%.*s]: no shared memory to follow it\n",
				tp_callid(msg).len, tp_callid(msg).s);
		return -3;
	}
	p->base = b;
	p->ua_len = tp_ua_kept(&ua);
	memcpy(p->ua, ua.s, p->ua_len);
	tp_ask_all(msg, p);
	if(!matched) {
		update_stat(tp_stat_unmatched, 1);
		tp_event_unmatched(msg, &b, p->n ? &p->contact[0] : &b.source, &ua);
	}
	if(p->n == 0 && !p->star) {
		LM_DBG("REGISTER [%.*s] from AoR %s: no IP Contact to bind\n",
				tp_callid(msg).len, tp_callid(msg).s, b.aor);
		shm_free(p);
		return -1;
	}
	if(!tp_room_for(p)) {
		shm_free(p);
		return -4; /* no room: the REGISTER goes on unbound */
	}
	if(tp_follow_register(msg, p) < 0) {
		shm_free(p);
		return -3;
	}
	return 1;
}

int tp_register_init(void)
{
	sl_api_t slb;
	sl_cbelem_t cb;

	if(load_tm_api(&tp_reg_tmb) < 0) {
		LM_ERR("cannot bind the tm API\n");
		return -1;
	}
	if(!module_loaded("sl")) {
		/* nothing answers statelessly then: tm sees every answer */
		LM_INFO("sl is not loaded: persona_bind() follows stateful answers"
				" (t_relay(), t_reply(), save() in a transaction)\n");
		return 0;
	}
	if(sl_load_api(&slb) < 0) {
		LM_ERR("cannot bind the sl API\n");
		return -1;
	}
	memset(&cb, 0, sizeof(cb));
	cb.type = SLCB_REPLY_READY;
	cb.cbf = tp_reg_sl_out;
	if(slb.register_cb(&cb) != 0) {
		LM_ERR("cannot register the sl reply callback\n");
		return -1;
	}
	return 0;
}
