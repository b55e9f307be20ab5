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

#include "tp_bind.h"
#include "tp_bind_int.h"

/* A request's lookup reads its UE's slot without a lock, a few times if a
 * writer is at it, then under the lock (tp_bind_store.h). Writers hold the
 * lock for the slot's work only: the out-of-line part is built before and
 * freed after. */
#define TP_TRIES 4

tp_bind_table_t *tp_bind_create(unsigned int cap)
{
	return tp_store_create(cap);
}

unsigned int tp_bind_capacity_for(
		int hash_size, int max_bindings, unsigned int dflt)
{
	if(hash_size > 0)
		return (1u << hash_size) / 4 * 3;
	return max_bindings > 0 ? (unsigned int)max_bindings : dflt;
}

unsigned int tp_bind_capacity(tp_bind_table_t *t)
{
	return t->cap;
}

void tp_bind_cold_free(tp_bind_table_t *t, tp_bind_cold_t *cold)
{
	if(cold == NULL)
		return;
	tp_intern_put(t->strs, cold->names);
	tp_shm_free(cold);
}

void tp_bind_destroy(tp_bind_table_t *t)
{
	uint32_t i;

	if(t == NULL)
		return;
	for(i = 0; i < t->slots; i++)
		if(t->s[i].u.contact.af)
			tp_bind_cold_free(t, t->s[i].u.cold);
	tp_store_destroy(t);
}

static int tp_source_ip_differs(const tp_binding_t *b)
{
	return b->source.af && !tp_addr_ip_eq(&b->source, &b->contact);
}

/* the domain and User-Agent, interned together */
static tp_istr_t *tp_names_get(tp_bind_table_t *t, const char *dom,
		size_t dom_len, const char *ua, size_t ua_len)
{
	char *s = tp_malloc(1 + dom_len + ua_len);
	tp_istr_t *names;

	if(s == NULL)
		return NULL;
	s[0] = (char)(uint8_t)dom_len;
	memcpy(s + 1, dom, dom_len);
	memcpy(s + 1 + dom_len, ua, ua_len);
	names = tp_intern_get(t->strs, s, 1 + dom_len + ua_len);
	tp_free(s);
	return names;
}

/* the out-of-line part of b: User-Agent, AoR, a source IP of its own */
static tp_bind_cold_t *tp_cold_new(tp_bind_table_t *t, const tp_binding_t *b,
		const char *ua, size_t ua_len)
{
	const char *at = strrchr(b->aor, '@');
	size_t head = at ? (size_t)(at - b->aor) : strlen(b->aor);
	size_t dom = at ? strlen(at) : 0; /* at most TP_AOR_MAX */
	int src_ip = tp_source_ip_differs(b);
	tp_bind_cold_t *cold;

	if(head > 255)
		head = 255;
	cold = tp_shm_zalloc(
			offsetof(tp_bind_cold_t, tail) + (src_ip ? 16 : 0) + head);
	if(cold == NULL)
		return NULL;
	cold->src_af = b->source.af;
	if(src_ip)
		memcpy(cold->tail, b->source.ip, 16);
	cold->aor_len = (uint8_t)head;
	memcpy(cold->tail + (src_ip ? 16 : 0), b->aor, head);
	cold->names =
			tp_names_get(t, at ? at : "", dom, ua ? ua : "", ua ? ua_len : 0);
	if(cold->names == NULL) {
		tp_shm_free(cold);
		return NULL;
	}
	return cold;
}

/* b's slot, with its out-of-line part and rule number */
static void tp_slot_from(const tp_binding_t *b, tp_bind_cold_t *cold,
		int rule_no, tp_bind_slot_t *v)
{
	memset(v, 0, sizeof(*v));
	/* field by field: the slot's key is compared a word at a time, its
	 * padding and unused IP bytes zero */
	v->u.contact.af = b->contact.af;
	v->u.contact.port = b->contact.port;
	memcpy(v->u.contact.ip, b->contact.ip, b->contact.af == 4 ? 4 : 16);
	v->u.expires = (uint32_t)b->expires;
	v->u.node = b->node;
	v->u.reg_conn_id = b->reg_conn_id;
	v->u.rule_no = (uint16_t)rule_no;
	v->u.cold = cold;
	v->u.src_port = b->source.af ? b->source.port : b->contact.port;
	v->u.flags = (uint8_t)((tp_source_ip_differs(b) ? TP_F_SRC_IP : 0)
						   | (b->source.af && !tp_addr_eq(&b->source, &b->contact)
											 ? TP_F_BY_SRC
											 : 0)
						   | (b->observe ? TP_F_OBSERVE : 0));
	tp_slot_set_mode(v, b->mode);
}

int tp_bind_fill(tp_bind_table_t *t, const tp_bind_slot_t *c, tp_binding_t *b,
		int locked)
{
	const char *rule = tp_store_name(t, c->u.rule_no);

	if((c->u.flags & TP_F_SRC_IP) && !locked)
		return TP_STORE_LOCKED;
	b->contact = c->u.contact;
	tp_store_source(c, &b->source);
	b->mode = tp_slot_mode(c);
	b->observe = !!(c->u.flags & TP_F_OBSERVE);
	b->reg_conn_id = c->u.reg_conn_id;
	b->node = c->u.node;
	b->expires = (time_t)c->u.expires;
	memcpy(b->rule, rule, sizeof(b->rule)); /* padded: no strlen */
	b->aor[0] = '\0';
	return 1;
}

/* the AoR of a slot (under the lock) */
static void tp_aor_fill(const tp_bind_slot_t *c, char *aor)
{
	const tp_bind_cold_t *cold = c->u.cold;
	size_t head = cold->aor_len, dom;
	const char *domain = tp_cold_domain(cold, &dom);

	memcpy(aor, cold->tail + ((c->u.flags & TP_F_SRC_IP) ? 16 : 0), head);
	if(head + dom > TP_AOR_MAX)
		dom = TP_AOR_MAX - head;
	if(dom)
		memcpy(aor + head, domain, dom);
	aor[head + dom] = '\0';
}

void tp_bind_view_fill(
		tp_bind_table_t *t, const tp_bind_slot_t *c, tp_bind_view_t *v)
{
	size_t len, n;
	const char *ua = tp_cold_ua(c->u.cold, &len);

	n = len < TP_BIND_UA_SHOW ? len : TP_BIND_UA_SHOW;
	tp_bind_fill(t, c, &v->b, 1);
	tp_aor_fill(c, v->b.aor);
	memcpy(v->ua, ua, n);
	v->ua[n] = '\0';
	v->ua_len = len;
}

/* what a removal or a replacement asks of the UE it finds */
typedef struct tp_take_if
{
	const tp_addr_t *src;
	uint32_t until; /* non-zero: only a UE expiring no later */
	int node;		/* > 0: or a UE of that node, whatever its expiry */
	int local_only; /* only a UE this node made (node 0) */
} tp_take_if_t;

static int tp_take_ok(const tp_bind_slot_t *c, const tp_take_if_t *w)
{
	if(w == NULL)
		return 1;
	if(w->src && !tp_store_source_is(c, w->src))
		return 0;
	if(w->local_only && c->u.node != 0)
		return 0;
	return !w->until || c->u.expires <= w->until
		   || (w->node > 0 && c->u.node == (uint8_t)w->node);
}

/* binds b if the UE its contact has, if any, meets w; \return 1 bound,
 * 0 kept the UE there, -1 no memory or the table full, -2 no room for
 * its rule's name */
static int tp_set(tp_bind_table_t *t, const tp_binding_t *b, const char *ua,
		size_t ua_len, const tp_take_if_t *w)
{
	tp_bind_cold_t *fresh, *old = NULL;
	tp_bind_slot_t c, v;
	int i, rule_no, ret;

	if((fresh = tp_cold_new(t, b, ua, ua_len)) == NULL)
		return -1;
	tp_lock(&t->lock);
	i = tp_store_probe(t, &b->contact, &c, NULL);
	if(i >= 0 && !tp_take_ok(&c, w)) {
		ret = 0;
	} else if((rule_no = tp_store_name_no(t, b->rule)) < 0) {
		ret = -2;
	} else {
		tp_slot_from(b, fresh, rule_no, &v);
		ret = tp_store_put(t, &v) < 0 ? -1 : 1;
		if(ret > 0) {
			old = i >= 0 ? c.u.cold : NULL;
			fresh = NULL;
		}
	}
	tp_unlock(&t->lock);
	tp_bind_cold_free(t, fresh);
	tp_bind_cold_free(t, old);
	if(ret == -2)
		TP_ERR("the binding table knows %d rule names already: UEs of rule"
			   " '%s' cannot be bound until Kamailio restarts\n",
				TP_BIND_NAMES, b->rule);
	return ret;
}

int tp_bind_put(tp_bind_table_t *t, const tp_binding_t *b, const char *ua,
		size_t ua_len)
{
	int ret = tp_set(t, b, ua, ua_len, NULL);

	return ret > 0 ? 0 : ret;
}

int tp_bind_put_newer(tp_bind_table_t *t, const tp_binding_t *b,
		const char *ua, size_t ua_len, int same_node_wins)
{
	/* a UE expiring at b->expires or later stays, unless it is the same
	 * node's and that node says so (its refresh may be shorter) */
	tp_take_if_t w = {NULL, (uint32_t)b->expires - 1,
			same_node_wins ? b->node : 0, 0};
	int ret;

	if(b->expires <= 1)
		return -1;
	ret = tp_set(t, b, ua, ua_len, &w);
	return ret < 0 ? -1 : ret;
}

/* removes the UE of contact if it meets w; \return 1 (and its expiry in
 * *expires, if not NULL) or -1 */
static int tp_remove(tp_bind_table_t *t, const tp_addr_t *contact,
		const tp_take_if_t *w, time_t *expires)
{
	tp_bind_cold_t *old = NULL;
	tp_bind_slot_t c;
	int i, ret = -1;

	tp_lock(&t->lock);
	if((i = tp_store_probe(t, contact, &c, NULL)) >= 0 && tp_take_ok(&c, w)) {
		old = c.u.cold;
		if(expires)
			*expires = (time_t)c.u.expires;
		tp_store_remove(t, (uint32_t)i);
		ret = 1;
	}
	tp_unlock(&t->lock);
	tp_bind_cold_free(t, old);
	return ret;
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
	tp_take_if_t w = {source, until > 0 ? (uint32_t)until : 0, 0, local_only};

	return tp_remove(t, contact, &w, expires);
}

/* ---- lookups ---- */

typedef enum tp_get_how
{
	TP_GET_DST,			 /* by contact, else by source */
	TP_GET_DST_SRC,		 /* by source: the lookup by contact missed */
	TP_GET_SRC,			 /* by source, else by contact */
	TP_GET_CONTACT_FROM, /* by contact, if registered from src's IP */
	TP_GET_HAS			 /* by contact, live or not */
} tp_get_how_t;

static inline int tp_live(const tp_bind_slot_t *c, time_t now)
{
	return c->u.expires > (uint32_t)now;
}

/* the live UE registered last from a: its slot in *c, or -1 */
static int tp_by_source(tp_bind_table_t *t, const tp_addr_t *a, time_t now,
		tp_bind_slot_t *c, int locked)
{
	int i = tp_store_probe_src(t, a, c, locked);

	/* an expired newest (not swept yet): the ones before it, with the
	 * lock (their list is out of line) */
	while(i >= 0 && !tp_live(c, now)) {
		if(!locked)
			return TP_STORE_LOCKED;
		i = tp_store_src_older(t, c, c);
	}
	return i;
}

/* the live UE whose contact is a: its slot in *c, or -1 (*no_src, if not
 * NULL: and none registered from a either) */
static inline int tp_by_contact(tp_bind_table_t *t, const tp_addr_t *a,
		time_t now, tp_bind_slot_t *c, int *no_src)
{
	int i = tp_store_probe(t, a, c, no_src);

	return i >= 0 && !tp_live(c, now) ? -1 : i;
}

/* one try of a lookup: \return a slot (its copy in *c), -1,
 * TP_STORE_RETRY or TP_STORE_LOCKED */
static inline int tp_get_once(tp_bind_table_t *t, const tp_addr_t *a,
		const tp_addr_t *src, time_t now, tp_get_how_t how, tp_bind_slot_t *c,
		int locked)
{
	int i, no_src;

	switch(how) {
		case TP_GET_HAS:
			return tp_store_probe(t, a, c, NULL);
		case TP_GET_CONTACT_FROM:
			if((i = tp_by_contact(t, a, now, c, NULL)) < 0)
				return i;
			if((c->u.flags & TP_F_SRC_IP) && !locked)
				return TP_STORE_LOCKED;
			return tp_store_source_ip_is(c, src) ? i : -1;
		case TP_GET_DST_SRC:
			return tp_by_source(t, a, now, c, locked);
		case TP_GET_SRC:
			if((i = tp_by_source(t, a, now, c, locked)) != -1)
				return i;
			return tp_by_contact(t, a, now, c, NULL);
		default:
			/* the slot where a lookup by contact starts says whether
			 * any UE registered from there: most misses stop here */
			if((i = tp_by_contact(t, a, now, c, &no_src)) != -1 || no_src)
				return i;
			return tp_by_source(t, a, now, c, locked);
	}
}

/* a lookup into *c, with the lock held (locked 1) or not; \return the
 * slot, or -1 */
static inline int tp_bind_lookup(tp_bind_table_t *t, const tp_addr_t *a,
		const tp_addr_t *src, time_t now, tp_get_how_t how, tp_bind_slot_t *c,
		int locked)
{
	int i = TP_STORE_RETRY, k;

	for(k = 0; !locked && k < TP_TRIES && i == TP_STORE_RETRY; k++)
		i = tp_get_once(t, a, src, now, how, c, 0);
	if(i == TP_STORE_RETRY || i == TP_STORE_LOCKED) {
		if(!locked)
			tp_lock(&t->lock);
		i = tp_get_once(t, a, src, now, how, c, 1);
		if(!locked)
			tp_unlock(&t->lock);
	}
	return i;
}

/* a request's lookup; one whose source IP is out of line is read again
 * under the lock */
static int tp_get(tp_bind_table_t *t, const tp_addr_t *a, const tp_addr_t *src,
		time_t now, tp_get_how_t how, tp_binding_t *out)
{
	tp_bind_slot_t c;
	int ret = -1;

	if(tp_bind_lookup(t, a, src, now, how, &c, 0) < 0)
		return -1;
	if(tp_bind_fill(t, &c, out, 0) > 0)
		return 1;
	tp_lock(&t->lock);
	if(tp_bind_lookup(t, a, src, now, how, &c, 1) >= 0)
		ret = tp_bind_fill(t, &c, out, 1);
	tp_unlock(&t->lock);
	return ret;
}

int tp_bind_get_dst(
		tp_bind_table_t *t, const tp_addr_t *dst, time_t now, tp_binding_t *out)
{
	tp_bind_slot_t c;
	int i, no_src;

	/* the common answers first: the UE of that contact, or nobody at all
	 * (every request to a UE, and to the network, asks) */
	i = tp_store_probe(t, dst, &c, &no_src);
	if(i >= 0 && tp_live(&c, now) && tp_bind_fill(t, &c, out, 0) > 0)
		return 1;
	if(i == -1 && no_src)
		return -1;
	/* no live UE of that contact: by source alone, not by contact again */
	if(i == -1 || (i >= 0 && !tp_live(&c, now)))
		return tp_get(t, dst, NULL, now, TP_GET_DST_SRC, out);
	return tp_get(t, dst, NULL, now, TP_GET_DST, out);
}

int tp_bind_get_src(
		tp_bind_table_t *t, const tp_addr_t *src, time_t now, tp_binding_t *out)
{
	return tp_get(t, src, NULL, now, TP_GET_SRC, out);
}

int tp_bind_get_by_contact_from(tp_bind_table_t *t, const tp_addr_t *contact,
		const tp_addr_t *src, time_t now, tp_binding_t *out)
{
	return tp_get(t, contact, src, now, TP_GET_CONTACT_FROM, out);
}

int tp_bind_has(tp_bind_table_t *t, const tp_addr_t *contact)
{
	tp_bind_slot_t c;

	return tp_bind_lookup(t, contact, NULL, 0, TP_GET_HAS, &c, 0) >= 0;
}

/* a lookup with the User-Agent and AoR, under the lock */
static int tp_find(tp_bind_table_t *t, const tp_addr_t *a, time_t now,
		tp_get_how_t how, tp_bind_view_t *out)
{
	tp_bind_slot_t c;
	int ret = -1;

	tp_lock(&t->lock);
	if(tp_bind_lookup(t, a, NULL, now, how, &c, 1) >= 0) {
		tp_bind_view_fill(t, &c, out);
		ret = 1;
	}
	tp_unlock(&t->lock);
	return ret;
}

int tp_bind_find(tp_bind_table_t *t, const tp_addr_t *addr, time_t now,
		tp_bind_view_t *out)
{
	return tp_find(t, addr, now, TP_GET_DST, out);
}

int tp_bind_find_src(tp_bind_table_t *t, const tp_addr_t *addr, time_t now,
		tp_bind_view_t *out)
{
	return tp_find(t, addr, now, TP_GET_SRC, out);
}

unsigned int tp_bind_count(tp_bind_table_t *t)
{
	return __atomic_load_n(&t->count, __ATOMIC_RELAXED);
}
