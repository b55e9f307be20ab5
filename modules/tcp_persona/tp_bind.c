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

/* A UE is one entry, in the chain of the slot of its Contact's address
 * and, when its REGISTER came from another address (another port is
 * enough: a TCP UE's connection, a NAT), also in the chain of the slot of
 * that source address, newest first. One chain per slot holds both kinds
 * of links: a link is the entry's address, with its lowest bit set when
 * the chain goes on through the entry's src_next (its source link) rather
 * than its next. Slots are chosen by IP and port, so
 * UEs behind one NAT address, or many registered over one connection, do
 * not share a chain that every lookup would walk. Entries are small:
 * strings many UEs share (User-Agent, rule name, the AoR's domain) are
 * interned; the rest of the AoR and a source IP that is not the
 * contact's ride in the entry's tail. An entry in two chains is changed
 * only under both slots' locks, taken in stripe order. */
#define TP_F_SRC_IP 1 /* the source IP is in the tail */
#define TP_F_PASS 2	  /* re-classified in the pass of this parity */
#define TP_F_BY_SRC 4 /* in the source's chain too */
#define TP_F_OBSERVE 8 /* its rule is observe-only */

/* a link of a slot's chain: an entry's address, | TP_L_SRC */
typedef uintptr_t tp_link_t;
#define TP_L_SRC ((uintptr_t)1)

typedef struct tp_bind_entry
{
	tp_link_t next;		 /* after its contact link */
	tp_link_t src_next;	 /* after its source link (TP_F_BY_SRC) */
	tp_link_t *src_prev; /* the field that holds its source link */
	tp_addr_t contact;
	uint8_t flags;
	uint8_t mode;
	uint16_t src_port;
	uint32_t expires; /* seconds */
	int32_t reg_conn_id;
	tp_istr_t *ua;
	tp_istr_t *rule;   /* NULL: no rule matched */
	tp_istr_t *domain; /* the AoR from its last '@' on, or NULL */
	uint8_t src_af;
	uint8_t aor_len; /* bytes of the AoR before the domain */
	uint8_t node;	 /* the P-CSCF it came from, 0: this one (tp_nodes.h) */
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
	tp_link_t *heads;
};

static tp_bind_entry_t *tp_l_entry(tp_link_t l)
{
	return (tp_bind_entry_t *)(l & ~TP_L_SRC);
}

/* the field of l's entry that holds the link after l */
static tp_link_t *tp_l_after(tp_link_t l)
{
	return (l & TP_L_SRC) ? &tp_l_entry(l)->src_next : &tp_l_entry(l)->next;
}

/* writes link v at `at`; a source link's entry learns where it is held.
 * (A relaxed atomic store: the walks' peeks at an empty slot read heads
 * without the lock.) */
static void tp_l_set(tp_link_t *at, tp_link_t v)
{
	__atomic_store_n(at, v, __ATOMIC_RELAXED);
	if(v & TP_L_SRC)
		tp_l_entry(v)->src_prev = at;
}

/* the entry of the first contact link from l on, or NULL */
static tp_bind_entry_t *tp_l_contact(tp_link_t l)
{
	while(l && (l & TP_L_SRC))
		l = *tp_l_after(l);
	return l ? tp_l_entry(l) : NULL;
}

/* the entries of a slot's chain by their contact links */
#define TP_EACH_BY_CONTACT(t, i, e) \
	for(e = tp_l_contact((t)->heads[i]); e; e = tp_l_contact(e->next))

static unsigned int tp_slot_of(tp_bind_table_t *t, const tp_addr_t *a)
{
	return tp_addr_hash(a) & t->mask;
}

static unsigned int tp_stripe(unsigned int slot)
{
	return slot & (TP_BIND_LOCKS - 1);
}

/* the stripes of up to three slots, each once, in order */
typedef struct tp_stripes
{
	unsigned int s[3];
	int n;
} tp_stripes_t;

static void tp_stripes_lock(tp_bind_table_t *t, tp_stripes_t *l,
		unsigned int a, unsigned int b, unsigned int c)
{
	unsigned int v[3] = {tp_stripe(a), tp_stripe(b), tp_stripe(c)}, x;
	int i, j;

	for(i = 1; i < 3; i++)
		for(j = i; j > 0 && v[j - 1] > v[j]; j--)
			x = v[j], v[j] = v[j - 1], v[j - 1] = x;
	l->n = 0;
	for(i = 0; i < 3; i++)
		if(l->n == 0 || l->s[l->n - 1] != v[i])
			l->s[l->n++] = v[i];
	for(i = 0; i < l->n; i++)
		tp_lock(&t->locks[l->s[i]]);
}

static void tp_stripes_unlock(tp_bind_table_t *t, tp_stripes_t *l)
{
	int i;

	for(i = l->n - 1; i >= 0; i--)
		tp_unlock(&t->locks[l->s[i]]);
}

static void tp_slot_lock(tp_bind_table_t *t, unsigned int i)
{
	tp_lock(&t->locks[tp_stripe(i)]);
}

static void tp_slot_unlock(tp_bind_table_t *t, unsigned int i)
{
	tp_unlock(&t->locks[tp_stripe(i)]);
}

tp_bind_table_t *tp_bind_create(unsigned int size_log2)
{
	unsigned int i, n = 1u << size_log2;
	tp_bind_table_t *t;

	t = tp_shm_zalloc(sizeof(*t) + n * sizeof(tp_link_t)
					  + TP_BIND_LOCKS * sizeof(tp_lock_t));
	if(t == NULL)
		return NULL;
	if((t->strs = tp_intern_create(10)) == NULL) {
		tp_shm_free(t);
		return NULL;
	}
	t->mask = n - 1;
	t->heads = (tp_link_t *)(t + 1);
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
	tp_bind_entry_t *e, *dead = NULL;
	unsigned int i;

	if(t == NULL)
		return;
	/* listed first, freed after: chains cross into each other's entries
	 * (src_prev, which walks do not read, links the list) */
	for(i = 0; i <= t->mask; i++) {
		TP_EACH_BY_CONTACT(t, i, e)
		{
			e->src_prev = (tp_link_t *)dead;
			dead = e;
		}
	}
	for(; dead; dead = e) {
		e = (tp_bind_entry_t *)dead->src_prev;
		tp_entry_free(t, dead);
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

static int tp_entry_source_ip_is(const tp_bind_entry_t *e, const tp_addr_t *a)
{
	if(!(e->flags & TP_F_SRC_IP))
		return tp_addr_ip_eq(&e->contact, a);
	return e->src_af == a->af && memcmp(e->tail, a->ip, tp_ip_len(a)) == 0;
}

static int tp_entry_source_is(const tp_bind_entry_t *e, const tp_addr_t *a)
{
	return e->src_port == a->port && tp_entry_source_ip_is(e, a);
}

/* the slot of the source's chain an entry is in (or its contact's) */
static unsigned int tp_entry_src_slot(tp_bind_table_t *t, const tp_bind_entry_t *e)
{
	tp_addr_t src;

	if(!(e->flags & TP_F_BY_SRC))
		return tp_slot_of(t, &e->contact);
	tp_entry_source(e, &src);
	return tp_slot_of(t, &src);
}

/* a new entry for b, with its strings */
static tp_bind_entry_t *tp_entry_new(tp_bind_table_t *t, const tp_binding_t *b,
		const char *ua, size_t ua_len)
{
	const char *at = strrchr(b->aor, '@');
	size_t head = at ? (size_t)(at - b->aor) : strlen(b->aor);
	int src_ip = !tp_addr_ip_eq(&b->source, &b->contact) && b->source.af;
	tp_bind_entry_t *e;

	if(head > 255)
		head = 255;
	e = tp_shm_zalloc(offsetof(tp_bind_entry_t, tail) + (src_ip ? 16 : 0) + head);
	if(e == NULL)
		return NULL;
	e->contact = b->contact;
	e->flags = (uint8_t)((src_ip ? TP_F_SRC_IP : 0)
						 | (b->source.af && !tp_addr_eq(&b->source, &b->contact)
										 ? TP_F_BY_SRC
										 : 0)
						 | (b->observe ? TP_F_OBSERVE : 0));
	e->mode = (uint8_t)b->mode;
	e->src_port = b->source.af ? b->source.port : b->contact.port;
	e->src_af = b->source.af;
	e->expires = (uint32_t)b->expires;
	e->reg_conn_id = b->reg_conn_id;
	e->node = b->node;
	if(src_ip)
		memcpy(e->tail, b->source.ip, 16);
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

/* the binding an entry holds */
static void tp_entry_fill(const tp_bind_entry_t *e, tp_binding_t *b)
{
	size_t head = e->aor_len, dom = e->domain ? e->domain->len : 0;

	b->contact = e->contact;
	tp_entry_source(e, &b->source);
	b->mode = (tp_mode_t)e->mode;
	b->observe = !!(e->flags & TP_F_OBSERVE);
	b->reg_conn_id = e->reg_conn_id;
	b->node = e->node;
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

/* the entry of contact in slot i's chain (under its lock), and where the
 * pointer to it is */
static tp_bind_entry_t *tp_find(tp_bind_table_t *t, unsigned int i,
		const tp_addr_t *contact, tp_link_t **where)
{
	tp_link_t *pp, l;
	tp_bind_entry_t *e;

	for(pp = &t->heads[i]; (l = *pp) != 0; pp = tp_l_after(l)) {
		e = tp_l_entry(l);
		if(!(l & TP_L_SRC) && tp_addr_eq(&e->contact, contact)) {
			if(where)
				*where = pp;
			return e;
		}
	}
	return NULL;
}

static void tp_link_contact(tp_bind_table_t *t, tp_bind_entry_t *e, unsigned int i)
{
	tp_l_set(&e->next, t->heads[i]);
	tp_l_set(&t->heads[i], (tp_link_t)e);
}

static void tp_link_source(tp_bind_table_t *t, tp_bind_entry_t *e, unsigned int si)
{
	tp_l_set(&e->src_next, t->heads[si]);
	tp_l_set(&t->heads[si], (tp_link_t)e | TP_L_SRC);
}

/* what removal a caller asks: any entry of the contact, only one
 * registered from src, or only one expired by `now` */
typedef struct tp_take_if
{
	const tp_addr_t *src;
	int expired;
	time_t now;
	uint32_t until; /* non-zero: only an entry expiring no later */
	int node;		/* > 0: or an entry of that node, whatever its expiry */
	int local_only; /* only an entry this node made (node 0) */
} tp_take_if_t;

static int tp_take_ok(const tp_bind_entry_t *e, const tp_take_if_t *c)
{
	if(c == NULL)
		return 1;
	if(c->src && !tp_entry_source_is(e, c->src))
		return 0;
	if(c->local_only && e->node != 0)
		return 0;
	if(c->until && e->expires > c->until
			&& !(c->node > 0 && e->node == (uint8_t)c->node))
		return 0;
	return !c->expired || e->expires <= (uint32_t)c->now;
}

/*
 * Replaces the entry of contact by fresh (NULL: removes it), under the
 * locks of every chain either is in; the old entry, unlinked, is given
 * back for the caller to free. With cond, an existing entry that does not
 * meet it is left alone (and fresh not linked): *refused is set.
 */
static tp_bind_entry_t *tp_swap(tp_bind_table_t *t, const tp_addr_t *contact,
		tp_bind_entry_t *fresh, const tp_take_if_t *cond, int *refused)
{
	unsigned int ci = tp_slot_of(t, contact), old_si, si;
	tp_bind_entry_t *e;
	tp_link_t *pp;
	tp_stripes_t l;

	*refused = 0;
	si = fresh ? tp_entry_src_slot(t, fresh) : ci;
	for(;;) {
		/* where the current entry's source chain is: read, then locked
		 * and read again (a racing REGISTER may have moved it) */
		tp_slot_lock(t, ci);
		e = tp_find(t, ci, contact, NULL);
		old_si = e ? tp_entry_src_slot(t, e) : ci;
		tp_slot_unlock(t, ci);
		tp_stripes_lock(t, &l, ci, si, old_si);
		e = tp_find(t, ci, contact, &pp);
		if(e == NULL || tp_entry_src_slot(t, e) == old_si)
			break;
		tp_stripes_unlock(t, &l);
	}
	if(e && !tp_take_ok(e, cond)) {
		tp_stripes_unlock(t, &l);
		*refused = 1;
		return NULL;
	}
	if(e) { /* its contact link, then its source link (which may have
			 * moved: it may have followed the contact link) */
		tp_l_set(pp, e->next);
		if(e->flags & TP_F_BY_SRC)
			tp_l_set(e->src_prev, e->src_next);
	}
	if(fresh) {
		tp_link_contact(t, fresh, ci);
		if(fresh->flags & TP_F_BY_SRC)
			tp_link_source(t, fresh, si);
	}
	tp_stripes_unlock(t, &l);
	return e;
}

int tp_bind_put(tp_bind_table_t *t, const tp_binding_t *b, const char *ua,
		size_t ua_len)
{
	tp_bind_entry_t *e, *fresh;
	int refused;

	if((fresh = tp_entry_new(t, b, ua, ua_len)) == NULL)
		return -1;
	e = tp_swap(t, &b->contact, fresh, NULL, &refused);
	if(e)
		tp_entry_free(t, e);
	else
		__atomic_add_fetch(&t->count, 1, __ATOMIC_RELAXED);
	return 0;
}

/* removes the entry of contact if it meets cond; \return 1 (and its
 * expiry in *expires, if not NULL) or -1 */
static int tp_remove(tp_bind_table_t *t, const tp_addr_t *contact,
		const tp_take_if_t *cond, time_t *expires)
{
	tp_bind_entry_t *e;
	int refused;

	if((e = tp_swap(t, contact, NULL, cond, &refused)) == NULL)
		return -1;
	__atomic_sub_fetch(&t->count, 1, __ATOMIC_RELAXED);
	if(expires)
		*expires = (time_t)e->expires;
	tp_entry_free(t, e);
	return 1;
}

int tp_bind_put_newer(tp_bind_table_t *t, const tp_binding_t *b,
		const char *ua, size_t ua_len, int same_node_wins)
{
	/* an entry expiring at b->expires or later stays, unless it is the
	 * same node's and that node says so (its refresh may be shorter) */
	tp_take_if_t c = {NULL, 0, 0, (uint32_t)b->expires - 1,
			same_node_wins ? b->node : 0, 0};
	tp_bind_entry_t *e, *fresh;
	int refused;

	if(b->expires <= 1 || (fresh = tp_entry_new(t, b, ua, ua_len)) == NULL)
		return -1;
	e = tp_swap(t, &b->contact, fresh, &c, &refused);
	if(refused) {
		tp_entry_free(t, fresh);
		return 0;
	}
	if(e)
		tp_entry_free(t, e);
	else
		__atomic_add_fetch(&t->count, 1, __ATOMIC_RELAXED);
	return 1;
}

int tp_bind_del(tp_bind_table_t *t, const tp_addr_t *contact)
{
	return tp_remove(t, contact, NULL, NULL);
}

int tp_bind_del_if_source(tp_bind_table_t *t, const tp_addr_t *contact,
		const tp_addr_t *source)
{
	return tp_bind_del_if(t, contact, source, 0, 0, NULL);
}

int tp_bind_del_if(tp_bind_table_t *t, const tp_addr_t *contact,
		const tp_addr_t *source, time_t until, int local_only, time_t *expires)
{
	tp_take_if_t c = {
			source, 0, 0, until > 0 ? (uint32_t)until : 0, 0, local_only};

	return tp_remove(t, contact, &c, expires);
}

/* the live entry whose contact is a, in its slot (locked) */
static const tp_bind_entry_t *tp_by_contact(
		tp_bind_table_t *t, unsigned int i, const tp_addr_t *a, time_t now)
{
	const tp_bind_entry_t *e = tp_find(t, i, a, NULL);

	return e && e->expires > (uint32_t)now ? e : NULL;
}

/* the live entry registered last from a, in its slot (locked) */
static const tp_bind_entry_t *tp_by_source(
		tp_bind_table_t *t, unsigned int i, const tp_addr_t *a, time_t now)
{
	const tp_bind_entry_t *e;
	tp_link_t l;

	for(l = t->heads[i]; l; l = *tp_l_after(l)) {
		e = tp_l_entry(l);
		if((l & TP_L_SRC) && e->expires > (uint32_t)now
				&& tp_entry_source_is(e, a))
			return e;
	}
	return NULL;
}

/* a lookup: by contact then by source (dst), or the other way round
 * (src); the entry copied out as a binding or, with v, a view */
static int tp_bind_get(tp_bind_table_t *t, const tp_addr_t *a, time_t now,
		int source_first, tp_binding_t *out, tp_bind_view_t *v)
{
	unsigned int i = tp_slot_of(t, a);
	const tp_bind_entry_t *e;
	int ret = -1;

	tp_slot_lock(t, i);
	if(source_first) {
		if((e = tp_by_source(t, i, a, now)) == NULL)
			e = tp_by_contact(t, i, a, now);
	} else if((e = tp_by_contact(t, i, a, now)) == NULL) {
		e = tp_by_source(t, i, a, now);
	}
	if(e) {
		if(v) /* a copy: nothing escapes the lock */
			tp_view_fill(v, e);
		else
			tp_entry_fill(e, out);
		ret = 1;
	}
	tp_slot_unlock(t, i);
	return ret;
}

int tp_bind_get_dst(
		tp_bind_table_t *t, const tp_addr_t *dst, time_t now, tp_binding_t *out)
{
	return tp_bind_get(t, dst, now, 0, out, NULL);
}

int tp_bind_get_src(
		tp_bind_table_t *t, const tp_addr_t *src, time_t now, tp_binding_t *out)
{
	return tp_bind_get(t, src, now, 1, out, NULL);
}

int tp_bind_get_by_contact_from(tp_bind_table_t *t, const tp_addr_t *contact,
		const tp_addr_t *src, time_t now, tp_binding_t *out)
{
	unsigned int i = tp_slot_of(t, contact);
	const tp_bind_entry_t *e;
	int ret = -1;

	tp_slot_lock(t, i);
	if((e = tp_by_contact(t, i, contact, now)) != NULL
			&& tp_entry_source_ip_is(e, src)) {
		tp_entry_fill(e, out);
		ret = 1;
	}
	tp_slot_unlock(t, i);
	return ret;
}

int tp_bind_has(tp_bind_table_t *t, const tp_addr_t *contact)
{
	unsigned int i = tp_slot_of(t, contact);
	int ret;

	tp_slot_lock(t, i);
	ret = tp_find(t, i, contact, NULL) != NULL;
	tp_slot_unlock(t, i);
	return ret;
}

int tp_bind_find(tp_bind_table_t *t, const tp_addr_t *addr, time_t now,
		tp_bind_view_t *out)
{
	return tp_bind_get(t, addr, now, 0, NULL, out);
}

unsigned int tp_bind_next(tp_bind_table_t *t, time_t now, tp_bind_cursor_t *cur,
		tp_bind_view_t *out, unsigned int n)
{
	const tp_bind_entry_t *e;
	unsigned int got = 0, k;

	for(; cur->slot <= t->mask && got < n; cur->slot++, cur->pos = 0) {
		k = 0;
		tp_slot_lock(t, cur->slot);
		TP_EACH_BY_CONTACT(t, cur->slot, e)
		{
			if(got == n)
				break;
			if(e->expires <= (uint32_t)now || k++ < cur->pos)
				continue;
			if(out)
				tp_view_fill(&out[got], e);
			got++;
			cur->pos++;
		}
		tp_slot_unlock(t, cur->slot);
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
	int observe;
	char rule[TP_NAME_MAX + 1];
} tp_reclass_item_t;

#define TP_RECLASS_BATCH 16

/* up to TP_RECLASS_BATCH live UEs of slot i this pass has not done yet */
static int tp_reclass_copy(tp_bind_table_t *t, unsigned int i, time_t now,
		uint8_t pass, tp_reclass_item_t *items)
{
	const tp_bind_entry_t *e;
	int n = 0;

	tp_slot_lock(t, i);
	TP_EACH_BY_CONTACT(t, i, e)
	{
		if(n == TP_RECLASS_BATCH)
			break;
		if(e->expires <= (uint32_t)now || !!(e->flags & TP_F_PASS) == pass)
			continue;
		items[n].contact = e->contact;
		items[n].expires = e->expires;
		items[n].ua = e->ua;
		tp_intern_ref(e->ua);
		n++;
	}
	tp_slot_unlock(t, i);
	return n;
}

/* the entry of contact in slot i with the locks of both its chains */
static tp_bind_entry_t *tp_find_locked(tp_bind_table_t *t, unsigned int i,
		const tp_addr_t *contact, tp_stripes_t *l)
{
	tp_bind_entry_t *e;
	unsigned int si;

	for(;;) {
		tp_slot_lock(t, i);
		e = tp_find(t, i, contact, NULL);
		si = e ? tp_entry_src_slot(t, e) : i;
		tp_slot_unlock(t, i);
		tp_stripes_lock(t, l, i, si, si);
		e = tp_find(t, i, contact, NULL);
		if(e == NULL || tp_entry_src_slot(t, e) == si)
			return e;
		tp_stripes_unlock(t, l);
	}
}

/* the new modes, to the entries still of the same User-Agent, stamped
 * with the pass; one registered anew meanwhile is taken by a later batch.
 * A UE is written under the locks of both its chains: lookups by its
 * source read its mode and rule too */
static unsigned int tp_reclass_write(tp_bind_table_t *t, unsigned int i,
		uint8_t pass, tp_reclass_item_t *items, int n, unsigned int *changed)
{
	tp_istr_t *rule, *old;
	unsigned int done = 0;
	tp_bind_entry_t *e;
	tp_stripes_t l;
	int k;

	for(k = 0; k < n; k++) {
		rule = items[k].rule[0] ? tp_intern_get(t->strs, items[k].rule,
										  strlen(items[k].rule))
								: NULL;
		old = NULL;
		e = tp_find_locked(t, i, &items[k].contact, &l);
		if(e && e->ua == items[k].ua && !!(e->flags & TP_F_PASS) != pass
				&& !(items[k].rule[0] && rule == NULL)) {
			if(e->mode != (uint8_t)items[k].mode
					|| !(e->flags & TP_F_OBSERVE) != !items[k].observe)
				(*changed)++;
			e->mode = (uint8_t)items[k].mode;
			old = e->rule; /* references move, no count changes */
			e->rule = rule;
			e->flags = (uint8_t)(pass ? e->flags | TP_F_PASS
									  : e->flags & ~TP_F_PASS);
			e->flags = (uint8_t)(items[k].observe ? e->flags | TP_F_OBSERVE
												  : e->flags & ~TP_F_OBSERVE);
			rule = NULL;
			done++;
		}
		tp_stripes_unlock(t, &l);
		tp_intern_put(t->strs, rule);
		tp_intern_put(t->strs, old);
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
				items[k].observe = 0;
				f(items[k].ua->s, items[k].ua->len, &items[k].mode,
						&items[k].observe, items[k].rule,
						sizeof(items[k].rule), arg);
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
		if(__atomic_load_n(&t->heads[i], __ATOMIC_RELAXED) == 0)
			continue; /* a racy peek: a UE added now is seen next time */
		/* a slot in batches: copy under the lock, call without it */
		for(skip = 0;; skip += TP_REUSE_BATCH) {
			n = k = 0;
			tp_slot_lock(t, i);
			TP_EACH_BY_CONTACT(t, i, e)
			{
				if(n == TP_REUSE_BATCH)
					break;
				/* an observed reuse UE is handled as none: its
				 * connection is not kept */
				if(e->mode != TP_MODE_REUSE || e->reg_conn_id == 0
						|| (e->flags & TP_F_OBSERVE)
						|| e->expires <= (uint32_t)now)
					continue;
				if(k++ < skip)
					continue;
				ids[n] = e->reg_conn_id;
				left[n++] = e->expires - (uint32_t)now;
			}
			tp_slot_unlock(t, i);
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

#define TP_SWEEP_BATCH 32

/* up to TP_SWEEP_BATCH expired contacts of slot i, from the skip-th on */
static int tp_sweep_copy(tp_bind_table_t *t, unsigned int i, time_t now,
		tp_addr_t *dead, uint64_t *max_hold_ns)
{
	const tp_bind_entry_t *e;
	struct timespec t0, t1;
	uint64_t held;
	int n = 0;

	tp_slot_lock(t, i);
	if(max_hold_ns)
		clock_gettime(CLOCK_MONOTONIC, &t0);
	TP_EACH_BY_CONTACT(t, i, e)
	{
		if(n == TP_SWEEP_BATCH)
			break;
		if(e->expires <= (uint32_t)now)
			dead[n++] = e->contact;
	}
	if(max_hold_ns) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		held = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u
			   + (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
		if(held > *max_hold_ns)
			*max_hold_ns = held;
	}
	tp_slot_unlock(t, i);
	return n;
}

int tp_bind_sweep_timed(tp_bind_table_t *t, time_t now, uint64_t *max_hold_ns)
{
	tp_addr_t dead[TP_SWEEP_BATCH];
	tp_take_if_t expired = {NULL, 1, now, 0, 0, 0};
	unsigned int i;
	int n = 0, got, k;

	for(i = 0; i <= t->mask; i++) {
		if(__atomic_load_n(&t->heads[i], __ATOMIC_RELAXED) == 0)
			continue; /* a racy peek: what is added now expires later */
		/* each expired UE is taken out under the locks of its chains
		 * (and only if still expired: a REGISTER may have refreshed it) */
		do {
			got = tp_sweep_copy(t, i, now, dead, max_hold_ns);
			for(k = 0; k < got; k++)
				if(tp_remove(t, &dead[k], &expired, NULL) > 0)
					n++;
		} while(got == TP_SWEEP_BATCH);
	}
	return n;
}

unsigned int tp_bind_count(tp_bind_table_t *t)
{
	return __atomic_load_n(&t->count, __ATOMIC_RELAXED);
}
