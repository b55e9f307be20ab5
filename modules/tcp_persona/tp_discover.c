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

#include "tp_conn.h"
#include "tp_discover.h"
#include "tp_hooks.h"
#include "tp_sipaddr.h"
#include "tp_event.h"
#include "tp_family.h"
#include "tp_moconn.h"
#include "tp_stats.h"

int tp_discover_families = 1024;

/* dialogs and connections remembered until they show what they are:
 * 16384 slots each (about 2.8 MB); with N dialogs of fresh connections
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
	if(ua && tp_event_allowed(now)) {
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
	now = time(NULL);
	ev = tp_moconn_indialog(tp_evidence, &r, &src, family, now);
	if(ev >= 0)
		tp_count(msg, family, NULL, (tp_obs_event_t)ev, now);
}
