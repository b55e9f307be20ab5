/*
 * tcp_persona - classification cache
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "tp_sys.h"
#include "tp_cache.h"

/* FNV-1a, 64 bit: fast on short strings, spreads well enough for a cache */
/* eight bytes at a time: the hash is most of a cache hit's cost */
static uint64_t tp_hash(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, w;

	for(; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

int tp_cache_init(tp_cache_t *c, uint32_t entries)
{
	uint32_t nsets = 1;

	memset(c, 0, sizeof(*c));
	if(entries == 0)
		return 0;
	if(entries > (1U << 24))
		entries = 1U << 24;
	while(nsets * TP_CACHE_WAYS < entries)
		nsets <<= 1;
	c->e = tp_zalloc(sizeof(*c->e) * nsets * TP_CACHE_WAYS);
	if(c->e == NULL)
		return -1;
	c->nsets = nsets;
	return 0;
}

uint32_t tp_cache_capacity(const tp_cache_t *c)
{
	return c->nsets * TP_CACHE_WAYS;
}

void tp_cache_flush(tp_cache_t *c)
{
	uint32_t i;

	for(i = 0; i < tp_cache_capacity(c); i++) {
		if(c->e[i].ua)
			tp_free(c->e[i].ua);
		memset(&c->e[i], 0, sizeof(c->e[i]));
	}
}

void tp_cache_free(tp_cache_t *c)
{
	if(c->e) {
		tp_cache_flush(c);
		tp_free(c->e);
	}
	memset(c, 0, sizeof(*c));
}

static void tp_entry_fill(
		tp_class_t *out, const tp_ruleset_t *rs, const tp_cache_entry_t *e)
{
	memset(out, 0, sizeof(*out));
	out->status = e->status;
	out->rule = e->rule;
	out->limit_rule = e->limit_rule;
	out->pcre2_error = e->pcre2_error;
	out->mode = e->rule >= 0 ? rs->rules[e->rule].mode : rs->default_mode;
	out->observe = e->rule >= 0 && rs->rules[e->rule].observe;
}

/* stores a result in the least recently used way of the set */
static void tp_entry_store(tp_cache_t *c, tp_cache_entry_t *set, uint64_t h,
		const char *ua, size_t len, const tp_class_t *res)
{
	tp_cache_entry_t *v = &set[0];
	char *copy;
	int w;

	for(w = 1; w < TP_CACHE_WAYS && v->ua; w++) {
		if(set[w].ua == NULL || set[w].used < v->used)
			v = &set[w];
	}
	/* one byte more: an empty User-Agent still needs a non-NULL key */
	if((copy = tp_malloc(len + 1)) == NULL)
		return; /* no room: classify again next time */
	memcpy(copy, ua, len);
	if(v->ua)
		tp_free(v->ua);
	v->ua = copy;
	v->len = len;
	v->hash = h;
	v->used = ++c->tick;
	v->status = res->status;
	v->rule = res->rule;
	v->limit_rule = res->limit_rule;
	v->pcre2_error = res->pcre2_error;
}

tp_match_status_t tp_classify(tp_ruleset_t *rs, tp_cache_t *c, const char *ua,
		size_t len, tp_class_t *out)
{
	tp_cache_entry_t *set;
	uint64_t h;
	int w;

	if(ua == NULL)
		ua = "", len = 0;
	if(len > rs->ua_max_len)
		len = rs->ua_max_len;
	if(c == NULL || c->e == NULL)
		return tp_ruleset_match(rs, ua, len, out);
	if(c->gen != rs->gen) {
		tp_cache_flush(c);
		c->gen = rs->gen;
	}
	h = tp_hash(ua, len);
	set = &c->e[(h & (c->nsets - 1)) * TP_CACHE_WAYS];
	for(w = 0; w < TP_CACHE_WAYS; w++) {
		if(set[w].ua && set[w].hash == h && set[w].len == len
				&& memcmp(set[w].ua, ua, len) == 0) {
			set[w].used = ++c->tick;
			c->hits++;
			tp_entry_fill(out, rs, &set[w]);
			return out->status;
		}
	}
	c->misses++;
	tp_ruleset_match(rs, ua, len, out);
	tp_entry_store(c, set, h, ua, len, out);
	return out->status;
}
