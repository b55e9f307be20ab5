/*
 * tcp_persona - event routes and the KEMI event callback
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/action.h"
#include "core/dprint.h"
#include "core/fmsg.h"
#include "core/kemi.h"
#include "core/route.h"
#include "core/script_cb.h"
#include "modules/tm/tm_load.h"

#include "tp_event.h"
#include "tp_load.h"
#include "tp_once.h"

str tp_event_callback = STR_NULL;
int tp_unmatched_interval = 3600;

static str tp_event_names[TP_EV_COUNT] = {
		str_init("tcp_persona:reuse-unavailable"),
		str_init("tcp_persona:unmatched"),
		str_init("tcp_persona:new-family")};
static int tp_event_rt[TP_EV_COUNT] = {-1, -1, -1};
static tp_once_t *tp_unmatched_once;
static struct tm_binds tp_ev_tmb;

/* per process: events of the message in the script, fired after it */
static struct
{
	unsigned int msg_id;
	int msg_pid;
	int queued[TP_EV_COUNT];
	tp_event_data_t data[TP_EV_COUNT];
} tp_pending;

static const tp_event_data_t *tp_event_now;

const tp_event_data_t *tp_event_current(void)
{
	return tp_event_now;
}

int tp_event_wanted(tp_event_kind_t k)
{
	if(tp_event_callback.s != NULL && tp_event_callback.len > 0)
		return 1;
	return tp_event_rt[k] >= 0 && event_rt.rlist[tp_event_rt[k]] != NULL;
}

static void tp_event_run(tp_event_kind_t k, const tp_event_data_t *d)
{
	sr_kemi_eng_t *keng = NULL;
	run_act_ctx_t ctx;
	sip_msg_t *fmsg;
	struct cell *t;
	int backup_rt, branch;

	if(tp_event_callback.s != NULL && tp_event_callback.len > 0) {
		if((keng = sr_kemi_eng_get()) == NULL) {
			LM_ERR("event_callback '%.*s' set, but no KEMI engine\n",
					tp_event_callback.len, tp_event_callback.s);
			return;
		}
	}
	if(faked_msg_init() < 0 || (fmsg = faked_msg_next_clear()) == NULL) {
		LM_ERR("no faked message to run %.*s\n", tp_event_names[k].len,
				tp_event_names[k].s);
		return;
	}
	tp_event_now = d;
	backup_rt = get_route_type();
	set_route_type(EVENT_ROUTE);
	/* the request's transaction is still tm's current one: the event
	 * route must not see it (t_newtran() there would take it over) */
	t = tp_ev_tmb.t_gett();
	branch = tp_ev_tmb.t_gett_branch();
	tp_ev_tmb.t_sett(T_UNDEFINED, T_BR_UNDEFINED);
	if(keng) {
		if(sr_kemi_route(keng, fmsg, EVENT_ROUTE, &tp_event_callback,
				   &tp_event_names[k])
				< 0)
			LM_ERR("the event callback failed for %.*s\n",
					tp_event_names[k].len, tp_event_names[k].s);
	} else {
		init_run_actions_ctx(&ctx);
		run_top_route(event_rt.rlist[tp_event_rt[k]], fmsg, &ctx);
	}
	tp_ev_tmb.t_sett(t, branch);
	set_route_type(backup_rt);
	tp_event_now = NULL;
}

/* fires what the script of msg queued */
static int tp_event_post_script(sip_msg_t *msg, unsigned int flags, void *param)
{
	int queued[TP_EV_COUNT];
	tp_event_data_t d[TP_EV_COUNT];
	int k;

	if(msg->id != tp_pending.msg_id || msg->pid != tp_pending.msg_pid)
		return 1;
	/* taken out first: an event route may queue events of its own */
	memcpy(queued, tp_pending.queued, sizeof(queued));
	memcpy(d, tp_pending.data, sizeof(d));
	memset(tp_pending.queued, 0, sizeof(tp_pending.queued));
	for(k = 0; k < TP_EV_COUNT; k++) {
		if(queued[k])
			tp_event_run((tp_event_kind_t)k, &d[k]);
	}
	return 1;
}

static tp_event_data_t *tp_event_slot(sip_msg_t *msg, tp_event_kind_t k)
{
	if(msg->id != tp_pending.msg_id || msg->pid != tp_pending.msg_pid) {
		memset(&tp_pending, 0, sizeof(tp_pending));
		tp_pending.msg_id = msg->id;
		tp_pending.msg_pid = msg->pid;
	}
	tp_pending.queued[k] = 1;
	memset(&tp_pending.data[k], 0, sizeof(tp_pending.data[k]));
	return &tp_pending.data[k];
}

/* a User-Agent as a script may print it: control bytes become '.' */
static void tp_copy_printable(char *dst, size_t size, const char *s, size_t n)
{
	size_t i;

	if(n > size - 1)
		n = size - 1;
	for(i = 0; i < n; i++)
		dst[i] = isprint((unsigned char)s[i]) ? s[i] : '.';
	dst[n] = '\0';
}

void tp_event_reuse_unavailable(sip_msg_t *msg, const tp_binding_t *b,
		const char *aor, const char *ua)
{
	tp_event_data_t *d;

	if(!tp_event_wanted(TP_EV_REUSE_UNAVAILABLE))
		return;
	d = tp_event_slot(msg, TP_EV_REUSE_UNAVAILABLE);
	tp_addr_str(&b->contact, d->ue, sizeof(d->ue));
	tp_addr_str(&b->source, d->source, sizeof(d->source));
	snprintf(d->aor, sizeof(d->aor), "%s", aor);
	tp_copy_printable(d->ua, sizeof(d->ua), ua, strlen(ua));
	strcpy(d->rule, b->rule);
	d->mode = b->mode;
}

void tp_event_unmatched(sip_msg_t *msg, const tp_binding_t *b,
		const tp_addr_t *ue, const str *ua)
{
	tp_event_data_t *d;

	if(!tp_event_wanted(TP_EV_UNMATCHED)
			|| !tp_once_fire(tp_unmatched_once, ua->s, (size_t)ua->len,
					time(NULL), (unsigned int)tp_unmatched_interval))
		return;
	d = tp_event_slot(msg, TP_EV_UNMATCHED);
	tp_addr_str(ue, d->ue, sizeof(d->ue));
	tp_addr_str(&b->source, d->source, sizeof(d->source));
	strcpy(d->aor, b->aor);
	tp_copy_printable(d->ua, sizeof(d->ua), ua->s, (size_t)ua->len);
	strcpy(d->rule, b->rule);
	d->mode = b->mode;
}

void tp_event_new_family(sip_msg_t *msg, const char *family, const str *ua,
		const tp_addr_t *src)
{
	tp_ruleset_t *rs = tp_active_rules();
	tp_event_data_t *d;
	tp_class_t c;

	if(!tp_event_wanted(TP_EV_NEW_FAMILY))
		return;
	d = tp_event_slot(msg, TP_EV_NEW_FAMILY);
	tp_addr_str(src, d->ue, sizeof(d->ue));
	tp_addr_str(src, d->source, sizeof(d->source));
	tp_copy_printable(d->ua, sizeof(d->ua), ua->s, (size_t)ua->len);
	tp_copy_printable(d->family, sizeof(d->family), family, strlen(family));
	/* the rule it would get today: a dry run, no cache, no hit */
	if(rs) {
		tp_ruleset_match(rs, ua->s, (size_t)ua->len, &c);
		snprintf(d->rule, sizeof(d->rule), "%s",
				c.rule >= 0 ? rs->rules[c.rule].name : "");
		d->mode = c.observe ? TP_MODE_NONE : c.mode; /* the mode applied */
	}
}

/* Kamailio 5.6's cfg lexer takes [a-zA-Z][0-9a-zA-Z-]* before the ':' of
 * an event route name: of "tcp_persona:unmatched" it prints "tcp_" on
 * stdout and keeps "persona:unmatched". That is where the block is then. */
static int tp_event_route_find(const char *name)
{
	const char *lexed = name + sizeof("tcp_") - 1;
	int rt = route_lookup(&event_rt, (char *)name);

	if(rt >= 0)
		return rt;
	if((rt = route_lookup(&event_rt, (char *)lexed)) >= 0)
		LM_INFO("event_route[%s] is known to the cfg parser as '%s'\n", name,
				lexed);
	return rt;
}

int tp_event_init(void)
{
	int k;

	for(k = 0; k < TP_EV_COUNT; k++)
		tp_event_rt[k] = tp_event_route_find(tp_event_names[k].s);
	if(tp_event_callback.s != NULL && tp_event_callback.len > 0
			&& sr_kemi_eng_get() == NULL) {
		LM_ERR("event_callback '%.*s' needs a KEMI cfgengine\n",
				tp_event_callback.len, tp_event_callback.s);
		return -1;
	}
	if(load_tm_api(&tp_ev_tmb) < 0) {
		LM_ERR("cannot bind the tm API\n");
		return -1;
	}
	if((tp_unmatched_once =
					   tp_once_create((uint32_t)rand() ^ (uint32_t)time(NULL)))
			== NULL) {
		LM_ERR("no shared memory for the unmatched event table\n");
		return -1;
	}
	/* failure_route too: persona_enforce() refuses new branches there */
	if(register_script_cb(
			   tp_event_post_script, POST_SCRIPT_CB | REQUEST_CB | FAILURE_CB, 0)
			< 0) {
		LM_ERR("cannot register the post-script callback\n");
		return -1;
	}
	return 0;
}
