/*
 * tcp_persona - the $persona(...) pseudo-variable
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "core/dprint.h"

#include "tp_event.h"
#include "tp_pv.h"

enum
{
	TP_PV_NAME = 1,
	TP_PV_MODE,
	TP_PV_UE, /* these five: inside the module's event routes only */
	TP_PV_AOR,
	TP_PV_UA,
	TP_PV_SOURCE,
	TP_PV_FAMILY
};

static const struct
{
	const char *name;
	int key;
} tp_pv_keys[] = {{"name", TP_PV_NAME}, {"mode", TP_PV_MODE}, {"ue", TP_PV_UE},
		{"aor", TP_PV_AOR}, {"ua", TP_PV_UA}, {"source", TP_PV_SOURCE}, {"family", TP_PV_FAMILY},
		{NULL, 0}};

/* one message at a time per process: no need for more than one slot */
static struct
{
	unsigned int msg_id;
	int msg_pid;
	int set;
	char name[TP_NAME_MAX + 1];
	tp_mode_t mode;
} tp_pv_cur;

void tp_pv_set(sip_msg_t *msg, const char *name, tp_mode_t mode)
{
	tp_pv_cur.msg_id = msg->id;
	tp_pv_cur.msg_pid = msg->pid;
	tp_pv_cur.set = 1;
	tp_pv_cur.mode = mode;
	strncpy(tp_pv_cur.name, name ? name : "", TP_NAME_MAX);
	tp_pv_cur.name[TP_NAME_MAX] = '\0';
}

void tp_pv_set_rule(
		sip_msg_t *msg, const char rule[TP_NAME_MAX + 1], tp_mode_t mode)
{
	tp_pv_cur.msg_id = msg->id;
	tp_pv_cur.msg_pid = msg->pid;
	tp_pv_cur.set = 1;
	tp_pv_cur.mode = mode;
	/* one fixed copy, no scan for the end */
	memcpy(tp_pv_cur.name, rule, TP_NAME_MAX + 1);
	tp_pv_cur.name[TP_NAME_MAX] = '\0';
}

int tp_pv_parse_name(pv_spec_t *sp, str *in)
{
	int i, key = 0;

	for(i = 0; tp_pv_keys[i].name; i++) {
		if(in->len == (int)strlen(tp_pv_keys[i].name)
				&& strncmp(in->s, tp_pv_keys[i].name, in->len) == 0)
			key = tp_pv_keys[i].key;
	}
	if(key == 0) {
		LM_ERR("unknown key in $persona(%.*s) (use name, mode, or in the"
			   " module's event routes ue, aor, ua, source, family)\n",
				in->len, in->s);
		return -1;
	}
	sp->pvp.pvn.type = PV_NAME_INTSTR;
	sp->pvp.pvn.u.isname.type = 0;
	sp->pvp.pvn.u.isname.name.n = key;
	return 0;
}

/* $persona(...) inside an event route: the event's data */
static int tp_pv_get_event(sip_msg_t *msg, pv_param_t *param, pv_value_t *res,
		const tp_event_data_t *d)
{
	str v;

	switch(param->pvn.u.isname.name.n) {
		case TP_PV_NAME:
			v.s = (char *)d->rule;
			break;
		case TP_PV_MODE:
			v.s = (char *)tp_mode_name(d->mode);
			break;
		case TP_PV_UE:
			v.s = (char *)d->ue;
			break;
		case TP_PV_AOR:
			v.s = (char *)d->aor;
			break;
		case TP_PV_UA:
			v.s = (char *)d->ua;
			break;
		case TP_PV_FAMILY:
			v.s = (char *)d->family;
			break;
		default:
			v.s = (char *)d->source;
			break;
	}
	v.len = strlen(v.s);
	return pv_get_strval(msg, param, res, &v);
}

int tp_pv_get(sip_msg_t *msg, pv_param_t *param, pv_value_t *res)
{
	const tp_event_data_t *ev = tp_event_current();
	int key = param->pvn.u.isname.name.n;
	str v;

	if(ev != NULL)
		return tp_pv_get_event(msg, param, res, ev);
	if(msg == NULL || key > TP_PV_MODE || !tp_pv_cur.set
			|| msg->id != tp_pv_cur.msg_id || msg->pid != tp_pv_cur.msg_pid)
		return pv_get_null(msg, param, res);
	if(key == TP_PV_NAME)
		v.s = tp_pv_cur.name;
	else
		v.s = (char *)tp_mode_name(tp_pv_cur.mode);
	v.len = strlen(v.s);
	return pv_get_strval(msg, param, res, &v);
}
