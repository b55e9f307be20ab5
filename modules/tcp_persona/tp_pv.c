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

#include "tp_pv.h"

enum
{
	TP_PV_NAME = 1,
	TP_PV_MODE
};

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

int tp_pv_parse_name(pv_spec_t *sp, str *in)
{
	int key = 0;

	if(in->len == 4 && strncmp(in->s, "name", 4) == 0)
		key = TP_PV_NAME;
	else if(in->len == 4 && strncmp(in->s, "mode", 4) == 0)
		key = TP_PV_MODE;
	if(key == 0) {
		LM_ERR("unknown key in $persona(%.*s) (use name or mode)\n", in->len,
				in->s);
		return -1;
	}
	sp->pvp.pvn.type = PV_NAME_INTSTR;
	sp->pvp.pvn.u.isname.type = 0;
	sp->pvp.pvn.u.isname.name.n = key;
	return 0;
}

int tp_pv_get(sip_msg_t *msg, pv_param_t *param, pv_value_t *res)
{
	str v;

	if(msg == NULL || !tp_pv_cur.set || msg->id != tp_pv_cur.msg_id
			|| msg->pid != tp_pv_cur.msg_pid)
		return pv_get_null(msg, param, res);
	if(param->pvn.u.isname.name.n == TP_PV_NAME)
		v.s = tp_pv_cur.name;
	else
		v.s = (char *)tp_mode_name(tp_pv_cur.mode);
	v.len = strlen(v.s);
	return pv_get_strval(msg, param, res, &v);
}
