/*
 * tcp_persona - the binding table: walks over every UE
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>
#include <time.h>

#include "tp_bind_int.h"

/* Walks that pause (give up the lock, or return a page) go by home slot,
 * the slot a UE's lookup starts from, and within a home by contact: a
 * removal moves UEs back, never their homes, so a UE bound all along is
 * met exactly once. The UEs of one home sit from it to the first empty
 * slot after it. Walks that hold the lock give it up every TP_WALK_HOLD
 * slots read, so that REGISTERs and requests read under it never wait
 * long. */
#define TP_WALK_HOLD 1024

/* an order of addresses that does not change while they are bound */
static int tp_addr_cmp(const tp_addr_t *a, const tp_addr_t *b)
{
	int d = memcmp(a->ip, b->ip, sizeof(a->ip));

	if(d == 0)
		d = (int)a->af - (int)b->af;
	return d != 0 ? d : (int)a->port - (int)b->port;
}

/* the live UE of home h with the lowest contact above *after (NULL: the
 * lowest), under the lock; \return 1 and *best, or 0; *read: slots read */
static int tp_home_next(tp_bind_table_t *t, uint32_t h, time_t now,
		const tp_addr_t *after, tp_bind_slot_t *best, unsigned int *read)
{
	tp_bind_slot_t c;
	uint32_t p = h, n;
	int found = 0;

	for(n = 0; n < t->slots; n++, p = p + 1 == t->slots ? 0 : p + 1) {
		tp_store_read(t, p, &c);
		(*read)++;
		if(c.u.contact.af == 0)
			break;
		if(c.u.expires <= (uint32_t)now
				|| (after && tp_addr_cmp(&c.u.contact, after) <= 0)
				|| (found && tp_addr_cmp(&c.u.contact, &best->u.contact) >= 0)
				|| tp_store_home(t, &c.u.contact) != h)
			continue;
		*best = c;
		found = 1;
	}
	return found;
}

unsigned int tp_bind_next(tp_bind_table_t *t, time_t now, tp_bind_cursor_t *cur,
		tp_bind_view_t *out, unsigned int n)
{
	unsigned int got = 0, read = 0;
	tp_bind_slot_t c;

	/* cur->slot: the home walked; cur->pos 1: cur->last is the contact
	 * of it given last */
	tp_lock(&t->lock);
	while(cur->slot < t->slots && got < n) {
		if(read >= TP_WALK_HOLD) {
			tp_unlock(&t->lock);
			tp_lock(&t->lock);
			read = 0;
		}
		if(!tp_home_next(t, cur->slot, now, cur->pos ? &cur->last : NULL, &c,
				   &read)) {
			cur->slot++;
			cur->pos = 0;
			continue;
		}
		if(out)
			tp_bind_view_fill(t, &c, &out[got]);
		got++;
		cur->last = c.u.contact;
		cur->pos = 1;
	}
	tp_unlock(&t->lock);
	return got;
}

/* one UE copied out to be matched without the lock */
typedef struct tp_reclass_item
{
	tp_addr_t contact;
	tp_istr_t *names; /* its domain and User-Agent: a reference of its own */
	tp_mode_t mode;
	int observe;
	char rule[TP_NAME_MAX + 1];
} tp_reclass_item_t;

#define TP_RECLASS_BATCH 16

/* up to TP_RECLASS_BATCH live UEs from slot *from on that this pass has
 * not done yet; *from moves past the slots read */
static int tp_reclass_copy(tp_bind_table_t *t, uint32_t *from, time_t now,
		uint8_t pass, tp_reclass_item_t *items)
{
	tp_bind_slot_t c;
	unsigned int seen = 0;
	int n = 0;

	tp_lock(&t->lock);
	for(; *from < t->slots && n < TP_RECLASS_BATCH && seen < TP_WALK_HOLD;
			(*from)++, seen++) {
		tp_store_read(t, *from, &c);
		if(c.u.contact.af == 0 || c.u.expires <= (uint32_t)now
				|| !!(c.u.flags & TP_F_PASS) == pass)
			continue;
		items[n].contact = c.u.contact;
		items[n].names = c.u.cold->names;
		tp_intern_ref(c.u.cold->names);
		n++;
	}
	tp_unlock(&t->lock);
	return n;
}

/* the new modes, to the UEs still of the same User-Agent, stamped with
 * the pass; one registered anew meanwhile is taken by a later walk */
static unsigned int tp_reclass_write(tp_bind_table_t *t, uint8_t pass,
		tp_reclass_item_t *items, int n, unsigned int *changed)
{
	unsigned int done = 0;
	tp_bind_slot_t c;
	int i, k, rule_no;

	tp_lock(&t->lock);
	for(k = 0; k < n; k++) {
		i = tp_store_probe(t, &items[k].contact, &c, NULL);
		if(i < 0 || c.u.cold->names != items[k].names
				|| !!(c.u.flags & TP_F_PASS) == pass
				|| (rule_no = tp_store_name_no(t, items[k].rule)) < 0)
			continue;
		if(tp_slot_mode(&c) != items[k].mode
				|| !(c.u.flags & TP_F_OBSERVE) != !items[k].observe)
			(*changed)++;
		c.u.rule_no = (uint16_t)rule_no;
		c.u.flags = (uint8_t)((c.u.flags & ~(TP_F_PASS | TP_F_OBSERVE))
							  | (pass ? TP_F_PASS : 0)
							  | (items[k].observe ? TP_F_OBSERVE : 0));
		tp_slot_set_mode(&c, items[k].mode);
		tp_store_rewrite(t, (uint32_t)i, &c);
		done++;
	}
	tp_unlock(&t->lock);
	return done;
}

/* walks over the table: the first does every UE, later ones those moved
 * past the first or registered with the other pass meanwhile */
#define TP_RECLASS_WALKS 4

unsigned int tp_bind_reclassify(tp_bind_table_t *t, time_t now,
		tp_bind_classify_f f, void *arg, unsigned int *changed)
{
	tp_reclass_item_t items[TP_RECLASS_BATCH];
	unsigned int n = 0, walk, seen;
	const char *ua;
	size_t ua_len;
	uint32_t from;
	uint8_t pass;
	int got, k;

	*changed = 0;
	/* one reclassification at a time (the RPC holds the reload lock) */
	pass = t->pass = (uint8_t)!t->pass;
	for(walk = 0; walk < TP_RECLASS_WALKS; walk++) {
		/* matching may take long: never under the lock */
		for(from = 0, seen = 0; from < t->slots;) {
			got = tp_reclass_copy(t, &from, now, pass, items);
			for(k = 0; k < got; k++) {
				items[k].rule[0] = '\0';
				items[k].observe = 0;
				ua = tp_names_ua(items[k].names, &ua_len);
				f(ua, ua_len, &items[k].mode,
						&items[k].observe, items[k].rule,
						sizeof(items[k].rule), arg);
			}
			n += tp_reclass_write(t, pass, items, got, changed);
			for(k = 0; k < got; k++)
				tp_intern_put(t->strs, items[k].names);
			seen += (unsigned int)got;
		}
		if(seen == 0)
			break;
	}
	return n;
}

void tp_bind_each_reuse(
		tp_bind_table_t *t, time_t now, tp_bind_reuse_f f, void *arg)
{
	tp_bind_each_reuse_part(t, now, 0, 1, f, arg);
}

/* reads a slot without the lock: a slot a writer holds is read again, and
 * left for the next walk if it stays busy */
static int tp_peek(tp_bind_table_t *t, uint32_t i, tp_bind_slot_t *c)
{
	int k;

	for(k = 0; k < 8; k++)
		if(tp_store_read(t, i, c))
			return 1;
	return 0;
}

/* the reuse UE in c, if live and kept */
static int tp_reuse_kept(const tp_bind_slot_t *c, time_t now)
{
	/* an observed reuse UE is handled as none: its connection is not
	 * kept */
	return tp_slot_mode(c) == TP_MODE_REUSE && c->u.reg_conn_id != 0
		   && !(c->u.flags & TP_F_OBSERVE) && c->u.expires > (uint32_t)now;
}

void tp_bind_each_reuse_part(tp_bind_table_t *t, time_t now,
		unsigned int part, unsigned int parts, tp_bind_reuse_f f, void *arg)
{
	uint64_t slots = t->slots;
	uint32_t start, end, i, n, home;
	int past_end = 0;
	tp_bind_slot_t c;

	if(parts == 0 || part >= parts)
		return;
	start = (uint32_t)(slots * part / parts);
	end = (uint32_t)(slots * (part + 1) / parts);
	/* a part is the UEs whose home slot is in [start, end): a UE that
	 * moves back stays in its part. They sit from start on, up to the
	 * first empty slot from end on (round the table's end for the last
	 * part). No lock at all: f (which may take the core's) runs between
	 * reads */
	for(i = start, n = 0; n < t->slots; n++) {
		if(i == end || (i == 0 && n > 0))
			past_end = 1;
		if(!tp_store_full(t, i)) {
			if(past_end)
				break;
		} else if(tp_peek(t, i, &c)) {
			if(c.u.contact.af == 0) {
				if(past_end)
					break;
			} else if((home = tp_store_home(t, &c.u.contact)) >= start
					  && home < end && tp_reuse_kept(&c, now)) {
				f(c.u.reg_conn_id, c.u.expires - (uint32_t)now, arg);
			}
		}
		i = i + 1 == t->slots ? 0 : i + 1;
	}
}

int tp_bind_sweep(tp_bind_table_t *t, time_t now)
{
	return tp_bind_sweep_timed(t, now, NULL);
}

#define TP_SWEEP_BATCH 32

static uint64_t tp_ns_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (uint64_t)(t1.tv_sec - t0->tv_sec) * 1000000000u
		   + (uint64_t)t1.tv_nsec - (uint64_t)t0->tv_nsec;
}

/* from slot *i on, under the lock, removes up to TP_SWEEP_BATCH expired
 * UEs, their out-of-line parts into dead; \return how many */
static int tp_sweep_some(tp_bind_table_t *t, uint32_t *i, time_t now,
		tp_bind_cold_t **dead, uint64_t *max_hold_ns)
{
	struct timespec t0;
	tp_bind_slot_t c;
	unsigned int seen;
	uint64_t held;
	int n = 0;

	tp_lock(&t->lock);
	if(max_hold_ns)
		clock_gettime(CLOCK_MONOTONIC, &t0);
	for(seen = 0; *i < t->slots && n < TP_SWEEP_BATCH && seen < TP_WALK_HOLD;
			seen++) {
		if(!tp_store_full(t, *i)) {
			(*i)++;
			continue;
		}
		tp_store_read(t, *i, &c);
		if(c.u.contact.af && c.u.expires <= (uint32_t)now) {
			dead[n++] = c.u.cold;
			tp_store_remove(t, *i); /* a later UE may move in: read again */
		} else {
			(*i)++;
		}
	}
	if(max_hold_ns && (held = tp_ns_since(&t0)) > *max_hold_ns)
		*max_hold_ns = held;
	tp_unlock(&t->lock);
	return n;
}

int tp_bind_sweep_timed(tp_bind_table_t *t, time_t now, uint64_t *max_hold_ns)
{
	tp_bind_cold_t *dead[TP_SWEEP_BATCH];
	uint32_t i = 0;
	int n = 0, got, k;

	while(i < t->slots) {
		got = tp_sweep_some(t, &i, now, dead, max_hold_ns);
		for(k = 0; k < got; k++)
			tp_bind_cold_free(t, dead[k]);
		n += got;
	}
	return n;
}
