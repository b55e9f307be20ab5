/*
 * tcp_persona - how an armed request's branches reach tm's sends
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "core/pt.h"

#include "tp_send.h"

/* per process: the request whose forwarding fields the module changed,
 * and the script's values to give back */
static struct
{
	unsigned int msg_id;
	int msg_pid;
	int active;
	snd_flags_t flags;
	int otcpid;
	int use_otcpid;
} tp_saved;

static int tp_saved_is(const sip_msg_t *msg)
{
	return tp_saved.active && msg->id == tp_saved.msg_id
		   && msg->pid == tp_saved.msg_pid;
}

static void tp_send_flags_for(sip_msg_t *msg, const tp_leg_t *l)
{
	msg->fwd_send_flags = tp_saved.flags;
	if(l != NULL)
		tp_leg_send_flags(l, &msg->fwd_send_flags);
}

void tp_send_begin(
		sip_msg_t *msg, const tp_leg_t *first, const snd_flags_t *base)
{
	if(!tp_saved_is(msg)) {
		tp_saved.msg_id = msg->id;
		tp_saved.msg_pid = msg->pid;
		tp_saved.flags = base ? *base : msg->fwd_send_flags;
		tp_saved.otcpid = msg->otcpid;
		tp_saved.use_otcpid = (msg->msg_flags & FL_USE_OTCPID) != 0;
		tp_saved.active = 1;
	}
	tp_send_flags_for(msg, first);
}

void tp_send_built(sip_msg_t *msg, const tp_leg_t *built, const tp_leg_t *next)
{
	int id = built ? tp_leg_send_id(built) : 0;

	if(!tp_saved_is(msg))
		return; /* not armed in this process: nothing of ours to apply */
	if(id != 0) {
		msg->otcpid = id;
		msg->msg_flags |= FL_USE_OTCPID;
	} else {
		msg->otcpid = tp_saved.otcpid;
		if(tp_saved.use_otcpid)
			msg->msg_flags |= FL_USE_OTCPID;
		else
			msg->msg_flags &= ~FL_USE_OTCPID;
	}
	tp_send_flags_for(msg, next);
}

void tp_send_end(sip_msg_t *msg)
{
	if(msg == NULL || !tp_saved_is(msg))
		return;
	tp_saved.active = 0;
	msg->fwd_send_flags = tp_saved.flags;
	msg->otcpid = tp_saved.otcpid;
	if(tp_saved.use_otcpid)
		msg->msg_flags |= FL_USE_OTCPID;
	else
		msg->msg_flags &= ~FL_USE_OTCPID;
}
