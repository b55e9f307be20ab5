/*
 * tcp_persona - persona discovery: what each phone family does on MO
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>
#include <time.h>

#include "core/dprint.h"
#include "core/mem/shm_mem.h"
#include "core/parser/parse_via.h"
#include "core/route.h"
#include "modules/tm/t_reply.h"

#include "tp_conn.h"
#include "tp_discover.h"
#include "tp_hooks.h"
#include "tp_sipaddr.h"
#include "tp_event.h"
#include "tp_family.h"
#include "tp_moconn.h"
#include "tp_stats.h"

int tp_discover_families = 1024;
int tp_discover_mt_sample = 16;

/* dialogs and connections remembered until they show what they are:
 * 16384 slots each (about 4.6 MB); with N dialogs of fresh connections
 * waiting for their ACK at once, about N/16384 of them are lost */
#define TP_DISCOVER_EVIDENCE_LOG2 14

static tp_observe_t *tp_store;
static tp_moconn_t *tp_evidence;
/* the new-family events of the current minute, all processes */
static int *tp_events_minute;

int tp_discover_init(void)
{
	if(tp_discover_families < 0 || tp_discover_families > 65536) {
		LM_ERR("invalid \"discover_families\" value: %d, must be 0 to 65536\n",
				tp_discover_families);
		return -1;
	}
	if(tp_discover_mt_sample < 0 || tp_discover_mt_sample > 1000000) {
		LM_ERR("invalid \"discover_mt_sample\" value: %d, must be 0 to"
			   " 1000000\n",
				tp_discover_mt_sample);
		return -1;
	}
	if(tp_discover_families == 0)
		return 0;
	tp_store = tp_observe_create((unsigned int)tp_discover_families);
	tp_evidence = tp_moconn_create(TP_DISCOVER_EVIDENCE_LOG2);
	tp_events_minute = shm_malloc(2 * sizeof(int));
	if(tp_store == NULL || tp_evidence == NULL || tp_events_minute == NULL) {
		LM_ERR("no shared memory for persona discovery\n");
		tp_observe_destroy(tp_store);
		tp_moconn_destroy(tp_evidence);
		if(tp_events_minute)
			shm_free(tp_events_minute);
		tp_store = NULL;
		tp_evidence = NULL;
		return -1;
	}
	memset(tp_events_minute, 0, 2 * sizeof(int));
	return 0;
}

tp_observe_t *tp_discover_store(void)
{
	return tp_store;
}

/* at most TP_DISCOVER_EVENTS_MIN events a minute (a racy reset at the
 * minute's turn lets a few more through, never fewer) */
static int tp_event_allowed(time_t now)
{
	int minute = (int)(now / 60);

	if(__atomic_load_n(&tp_events_minute[0], __ATOMIC_RELAXED) != minute) {
		__atomic_store_n(&tp_events_minute[1], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&tp_events_minute[0], minute, __ATOMIC_RELAXED);
	}
	return __atomic_add_fetch(&tp_events_minute[1], 1, __ATOMIC_RELAXED)
		   <= TP_DISCOVER_EVENTS_MIN;
}

/* counts ev for family; a family new to the store is announced, with
 * the event when a request (msg) of the UE is at hand */
static void tp_count(sip_msg_t *msg, const char *family, const str *ua,
		tp_obs_event_t ev, time_t now)
{
	tp_addr_t src;

	if(tp_observe_ua(tp_store, family, strlen(family), ua ? ua->s : NULL,
			   ua ? (size_t)ua->len : 0, ev, now)
			!= 1)
		return;
	update_stat(tp_stat_new_families, 1);
	LM_NOTICE("new User-Agent family [%s]\n", family);
	if(msg && ua && tp_event_allowed(now)) {
		tp_addr_from_ip(&src, &msg->rcv.src_ip, msg->rcv.src_port);
		tp_event_new_family(msg, family, ua, &src);
	}
}

static int tp_on_stream(sip_msg_t *msg)
{
	return msg->rcv.proto == PROTO_TCP || msg->rcv.proto == PROTO_TLS;
}

/* the request as the evidence tables see it */
static void tp_req_of(sip_msg_t *msg, tp_moconn_req_t *r)
{
	struct via_param *br = msg->via1 ? msg->via1->branch : NULL;

	memset(r, 0, sizeof(*r));
	r->callid = msg->callid->body.s;
	r->callid_len = (size_t)msg->callid->body.len;
	if(br && br->value.len > 0) {
		r->branch = br->value.s;
		r->branch_len = (size_t)br->value.len;
	}
	r->conn = msg->rcv.proto_reserved1;
}

void tp_discover_initial(sip_msg_t *msg, const tp_binding_t *b)
{
	char family[TP_FAMILY_MAX + 1];
	tp_bind_view_t *v;
	tp_moconn_req_t r;
	tp_addr_t src;
	str ua;
	time_t now;
	int ev;

	/* a copy of another node's binding knows no registration connection:
	 * every dialog would look like one on a fresh connection */
	if(tp_store == NULL || !tp_on_stream(msg) || msg->callid == NULL
			|| b->reg_conn_id == 0)
		return;
	/* the family of the User-Agent the UE registered with */
	if((v = pkg_malloc(sizeof(*v))) == NULL)
		return;
	now = time(NULL);
	if(tp_bind_find(tp_bindings, &b->contact, now, v) > 0 && v->ua[0]) {
		ua.s = v->ua;
		ua.len = (int)strlen(v->ua);
		tp_ua_family(ua.s, (size_t)ua.len, family, sizeof(family));
		tp_addr_from_ip(&src, &msg->rcv.src_ip, msg->rcv.src_port);
		tp_req_of(msg, &r);
		/* a phone that sends a new dialog on a connection the proxy
		 * opened toward it reuses it */
		r.proxy_opened = r.conn != b->reg_conn_id
						 && tp_conn_opened_here(r.conn) == 1;
		ev = tp_moconn_initial(tp_evidence, &r, &src, family, b->reg_conn_id,
				now);
		/* not decided yet (-1): the family is seen, nothing counted */
		tp_count(msg, family, &ua,
				ev >= 0 ? (tp_obs_event_t)ev : TP_OBS_NOTHING, now);
	}
	pkg_free(v);
}

void tp_discover_indialog(sip_msg_t *msg)
{
	char family[TP_FAMILY_MAX + 1];
	tp_moconn_req_t r;
	tp_addr_t src;
	time_t now;
	int ev;

	/* a CANCEL rides the INVITE's connection in every persona */
	if(tp_store == NULL || !tp_on_stream(msg)
			|| msg->REQ_METHOD == METHOD_CANCEL
			|| (msg->callid == NULL
					&& (parse_headers(msg, HDR_CALLID_F, 0) < 0
							|| msg->callid == NULL)))
		return;
	tp_addr_from_ip(&src, &msg->rcv.src_ip, msg->rcv.src_port);
	tp_req_of(msg, &r);
	r.bye = msg->REQ_METHOD == METHOD_BYE;
	now = time(NULL);
	ev = tp_moconn_indialog(tp_evidence, &r, &src, family, now);
	if(ev >= 0)
		tp_count(msg, family, NULL, (tp_obs_event_t)ev, now);
}

/* the branches of a sampled MT INVITE that a UE answered (any reply it
 * sent, provisional ones too); tm's own 408, 477 or 503 are not answers */
typedef struct tp_mt_watch
{
	uint64_t answered; /* bit b: branch b */
	int counted;	   /* the final reply went: counted once */
} tp_mt_watch_t;

static void tp_mt_answer(struct cell *t, int type, struct tmcb_params *ps)
{
	tp_mt_watch_t *w = (tp_mt_watch_t *)*ps->param;
	int b = tp_tmb.t_gett_branch();

	if(ps->rpl && ps->rpl != FAKED_REPLY && b >= 0 && b < 64)
		__atomic_or_fetch(&w->answered, (uint64_t)1 << b, __ATOMIC_RELAXED);
}

/* the outcome of branch b to the bound UE it went to */
static void tp_mt_branch(struct cell *t, int b, const tp_mt_watch_t *w,
		tp_bind_view_t *v, time_t now)
{
	struct dest_info *dst = &t->uac[b].request.dst;
	char family[TP_FAMILY_MAX + 1];
	struct ip_addr ip;
	tp_addr_t to;
	str ua;
	int on_reg, ok;

	if(dst->proto != PROTO_TCP && dst->proto != PROTO_TLS)
		return;
	if(w->answered & ((uint64_t)1 << b))
		ok = 1;
	else if(t->uac[b].last_received == 408 || t->uac[b].last_received == 477
			|| t->uac[b].last_received == 503)
		ok = 0; /* tm's own: no answer, or the send failed */
	else
		return; /* cancelled early, or not sent */
	su2ip_addr(&ip, &dst->to);
	tp_addr_from_ip(&to, &ip, su_getport(&dst->to));
	if(tp_bind_find(tp_bindings, &to, now, v) < 0 || v->ua[0] == '\0')
		return;
	/* the registration connection: pinned to it, or the address it
	 * came from (stock Kamailio reuses it when the Contact is that) */
	on_reg = (dst->id != 0 && dst->id == v->b.reg_conn_id)
			 || tp_addr_eq(&to, &v->b.source);
	ua.s = v->ua;
	ua.len = (int)strlen(v->ua);
	tp_ua_family(ua.s, (size_t)ua.len, family, sizeof(family));
	/* tm is done with the transaction: no request to run the event with */
	tp_count(NULL, family, &ua,
			on_reg ? (ok ? TP_OBS_MT_REG_OK : TP_OBS_MT_REG_FAIL)
				   : (ok ? TP_OBS_MT_NEW_OK : TP_OBS_MT_NEW_FAIL),
			now);
}

/* the final reply goes upstream: every branch has answered, failed or
 * will be cancelled. Counted now, while the bindings are those the
 * INVITE was sent to (not when tm frees the transaction, seconds later). */
static void tp_mt_done(struct cell *t, int type, struct tmcb_params *ps)
{
	tp_mt_watch_t *w = (tp_mt_watch_t *)*ps->param;
	time_t now = time(NULL);
	tp_bind_view_t *v;
	int b;

	if(ps->code < 200 || tp_store == NULL
			|| __atomic_exchange_n(&w->counted, 1, __ATOMIC_SEQ_CST))
		return;
	if((v = pkg_malloc(sizeof(*v))) == NULL)
		return;
	for(b = 0; b < t->nr_of_outgoings && b < 64; b++)
		tp_mt_branch(t, b, w, v, now);
	pkg_free(v);
}

static void tp_mt_free(void *p)
{
	shm_free(p);
}

void tp_discover_mt(sip_msg_t *msg)
{
	static unsigned int seen, last_id;
	static int last_pid;
	tp_mt_watch_t *w;

	if(tp_store == NULL || tp_discover_mt_sample == 0
			|| msg->REQ_METHOD != METHOD_INVITE
			|| !(get_route_type() & REQUEST_ROUTE)
			|| (msg->id == last_id && msg->pid == last_pid))
		return; /* one watch per request, from its request route */
	last_id = msg->id;
	last_pid = msg->pid;
	if(seen++ % (unsigned int)tp_discover_mt_sample != 0)
		return;
	if((w = shm_malloc(sizeof(*w))) == NULL)
		return;
	w->answered = 0;
	w->counted = 0;
	/* this callback owns w (tm frees it with the transaction) */
	if(tp_tmb.register_tmcb(
			   msg, 0, TMCB_RESPONSE_OUT, tp_mt_done, w, tp_mt_free)
			<= 0) {
		shm_free(w);
		return;
	}
	if(tp_tmb.register_tmcb(msg, 0, TMCB_RESPONSE_IN, tp_mt_answer, w, 0) <= 0)
		LM_WARN("cannot follow the answers: only tm's own failures count\n");
}

void tp_discover_closed(int conn, int by_phone)
{
	char family[TP_FAMILY_MAX + 1];
	time_t now = time(NULL);
	int ev;

	if(tp_store == NULL)
		return;
	ev = tp_moconn_closed(tp_evidence, conn, by_phone, family, now);
	if(ev >= 0)
		tp_count(NULL, family, NULL, (tp_obs_event_t)ev, now);
}
