/*
 * tcp_persona - the binding table: which persona a registered UE has
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "tp_sys.h"
#include "tp_bind.h"
#include "tp_intern.h"

/* A UE is one primary entry, in the slot of its contact IP. When the
 * REGISTER came from another IP (NAT), a secondary entry (contact and
 * source only) sits in the slot of that IP and leads to the primary.
 * Entries are small: strings many UEs share (User-Agent, rule name, the
 * AoR's domain) are interned; the rest of the AoR and a source IP that is
 * not the contact's ride in the entry's tail. */
#define TP_F_PRIMARY 1
#define TP_F_SRC_IP 2 /* the source IP is in the tail */
#define TP_F_PASS 4	  /* re-classified in the pass of this parity */

typedef struct tp_bind_entry
{
	struct tp_bind_entry *next;
	tp_addr_t contact;
	uint8_t flags;
	uint8_t mode;
	uint16_t src_port;
	uint32_t expires; /* seconds */
	int32_t reg_conn_id;
	tp_istr_t *ua;		 /* primary only, like the next two */
	tp_istr_t *rule;	 /* NULL: no rule matched */
	tp_istr_t *domain;	 /* the AoR from its last '@' on, or NULL */
	uint8_t src_af;
	uint8_t aor_len; /* bytes of the AoR before the domain */
	char tail[];	 /* [16 bytes of source IP] [AoR head] */
} tp_bind_entry_t;

#define TP_BIND_LOCKS 4096 /* lock stripes, shared by the slots */

struct tp_bind_table
{
	unsigned int mask;
	uint8_t pass; /* parity of the last re-classification */
	unsigned int count;
	tp_intern_t *strs;
	tp_lock_t *locks;
	tp_bind_entry_t **heads;
};

static tp_lock_t *tp_slot_lock(tp_bind_table_t *t, unsigned int i)
{
	return &t->locks[i & (TP_BIND_LOCKS - 1)];
}

static unsigned int tp_slot_of(tp_bind_table_t *t, const tp_addr_t *a)
{
	return tp_addr_ip_hash(a) & t->mask;
}

tp_bind_table_t *tp_bind_create(unsigned int size_log2)
{
	unsigned int i, n = 1u << size_log2;
	tp_bind_table_t *t;

	t = tp_shm_zalloc(sizeof(*t) + n * sizeof(tp_bind_entry_t *)
					  + TP_BIND_LOCKS * sizeof(tp_lock_t));
	if(t == NULL)
		return NULL;
	if((t->strs = tp_intern_create(10)) == NULL) {
		tp_shm_free(t);
		return NULL;
	}
	t->mask = n - 1;
	t->heads = (tp_bind_entry_t **)(t + 1);
	t->locks = (tp_lock_t *)(t->heads + n);
	for(i = 0; i < TP_BIND_LOCKS; i++)
		tp_lock_init(&t->locks[i]);
	return t;
}

static void tp_entry_free(tp_bind_table_t *t, tp_bind_entry_t *e)
{
	tp_intern_put(t->strs, e->ua);
	tp_intern_put(t->strs, e->rule);
	tp_intern_put(t->strs, e->domain);
	tp_shm_free(e);
}

void tp_bind_destroy(tp_bind_table_t *t)
{
	tp_bind_entry_t *e, *n;
	unsigned int i;

	if(t == NULL)
		return;
	for(i = 0; i <= t->mask; i++) {
		for(e = t->heads[i]; e; e = n) {
			n = e->next;
			tp_entry_free(t, e);
		}
	}
	for(i = 0; i < TP_BIND_LOCKS; i++)
		tp_lock_destroy(&t->locks[i]);
	tp_intern_destroy(t->strs);
	tp_shm_free(t);
}

/* the IP bytes of an address */
static size_t tp_ip_len(const tp_addr_t *a)
{
	return a->af == 4 ? 4 : 16;
}

static void tp_entry_source(const tp_bind_entry_t *e, tp_addr_t *src)
{
	if(e->flags & TP_F_SRC_IP) {
		memset(src, 0, sizeof(*src));
		src->af = e->src_af;
		memcpy(src->ip, e->tail, 16);
	} else {
		*src = e->contact;
	}
	src->port = e->src_port;
}

static int tp_entry_source_is(const tp_bind_entry_t *e, const tp_addr_t *a)
{
	if(e->src_port != a->port)
		return 0;
	if(!(e->flags & TP_F_SRC_IP))
		return tp_addr_ip_eq(&e->contact, a);
	return e->src_af == a->af && memcmp(e->tail, a->ip, tp_ip_len(a)) == 0;
}

static int tp_entry_source_ip_is(const tp_bind_entry_t *e, const tp_addr_t *a)
{
	if(!(e->flags & TP_F_SRC_IP))
		return tp_addr_ip_eq(&e->contact, a);
	return e->src_af == a->af && memcmp(e->tail, a->ip, tp_ip_len(a)) == 0;
}

/* a new entry for b: primary with its strings, or a secondary */
static tp_bind_entry_t *tp_entry_new(tp_bind_table_t *t, const tp_binding_t *b,
		int primary, const char *ua, size_t ua_len)
{
	const char *at = primary ? strrchr(b->aor, '@') : NULL;
	size_t head = primary ? (at ? (size_t)(at - b->aor) : strlen(b->aor)) : 0;
	int src_ip = !tp_addr_ip_eq(&b->source, &b->contact) && b->source.af;
	size_t tail = (src_ip ? 16 : 0) + head;
	tp_bind_entry_t *e;

	if(head > 255)
		head = 255, tail = (src_ip ? 16 : 0) + head;
	e = tp_shm_zalloc(offsetof(tp_bind_entry_t, tail) + tail);
	if(e == NULL)
		return NULL;
	e->contact = b->contact;
	e->flags = (uint8_t)((primary ? TP_F_PRIMARY : 0)
						 | (src_ip ? TP_F_SRC_IP : 0));
	e->mode = (uint8_t)b->mode;
	e->src_port = b->source.port;
	e->src_af = b->source.af;
	e->expires = (uint32_t)b->expires;
	e->reg_conn_id = b->reg_conn_id;
	if(src_ip)
		memcpy(e->tail, b->source.ip, 16);
	if(!primary)
		return e;
	e->aor_len = (uint8_t)head;
	memcpy(e->tail + (src_ip ? 16 : 0), b->aor, head);
	e->ua = tp_intern_get(t->strs, ua ? ua : "", ua ? ua_len : 0);
	e->rule = b->rule[0] ? tp_intern_get(t->strs, b->rule, strlen(b->rule))
						 : NULL;
	e->domain = at ? tp_intern_get(t->strs, at, strlen(at)) : NULL;
	if(e->ua == NULL || (b->rule[0] && e->rule == NULL)
			|| (at && e->domain == NULL)) {
		tp_entry_free(t, e);
		return NULL;
	}
	return e;
}

/* the binding an entry holds (a primary) */
static void tp_entry_fill(const tp_bind_entry_t *e, tp_binding_t *b)
{
	size_t head = e->aor_len, dom = e->domain ? e->domain->len : 0;

	b->contact = e->contact;
	tp_entry_source(e, &b->source);
	b->mode = (tp_mode_t)e->mode;
	b->reg_conn_id = e->reg_conn_id;
	b->expires = (time_t)e->expires;
	if(e->rule)
		memcpy(b->rule, e->rule->s, e->rule->len + 1);
	else
		b->rule[0] = '\0';
	memcpy(b->aor, e->tail + ((e->flags & TP_F_SRC_IP) ? 16 : 0), head);
	if(head + dom > TP_AOR_MAX)
		dom = TP_AOR_MAX - head;
	if(dom)
		memcpy(b->aor + head, e->domain->s, dom);
	b->aor[head + dom] = '\0';
}

static void tp_view_fill(tp_bind_view_t *v, const tp_bind_entry_t *e)
{
	size_t n = e->ua->len < TP_BIND_UA_SHOW ? e->ua->len : TP_BIND_UA_SHOW;

	tp_entry_fill(e, &v->b);
	memcpy(v->ua, e->ua->s, n);
	v->ua[n] = '\0';
	v->ua_len = e->ua->len;
}

/* unlinks and returns the entry of contact of the given kind, if any */
static tp_bind_entry_t *tp_unlink(tp_bind_table_t *t, unsigned int i,
		const tp_addr_t *contact, int primary)
{
	tp_bind_entry_t **pp, *e;

	for(pp = &t->heads[i]; (e = *pp) != NULL; pp = &e->next) {
		if((e->flags & TP_F_PRIMARY) == (primary ? TP_F_PRIMARY : 0)
				&& tp_addr_eq(&e->contact, contact)) {
			*pp = e->next;
			return e;
		}
	}
	return NULL;
}

/* drops the NAT entry of a UE (contact) whose REGISTER came from source */
static void tp_drop_secondary(
		tp_bind_table_t *t, const tp_addr_t *contact, const tp_addr_t *source)
{
	unsigned int i;
	tp_bind_entry_t *e;

	if(source->af == 0 || tp_addr_ip_eq(source, contact))
		return;
	i = tp_slot_of(t, source);
	tp_lock(tp_slot_lock(t, i));
	e = tp_unlink(t, i, contact, 0);
	tp_unlock(tp_slot_lock(t, i));
	if(e)
		tp_entry_free(t, e);
}

static int tp_add_secondary(tp_bind_table_t *t, const tp_binding_t *b)
{
	unsigned int i;
	tp_bind_entry_t *e;

	if(b->source.af == 0 || tp_addr_ip_eq(&b->source, &b->contact))
		return 0;
	if((e = tp_entry_new(t, b, 0, NULL, 0)) == NULL)
		return -1;
	i = tp_slot_of(t, &b->source);
	tp_lock(tp_slot_lock(t, i));
	e->next = t->heads[i];
	t->heads[i] = e;
	tp_unlock(tp_slot_lock(t, i));
	return 0;
}

int tp_bind_put(tp_bind_table_t *t, const tp_binding_t *b, const char *ua,
		size_t ua_len)
{
	unsigned int i = tp_slot_of(t, &b->contact);
	tp_bind_entry_t *e, *fresh;
	tp_addr_t old_src;

	if((fresh = tp_entry_new(t, b, 1, ua, ua_len)) == NULL)
		return -1;
	tp_lock(tp_slot_lock(t, i));
	e = tp_unlink(t, i, &b->contact, 1);
	fresh->next = t->heads[i];
	t->heads[i] = fresh;
	tp_unlock(tp_slot_lock(t, i));

	if(e) {
		tp_entry_source(e, &old_src);
		tp_drop_secondary(t, &e->contact, &old_src);
		tp_entry_free(t, e);
	} else {
		__atomic_add_fetch(&t->count, 1, __ATOMIC_RELAXED);
	}
	/* without its NAT entry the UE is still found by its contact */
	return tp_add_secondary(t, b) < 0 ? 1 : 0;
}

int tp_bind_del(tp_bind_table_t *t, const tp_addr_t *contact)
{
	unsigned int i = tp_slot_of(t, contact);
	tp_bind_entry_t *e;
	tp_addr_t src;

	tp_lock(tp_slot_lock(t, i));
	e = tp_unlink(t, i, contact, 1);
	tp_unlock(tp_slot_lock(t, i));
	if(e == NULL)
		return -1;
	__atomic_sub_fetch(&t->count, 1, __ATOMIC_RELAXED);
	tp_entry_source(e, &src);
	tp_drop_secondary(t, contact, &src);
	tp_entry_free(t, e);
	return 1;
}

int tp_bind_del_if_source(tp_bind_table_t *t, const tp_addr_t *contact,
		const tp_addr_t *source)
{
	unsigned int i = tp_slot_of(t, contact);
	tp_bind_entry_t **pp, *e;

	tp_lock(tp_slot_lock(t, i));
	for(pp = &t->heads[i]; (e = *pp) != NULL; pp = &e->next) {
		if((e->flags & TP_F_PRIMARY) && tp_addr_eq(&e->contact, contact))
			break;
	}
	if(e == NULL || !tp_entry_source_is(e, source)) {
		tp_unlock(tp_slot_lock(t, i));
		return -1;
	}
	*pp = e->next;
	tp_unlock(tp_slot_lock(t, i));
	__atomic_sub_fetch(&t->count, 1, __ATOMIC_RELAXED);
	tp_drop_secondary(t, contact, source);
	tp_entry_free(t, e);
	return 1;
}

/* how well an entry answers a lookup: 0 not at all, higher is better */
typedef int (*tp_score_f)(const tp_bind_entry_t *e, const tp_addr_t *a);

static int tp_score_dst(const tp_bind_entry_t *e, const tp_addr_t *a)
{
	if(tp_addr_eq(&e->contact, a))
		return 2;
	return tp_entry_source_is(e, a) ? 1 : 0;
}

static int tp_score_src(const tp_bind_entry_t *e, const tp_addr_t *a)
{
	if(tp_entry_source_is(e, a))
		return 3;
	if(tp_addr_eq(&e->contact, a))
		return 2;
	return tp_entry_source_ip_is(e, a) || tp_addr_ip_eq(&e->contact, a);
}

/* the primary entry of contact, live (and registered from src if src is
 * given): its binding and, with v, the rest */
static int tp_bind_primary_from(tp_bind_table_t *t, const tp_addr_t *contact,
		const tp_addr_t *src, time_t now, tp_binding_t *out, tp_bind_view_t *v)
{
	unsigned int i = tp_slot_of(t, contact);
	const tp_bind_entry_t *e;
	int ret = -1;

	tp_lock(tp_slot_lock(t, i));
	for(e = t->heads[i]; e; e = e->next) {
		if((e->flags & TP_F_PRIMARY) && e->expires > (uint32_t)now
				&& tp_addr_eq(&e->contact, contact)
				&& (src == NULL || tp_entry_source_is(e, src))) {
			if(v)
				tp_view_fill(v, e);
			else
				tp_entry_fill(e, out);
			ret = 1;
			break;
		}
	}
	tp_unlock(tp_slot_lock(t, i));
	return ret;
}

static int tp_bind_primary(tp_bind_table_t *t, const tp_addr_t *contact,
		time_t now, tp_binding_t *out, tp_bind_view_t *v)
{
	return tp_bind_primary_from(t, contact, NULL, now, out, v);
}

static int tp_bind_get(tp_bind_table_t *t, const tp_addr_t *a, time_t now,
		tp_score_f score, tp_binding_t *out)
{
	unsigned int i = tp_slot_of(t, a);
	const tp_bind_entry_t *e, *best = NULL;
	tp_addr_t ue, src;
	int sc, best_sc = 0, ret = -1;

	tp_lock(tp_slot_lock(t, i));
	for(e = t->heads[i]; e; e = e->next) {
		if(e->expires <= (uint32_t)now || (sc = score(e, a)) == 0)
			continue;
		/* same score: the later expiry was registered last */
		if(sc > best_sc || (sc == best_sc && e->expires > best->expires)) {
			best = e;
			best_sc = sc;
		}
		/* a contact has one primary entry: nothing can beat it */
		if(score == tp_score_dst && sc == 2 && (e->flags & TP_F_PRIMARY))
			break;
	}
	if(best && (best->flags & TP_F_PRIMARY)) {
		tp_entry_fill(best, out); /* a copy: nothing escapes the lock */
		ret = 1;
	} else if(best) {
		ue = best->contact;
		tp_entry_source(best, &src);
	}
	tp_unlock(tp_slot_lock(t, i));
	/* a NAT entry: the UE's own entry is in another slot, and must still be
	 * the registration from this source (a racing REGISTER may have left a
	 * stale NAT entry behind; the sweep takes it) */
	if(best && ret < 0)
		ret = tp_bind_primary_from(t, &ue, &src, now, out, NULL);
	return ret;
}

int tp_bind_get_dst(
		tp_bind_table_t *t, const tp_addr_t *dst, time_t now, tp_binding_t *out)
{
	return tp_bind_get(t, dst, now, tp_score_dst, out);
}

int tp_bind_get_src(
		tp_bind_table_t *t, const tp_addr_t *src, time_t now, tp_binding_t *out)
{
	return tp_bind_get(t, src, now, tp_score_src, out);
}

int tp_bind_has(tp_bind_table_t *t, const tp_addr_t *contact)
{
	unsigned int i = tp_slot_of(t, contact);
	const tp_bind_entry_t *e;
	int ret = 0;

	tp_lock(tp_slot_lock(t, i));
	for(e = t->heads[i]; e && !ret; e = e->next)
		ret = (e->flags & TP_F_PRIMARY) && tp_addr_eq(&e->contact, contact);
	tp_unlock(tp_slot_lock(t, i));
	return ret;
}

int tp_bind_find(tp_bind_table_t *t, const tp_addr_t *addr, time_t now,
		tp_bind_view_t *out)
{
	tp_binding_t b;

	if(tp_bind_get_dst(t, addr, now, &b) < 0)
		return -1;
	return tp_bind_primary(t, &b.contact, now, NULL, out);
}

unsigned int tp_bind_next(tp_bind_table_t *t, time_t now, tp_bind_cursor_t *cur,
		tp_bind_view_t *out, unsigned int n)
{
	const tp_bind_entry_t *e;
	unsigned int got = 0, k;

	for(; cur->slot <= t->mask && got < n; cur->slot++, cur->pos = 0) {
		k = 0;
		tp_lock(tp_slot_lock(t, cur->slot));
		for(e = t->heads[cur->slot]; e && got < n; e = e->next) {
			if(!(e->flags & TP_F_PRIMARY) || e->expires <= (uint32_t)now
					|| k++ < cur->pos)
				continue;
			if(out)
				tp_view_fill(&out[got], e);
			got++;
			cur->pos++;
		}
		tp_unlock(tp_slot_lock(t, cur->slot));
		if(got == n)
			break; /* the slot may hold more */
	}
	return got;
}

/* one UE of a slot, copied out to be matched without the slot's lock */
typedef struct tp_reclass_item
{
	tp_addr_t contact;
	uint32_t expires; /* with contact: the same registration when written */
	tp_istr_t *ua;	  /* a reference of its own */
	tp_mode_t mode;
	char rule[TP_NAME_MAX + 1];
} tp_reclass_item_t;

#define TP_RECLASS_BATCH 16

/* up to TP_RECLASS_BATCH live UEs of slot i this pass has not done yet */
static int tp_reclass_copy(tp_bind_table_t *t, unsigned int i, time_t now,
		uint8_t pass, tp_reclass_item_t *items)
{
	const tp_bind_entry_t *e;
	int n = 0;

	tp_lock(tp_slot_lock(t, i));
	for(e = t->heads[i]; e && n < TP_RECLASS_BATCH; e = e->next) {
		if(!(e->flags & TP_F_PRIMARY) || e->expires <= (uint32_t)now
				|| !!(e->flags & TP_F_PASS) == pass)
			continue;
		items[n].contact = e->contact;
		items[n].expires = e->expires;
		items[n].ua = e->ua;
		tp_intern_ref(e->ua);
		n++;
	}
	tp_unlock(tp_slot_lock(t, i));
	return n;
}

/* the new modes, to the entries still of the same User-Agent, stamped
 * with the pass; one registered anew meanwhile is taken by a later batch */
static unsigned int tp_reclass_write(tp_bind_table_t *t, unsigned int i,
		uint8_t pass, tp_reclass_item_t *items, int n, unsigned int *changed)
{
	tp_istr_t *rules[TP_RECLASS_BATCH], *old[TP_RECLASS_BATCH];
	unsigned int done = 0;
	tp_bind_entry_t *e;
	int k;

	for(k = 0; k < n; k++) {
		rules[k] = items[k].rule[0] ? tp_intern_get(
						   t->strs, items[k].rule, strlen(items[k].rule))
									: NULL;
		old[k] = NULL;
	}
	tp_lock(tp_slot_lock(t, i));
	for(k = 0; k < n; k++) {
		for(e = t->heads[i]; e; e = e->next) {
			if(!(e->flags & TP_F_PRIMARY) || e->ua != items[k].ua
					|| !!(e->flags & TP_F_PASS) == pass
					|| !tp_addr_eq(&e->contact, &items[k].contact))
				continue;
			if(items[k].rule[0] && rules[k] == NULL)
				break; /* no memory for the name: left as it was */
			if(e->mode != (uint8_t)items[k].mode)
				(*changed)++;
			e->mode = (uint8_t)items[k].mode;
			old[k] = e->rule; /* references move, no count changes */
			e->rule = rules[k];
			e->flags = (uint8_t)(pass ? e->flags | TP_F_PASS
									  : e->flags & ~TP_F_PASS);
			rules[k] = NULL;
			done++;
			break;
		}
	}
	tp_unlock(tp_slot_lock(t, i));
	for(k = 0; k < n; k++) {
		tp_intern_put(t->strs, rules[k]);
		tp_intern_put(t->strs, old[k]);
	}
	return done;
}

/* batches one slot may take: every UE, and those registering meanwhile */
#define TP_RECLASS_ROUNDS 4096

unsigned int tp_bind_reclassify(tp_bind_table_t *t, time_t now,
		tp_bind_classify_f f, void *arg, unsigned int *changed)
{
	tp_reclass_item_t items[TP_RECLASS_BATCH];
	unsigned int i, round, n = 0;
	uint8_t pass;
	int got, k;

	*changed = 0;
	/* one reclassification at a time (the RPC holds the reload lock) */
	pass = t->pass = (uint8_t)!t->pass;
	for(i = 0; i <= t->mask; i++) {
		/* matching may take long: never under the slot's lock; each
		 * batch takes the UEs of the slot not yet stamped with this pass,
		 * so UEs coming and going between batches are neither skipped nor
		 * done twice */
		for(round = 0; round < TP_RECLASS_ROUNDS; round++) {
			got = tp_reclass_copy(t, i, now, pass, items);
			for(k = 0; k < got; k++) {
				items[k].rule[0] = '\0';
				f(items[k].ua->s, items[k].ua->len, &items[k].mode,
						items[k].rule, sizeof(items[k].rule), arg);
			}
			n += tp_reclass_write(t, i, pass, items, got, changed);
			for(k = 0; k < got; k++)
				tp_intern_put(t->strs, items[k].ua);
			if(got == 0)
				break;
		}
	}
	return n;
}

#define TP_REUSE_BATCH 64

void tp_bind_each_reuse(
		tp_bind_table_t *t, time_t now, tp_bind_reuse_f f, void *arg)
{
	tp_bind_each_reuse_part(t, now, 0, 1, f, arg);
}

void tp_bind_each_reuse_part(tp_bind_table_t *t, time_t now,
		unsigned int part, unsigned int parts, tp_bind_reuse_f f, void *arg)
{
	int ids[TP_REUSE_BATCH];
	unsigned int left[TP_REUSE_BATCH];
	const tp_bind_entry_t *e;
	uint64_t slots = (uint64_t)t->mask + 1;
	unsigned int i, end, skip, n, k;

	if(parts == 0 || part >= parts)
		return;
	i = (unsigned int)(slots * part / parts);
	end = (unsigned int)(slots * (part + 1) / parts);
	for(; i < end; i++) {
		if(t->heads[i] == NULL)
			continue; /* a racy peek: a UE added now is seen next time */
		/* a slot in batches: copy under the lock, call without it */
		for(skip = 0;; skip += TP_REUSE_BATCH) {
			n = k = 0;
			tp_lock(tp_slot_lock(t, i));
			for(e = t->heads[i]; e && n < TP_REUSE_BATCH; e = e->next) {
				if(!(e->flags & TP_F_PRIMARY) || e->mode != TP_MODE_REUSE
						|| e->reg_conn_id == 0 || e->expires <= (uint32_t)now)
					continue;
				if(k++ < skip)
					continue;
				ids[n] = e->reg_conn_id;
				left[n++] = e->expires - (uint32_t)now;
			}
			tp_unlock(tp_slot_lock(t, i));
			for(k = 0; k < n; k++)
				f(ids[k], left[k], arg);
			if(n < TP_REUSE_BATCH)
				break;
		}
	}
}

int tp_bind_sweep(tp_bind_table_t *t, time_t now)
{
	return tp_bind_sweep_timed(t, now, NULL);
}

int tp_bind_sweep_timed(tp_bind_table_t *t, time_t now, uint64_t *max_hold_ns)
{
	tp_bind_entry_t **pp, *e, *dead = NULL;
	struct timespec t0, t1;
	uint64_t held;
	unsigned int i;
	int n = 0;

	for(i = 0; i <= t->mask; i++) {
		if(t->heads[i] == NULL)
			continue; /* a racy peek: what is added now expires later */
		tp_lock(tp_slot_lock(t, i));
		if(max_hold_ns)
			clock_gettime(CLOCK_MONOTONIC, &t0);
		for(pp = &t->heads[i]; (e = *pp) != NULL;) {
			if(e->expires > (uint32_t)now) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			e->next = dead; /* freed outside the lock */
			dead = e;
		}
		if(max_hold_ns) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			held = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u
				   + (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
			if(held > *max_hold_ns)
				*max_hold_ns = held;
		}
		tp_unlock(tp_slot_lock(t, i));
	}
	for(; dead; dead = e) {
		e = dead->next;
		if(dead->flags & TP_F_PRIMARY) {
			__atomic_sub_fetch(&t->count, 1, __ATOMIC_RELAXED);
			n++;
		}
		tp_entry_free(t, dead);
	}
	return n;
}

unsigned int tp_bind_count(tp_bind_table_t *t)
{
	return __atomic_load_n(&t->count, __ATOMIC_RELAXED);
}
