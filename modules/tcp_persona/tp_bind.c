/*
 * tcp_persona - the binding table: which persona a registered UE has
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "tp_sys.h"
#include "tp_bind.h"

/* A UE is one primary entry, in the slot of its contact IP. When the
 * REGISTER came from another IP (NAT), a secondary copy sits in the slot of
 * that IP, so that both lookups scan a single slot. */
typedef struct tp_bind_entry
{
	struct tp_bind_entry *next;
	tp_binding_t b;
	int primary;
	char *ua; /* primary only */
	size_t ua_len;
	int open_owner; /* primary only: who opens a connection now */
	uint64_t open_until;
} tp_bind_entry_t;

typedef struct tp_bind_slot
{
	tp_lock_t lock;
	tp_bind_entry_t *head;
} tp_bind_slot_t;

struct tp_bind_table
{
	unsigned int mask;
	unsigned int count;
	tp_bind_slot_t slots[];
};

int tp_addr_eq(const tp_addr_t *a, const tp_addr_t *b)
{
	return tp_addr_ip_eq(a, b) && a->port == b->port;
}

int tp_addr_ip_eq(const tp_addr_t *a, const tp_addr_t *b)
{
	return a->af != 0 && a->af == b->af
		   && memcmp(a->ip, b->ip, a->af == 4 ? 4 : 16) == 0;
}

int tp_addr_parse(const char *s, size_t len, tp_addr_t *a)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *p;
	size_t hlen, plen;
	unsigned long port = 0;

	memset(a, 0, sizeof(*a));
	if(len > 0 && s[0] == '[') {
		p = memchr(s, ']', len);
		if(p == NULL || p + 1 >= s + len || p[1] != ':')
			return -1;
		hlen = (size_t)(p - s - 1);
		colon = p + 1;
		if(hlen == 0 || hlen > INET6_ADDRSTRLEN)
			return -1;
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		if(inet_pton(AF_INET6, host, a->ip) != 1)
			return -1;
		a->af = 6;
	} else {
		colon = memchr(s, ':', len);
		if(colon == NULL || (hlen = (size_t)(colon - s)) == 0
				|| hlen > INET6_ADDRSTRLEN)
			return -1;
		memcpy(host, s, hlen);
		host[hlen] = '\0';
		if(inet_pton(AF_INET, host, a->ip) != 1)
			return -1;
		a->af = 4;
	}
	plen = (size_t)(s + len - colon - 1);
	if(plen == 0 || plen > 5)
		goto bad;
	for(p = colon + 1; p < s + len; p++) {
		if(*p < '0' || *p > '9')
			goto bad;
		port = port * 10 + (unsigned long)(*p - '0');
	}
	if(port == 0 || port > 65535)
		goto bad;
	a->port = (uint16_t)port;
	return 0;
bad:
	memset(a, 0, sizeof(*a));
	return -1;
}

const char *tp_addr_str(const tp_addr_t *a, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if(a->af == 4 || a->af == 6)
		inet_ntop(a->af == 4 ? AF_INET : AF_INET6, a->ip, ip, sizeof(ip));
	snprintf(buf, size, a->af == 6 ? "[%s]:%u" : "%s:%u", ip, a->port);
	return buf;
}

static unsigned int tp_ip_hash(const tp_addr_t *a)
{
	unsigned int h = 2166136261u, i, n = a->af == 4 ? 4 : 16;

	for(i = 0; i < n; i++)
		h = (h ^ a->ip[i]) * 16777619u;
	return h ^ (h >> 15);
}

tp_bind_table_t *tp_bind_create(unsigned int size_log2)
{
	unsigned int i, n = 1u << size_log2;
	tp_bind_table_t *t;

	t = tp_shm_zalloc(sizeof(*t) + n * sizeof(tp_bind_slot_t));
	if(t == NULL)
		return NULL;
	t->mask = n - 1;
	for(i = 0; i < n; i++)
		tp_lock_init(&t->slots[i].lock);
	return t;
}

static void tp_entry_free(tp_bind_entry_t *e)
{
	if(e->ua)
		tp_shm_free(e->ua);
	tp_shm_free(e);
}

void tp_bind_destroy(tp_bind_table_t *t)
{
	tp_bind_entry_t *e, *n;
	unsigned int i;

	if(t == NULL)
		return;
	for(i = 0; i <= t->mask; i++) {
		for(e = t->slots[i].head; e; e = n) {
			n = e->next;
			tp_entry_free(e);
		}
		tp_lock_destroy(&t->slots[i].lock);
	}
	tp_shm_free(t);
}

static tp_bind_slot_t *tp_slot(tp_bind_table_t *t, const tp_addr_t *a)
{
	return &t->slots[tp_ip_hash(a) & t->mask];
}

static void tp_view_fill(tp_bind_view_t *v, const tp_bind_entry_t *e)
{
	size_t n = e->ua_len < TP_BIND_UA_SHOW ? e->ua_len : TP_BIND_UA_SHOW;

	v->b = e->b;
	if(n)
		memcpy(v->ua, e->ua, n);
	v->ua[n] = '\0';
	v->ua_len = e->ua_len;
}

/* unlinks and returns the entry of contact of the given kind, if any */
static tp_bind_entry_t *tp_unlink(
		tp_bind_slot_t *s, const tp_addr_t *contact, int primary)
{
	tp_bind_entry_t **pp, *e;

	for(pp = &s->head; (e = *pp) != NULL; pp = &e->next) {
		if(e->primary == primary && tp_addr_eq(&e->b.contact, contact)) {
			*pp = e->next;
			return e;
		}
	}
	return NULL;
}

/* drops the NAT copy of a UE whose REGISTER came from another IP */
static void tp_drop_secondary(tp_bind_table_t *t, const tp_binding_t *old)
{
	tp_bind_slot_t *s;
	tp_bind_entry_t *e;

	if(old->source.af == 0 || tp_addr_ip_eq(&old->source, &old->contact))
		return;
	s = tp_slot(t, &old->source);
	tp_lock(&s->lock);
	e = tp_unlink(s, &old->contact, 0);
	tp_unlock(&s->lock);
	if(e)
		tp_entry_free(e);
}

static int tp_add_secondary(tp_bind_table_t *t, const tp_binding_t *b)
{
	tp_bind_slot_t *s;
	tp_bind_entry_t *e;

	if(b->source.af == 0 || tp_addr_ip_eq(&b->source, &b->contact))
		return 0;
	if((e = tp_shm_zalloc(sizeof(*e))) == NULL)
		return -1;
	e->b = *b;
	s = tp_slot(t, &b->source);
	tp_lock(&s->lock);
	e->next = s->head;
	s->head = e;
	tp_unlock(&s->lock);
	return 0;
}

int tp_bind_put(tp_bind_table_t *t, const tp_binding_t *b, const char *ua,
		size_t ua_len)
{
	tp_bind_slot_t *s = tp_slot(t, &b->contact);
	tp_bind_entry_t *e, *fresh;
	char *ua_copy;
	tp_binding_t old;
	int existed;

	fresh = tp_shm_zalloc(sizeof(*fresh));
	ua_copy = tp_shm_zalloc(ua_len + 1);
	if(fresh == NULL || ua_copy == NULL) {
		if(fresh)
			tp_shm_free(fresh);
		if(ua_copy)
			tp_shm_free(ua_copy);
		return -1;
	}
	memcpy(ua_copy, ua, ua_len);
	fresh->b = *b;
	fresh->primary = 1;
	fresh->ua = ua_copy;
	fresh->ua_len = ua_len;

	tp_lock(&s->lock);
	e = tp_unlink(s, &b->contact, 1);
	existed = e != NULL;
	if(e) {
		old = e->b;
		fresh->open_owner = e->open_owner;
		fresh->open_until = e->open_until;
	}
	fresh->next = s->head;
	s->head = fresh;
	tp_unlock(&s->lock);

	if(existed) {
		tp_drop_secondary(t, &old);
		tp_entry_free(e);
	} else {
		__atomic_add_fetch(&t->count, 1, __ATOMIC_RELAXED);
	}
	return tp_add_secondary(t, b);
}

int tp_bind_del(tp_bind_table_t *t, const tp_addr_t *contact)
{
	tp_bind_slot_t *s = tp_slot(t, contact);
	tp_bind_entry_t *e;

	tp_lock(&s->lock);
	e = tp_unlink(s, contact, 1);
	tp_unlock(&s->lock);
	if(e == NULL)
		return -1;
	__atomic_sub_fetch(&t->count, 1, __ATOMIC_RELAXED);
	tp_drop_secondary(t, &e->b);
	tp_entry_free(e);
	return 1;
}

/* how well an entry answers a lookup: 0 not at all, higher is better */
typedef int (*tp_score_f)(const tp_bind_entry_t *e, const tp_addr_t *a);

static int tp_score_dst(const tp_bind_entry_t *e, const tp_addr_t *a)
{
	if(tp_addr_eq(&e->b.contact, a))
		return 2;
	return tp_addr_eq(&e->b.source, a) ? 1 : 0;
}

static int tp_score_src(const tp_bind_entry_t *e, const tp_addr_t *a)
{
	if(tp_addr_eq(&e->b.source, a))
		return 3;
	if(tp_addr_eq(&e->b.contact, a))
		return 2;
	return tp_addr_ip_eq(&e->b.source, a) || tp_addr_ip_eq(&e->b.contact, a);
}

static int tp_bind_get(tp_bind_table_t *t, const tp_addr_t *a, time_t now,
		tp_score_f score, tp_binding_t *out)
{
	tp_bind_slot_t *s = tp_slot(t, a);
	const tp_bind_entry_t *e, *best = NULL;
	int sc, best_sc = 0, ret = -1;

	tp_lock(&s->lock);
	for(e = s->head; e; e = e->next) {
		if(e->b.expires <= now || (sc = score(e, a)) == 0)
			continue;
		/* same score: the later expiry was registered last */
		if(sc > best_sc || (sc == best_sc && e->b.expires > best->b.expires)) {
			best = e;
			best_sc = sc;
		}
	}
	if(best) {
		*out = best->b; /* a copy: nothing of the table escapes the lock */
		ret = 1;
	}
	tp_unlock(&s->lock);
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

/* the primary entry of contact, live, into *out */
static int tp_bind_primary(tp_bind_table_t *t, const tp_addr_t *contact,
		time_t now, tp_bind_view_t *out)
{
	tp_bind_slot_t *s = tp_slot(t, contact);
	const tp_bind_entry_t *e;
	int ret = -1;

	tp_lock(&s->lock);
	for(e = s->head; e; e = e->next) {
		if(e->primary && e->b.expires > now
				&& tp_addr_eq(&e->b.contact, contact)) {
			tp_view_fill(out, e);
			ret = 1;
			break;
		}
	}
	tp_unlock(&s->lock);
	return ret;
}

int tp_bind_find(tp_bind_table_t *t, const tp_addr_t *addr, time_t now,
		tp_bind_view_t *out)
{
	tp_binding_t b;

	/* a source match may be the NAT copy, which has no User-Agent */
	if(tp_bind_get_dst(t, addr, now, &b) < 0)
		return -1;
	return tp_bind_primary(t, &b.contact, now, out);
}

unsigned int tp_bind_next(tp_bind_table_t *t, time_t now,
		tp_bind_cursor_t *cur, tp_bind_view_t *out, unsigned int n)
{
	const tp_bind_entry_t *e;
	unsigned int got = 0, k;

	for(; cur->slot <= t->mask && got < n; cur->slot++, cur->pos = 0) {
		k = 0;
		tp_lock(&t->slots[cur->slot].lock);
		for(e = t->slots[cur->slot].head; e && got < n; e = e->next) {
			if(!e->primary || e->b.expires <= now || k++ < cur->pos)
				continue;
			if(out)
				tp_view_fill(&out[got], e);
			got++;
			cur->pos++;
		}
		tp_unlock(&t->slots[cur->slot].lock);
		if(got == n)
			break; /* the slot may hold more */
	}
	return got;
}

#define TP_COPY_BATCH 32

/* gives the NAT copies in slot i the mode and rule of their UE */
static void tp_reclassify_copies(tp_bind_table_t *t, unsigned int i, time_t now)
{
	tp_addr_t contacts[TP_COPY_BATCH];
	tp_bind_slot_t *s = &t->slots[i];
	tp_bind_entry_t *e;
	tp_bind_view_t v;
	unsigned int skip, n, k, c;

	for(skip = 0;; skip += TP_COPY_BATCH) {
		n = k = 0;
		tp_lock(&s->lock);
		for(e = s->head; e && n < TP_COPY_BATCH; e = e->next) {
			if(!e->primary && k++ >= skip)
				contacts[n++] = e->b.contact;
		}
		tp_unlock(&s->lock);
		/* the UE's own entry is in another slot: never two locks at once */
		for(c = 0; c < n; c++) {
			if(tp_bind_primary(t, &contacts[c], now, &v) < 0)
				continue;
			tp_lock(&s->lock);
			for(e = s->head; e; e = e->next) {
				if(!e->primary && tp_addr_eq(&e->b.contact, &contacts[c])) {
					e->b.mode = v.b.mode;
					memcpy(e->b.rule, v.b.rule, sizeof(e->b.rule));
				}
			}
			tp_unlock(&s->lock);
		}
		if(n < TP_COPY_BATCH)
			break;
	}
}

/* one UE of a slot, copied out to be matched without the slot's lock */
typedef struct tp_reclass_item
{
	tp_addr_t contact;
	time_t expires; /* with contact: the same registration when written */
	char *ua;
	size_t ua_len;
	tp_mode_t mode;
	char rule[TP_NAME_MAX + 1];
} tp_reclass_item_t;

#define TP_RECLASS_BATCH 16

/* copies up to TP_RECLASS_BATCH live UEs of slot s after the first skip;
 * \return how many, or -1 out of memory */
static int tp_reclass_copy(tp_bind_slot_t *s, time_t now, unsigned int skip,
		tp_reclass_item_t *items)
{
	const tp_bind_entry_t *e;
	unsigned int k = 0;
	int n = 0, failed = 0;

	tp_lock(&s->lock);
	for(e = s->head; e && n < TP_RECLASS_BATCH; e = e->next) {
		if(!e->primary || e->b.expires <= now || k++ < skip)
			continue;
		items[n].contact = e->b.contact;
		items[n].expires = e->b.expires;
		items[n].ua_len = e->ua_len;
		if((items[n].ua = tp_malloc(e->ua_len + 1)) == NULL) {
			failed = 1;
			break;
		}
		memcpy(items[n].ua, e->ua, e->ua_len);
		items[n++].ua[e->ua_len] = '\0';
	}
	tp_unlock(&s->lock);
	if(failed) {
		while(n > 0)
			tp_free(items[--n].ua);
		return -1;
	}
	return n;
}

/* writes the new modes back to the entries still of the same registration */
static unsigned int tp_reclass_write(tp_bind_slot_t *s,
		tp_reclass_item_t *items, int n, unsigned int *changed)
{
	tp_bind_entry_t *e;
	unsigned int done = 0;
	int i;

	tp_lock(&s->lock);
	for(i = 0; i < n; i++) {
		for(e = s->head; e; e = e->next) {
			if(!e->primary || e->b.expires != items[i].expires
					|| !tp_addr_eq(&e->b.contact, &items[i].contact))
				continue;
			if(e->b.mode != items[i].mode)
				(*changed)++;
			e->b.mode = items[i].mode;
			memcpy(e->b.rule, items[i].rule, sizeof(e->b.rule));
			done++;
			break;
		}
	}
	tp_unlock(&s->lock);
	return done;
}

unsigned int tp_bind_reclassify(tp_bind_table_t *t, time_t now,
		tp_bind_classify_f f, void *arg, unsigned int *changed)
{
	tp_reclass_item_t items[TP_RECLASS_BATCH];
	unsigned int i, skip, n = 0;
	int got, k;

	*changed = 0;
	for(i = 0; i <= t->mask; i++) {
		/* matching may take long: never under the slot's lock */
		for(skip = 0;; skip += TP_RECLASS_BATCH) {
			if((got = tp_reclass_copy(&t->slots[i], now, skip, items)) < 0) {
				TP_ERR("out of memory re-classifying bindings\n");
				break;
			}
			for(k = 0; k < got; k++) {
				items[k].rule[0] = '\0';
				f(items[k].ua, items[k].ua_len, &items[k].mode, items[k].rule,
						sizeof(items[k].rule), arg);
			}
			n += tp_reclass_write(&t->slots[i], items, got, changed);
			for(k = 0; k < got; k++)
				tp_free(items[k].ua);
			if(got < TP_RECLASS_BATCH)
				break;
		}
	}
	for(i = 0; i <= t->mask; i++)
		tp_reclassify_copies(t, i, now);
	return n;
}

int tp_bind_open_begin(tp_bind_table_t *t, const tp_addr_t *contact, int owner,
		uint64_t now_ms, uint64_t hold_ms)
{
	tp_bind_slot_t *s = tp_slot(t, contact);
	tp_bind_entry_t *e;
	int ret = -1;

	tp_lock(&s->lock);
	for(e = s->head; e; e = e->next) {
		if(!e->primary || !tp_addr_eq(&e->b.contact, contact))
			continue;
		if(e->open_owner == 0 || e->open_owner == owner
				|| e->open_until <= now_ms) {
			e->open_owner = owner;
			e->open_until = now_ms + hold_ms;
			ret = 1;
		} else {
			ret = 0;
		}
		break;
	}
	tp_unlock(&s->lock);
	return ret;
}

void tp_bind_open_end(tp_bind_table_t *t, const tp_addr_t *contact, int owner)
{
	tp_bind_slot_t *s = tp_slot(t, contact);
	tp_bind_entry_t *e;

	tp_lock(&s->lock);
	for(e = s->head; e; e = e->next) {
		if(e->primary && e->open_owner == owner
				&& tp_addr_eq(&e->b.contact, contact)) {
			e->open_owner = 0;
			break;
		}
	}
	tp_unlock(&s->lock);
}

#define TP_REUSE_BATCH 64

void tp_bind_each_reuse(
		tp_bind_table_t *t, time_t now, tp_bind_reuse_f f, void *arg)
{
	int ids[TP_REUSE_BATCH];
	unsigned int left[TP_REUSE_BATCH];
	const tp_bind_entry_t *e;
	unsigned int i, skip, n, k;

	for(i = 0; i <= t->mask; i++) {
		/* a slot in batches: copy under the lock, call without it */
		for(skip = 0;; skip += TP_REUSE_BATCH) {
			n = k = 0;
			tp_lock(&t->slots[i].lock);
			for(e = t->slots[i].head; e && n < TP_REUSE_BATCH; e = e->next) {
				if(!e->primary || e->b.mode != TP_MODE_REUSE
						|| e->b.reg_conn_id <= 0 || e->b.expires <= now)
					continue;
				if(k++ < skip)
					continue;
				ids[n] = e->b.reg_conn_id;
				left[n++] = (unsigned int)(e->b.expires - now);
			}
			tp_unlock(&t->slots[i].lock);
			for(k = 0; k < n; k++)
				f(ids[k], left[k], arg);
			if(n < TP_REUSE_BATCH)
				break;
		}
	}
}

int tp_bind_sweep(tp_bind_table_t *t, time_t now)
{
	tp_bind_entry_t **pp, *e, *dead = NULL;
	unsigned int i;
	int n = 0;

	for(i = 0; i <= t->mask; i++) {
		tp_lock(&t->slots[i].lock);
		for(pp = &t->slots[i].head; (e = *pp) != NULL;) {
			if(e->b.expires > now) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			e->next = dead; /* freed outside the lock */
			dead = e;
		}
		tp_unlock(&t->slots[i].lock);
	}
	for(; dead; dead = e) {
		e = dead->next;
		if(dead->primary) {
			__atomic_sub_fetch(&t->count, 1, __ATOMIC_RELAXED);
			n++;
		}
		tp_entry_free(dead);
	}
	return n;
}

unsigned int tp_bind_count(tp_bind_table_t *t)
{
	return __atomic_load_n(&t->count, __ATOMIC_RELAXED);
}
