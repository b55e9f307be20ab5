/*
 * tcp_persona - what one branch of a request does with connections
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "core/dprint.h"

#include "tp_conn.h"
#include "tp_fresh.h"
#include "tp_leg.h"
#include "tp_sipaddr.h"

/* FNV-1a: URIs are short, and this runs once per branch */
static uint64_t tp_hop_hash(const str *s)
{
	uint64_t h = 14695981039346656037ULL;
	int i;

	for(i = 0; i < s->len; i++)
		h = (h ^ (unsigned char)s->s[i]) * 1099511628211ULL;
	return h;
}

void tp_leg_of(tp_leg_t *l, int dialog_creating, const str *hop_uri,
		const tp_addr_t *hop, const tp_binding_t *b, int pin_alive)
{
	memset(l, 0, sizeof(*l));
	if(b == NULL || b->mode == TP_MODE_NONE)
		return; /* stock: no hop check (tp_hooks.c), so no hash */
	l->hop_len = hop_uri->len;
	l->hop_hash = tp_hop_hash(hop_uri);
	l->hop = *hop;
	l->mode = b->mode;
	l->ue = b->contact;
	l->reg_conn_id = b->reg_conn_id;
	if(b->mode == TP_MODE_REUSE) {
		/* its connection is another host's: the branch goes as stock,
		 * to the address it is routed to */
		l->kind = pin_alive < 0 ? TP_LEG_STOCK : TP_LEG_PIN;
		l->pin_id = b->reg_conn_id;
	} else if(b->mode == TP_MODE_DIALOG && dialog_creating) {
		l->kind = TP_LEG_NEW_DIALOG;
	} else {
		/* a lone request to a dialog UE is a dialog of its own */
		l->kind = TP_LEG_NEW_TX;
	}
}

void tp_leg_from_arm(tp_leg_t *l, const tp_arm_t *a)
{
	memset(l, 0, sizeof(*l));
	l->kind = a->kind == TP_ARM_NEW_DIALOG ? TP_LEG_NEW_DIALOG : TP_LEG_NEW_TX;
	l->mode = a->mode;
	l->ue = a->ue;
	l->hop = a->hop;
	l->reg_conn_id = a->reg_conn_id;
	l->reopen = a->reopen;
}

int tp_leg_hop_is(const tp_leg_t *l, str *hop_uri)
{
	return hop_uri->len == l->hop_len && tp_hop_hash(hop_uri) == l->hop_hash;
}

void tp_leg_send_flags(const tp_leg_t *l, snd_flags_t *f)
{
	if(l->kind == TP_LEG_PIN) {
		/* on its registration connection or nowhere: never connect */
		f->f |= SND_F_FORCE_CON_REUSE;
	} else if(l->kind != TP_LEG_STOCK) {
		/* the new connection carries this process's tag: the claim
		 * finds it by that */
		f->f &= ~SND_F_FORCE_CON_REUSE;
		f->blst_imask = (f->blst_imask & ~TP_CONN_TAG_MASK) | tp_conn_tag();
	}
}

int tp_leg_send_id(const tp_leg_t *l)
{
	if(l->kind == TP_LEG_PIN)
		return l->pin_id;
	/* a new connection, whatever connections to the UE exist or are
	 * being opened by other workers (tp_fresh.h) */
	if(l->kind != TP_LEG_STOCK)
		return tp_fresh_id();
	return 0;
}

int tp_leg_claim(tp_leg_t *l, struct dest_info *dst, const str *cid)
{
	struct ip_addr ip;
	unsigned short tag = tp_conn_tag();
	int id;

	if((dst->send_flags.blst_imask & TP_CONN_TAG_MASK) != tag)
		return 0; /* not sent with tp_leg_send_flags() */
	dst->send_flags.blst_imask &= ~TP_CONN_TAG_MASK;
	if(tp_fresh_is(dst->id))
		dst->id = 0; /* tm's CANCEL or ACK must not open one again */
	tp_ip_from_addr(&ip, &l->hop);
	id = tp_conn_claim_tagged(&ip, l->hop.port, tag);
	if(id == 0)
		LM_WARN("call [%.*s]: the send opened no connection of its own (it"
				" rode on one that existed)\n",
				cid->len, cid->s);
	return id;
}
